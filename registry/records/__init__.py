"""Credit records: the dual-publicity layout, validation, storage and the record API."""
