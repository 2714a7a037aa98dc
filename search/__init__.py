"""Everything that talks to a search engine: Elasticsearch/OpenSearch or the built-in SQL engine."""
