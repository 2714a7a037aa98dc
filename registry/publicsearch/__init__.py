"""Public search over entities and records, through the configured search engine."""
