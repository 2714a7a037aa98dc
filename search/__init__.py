"""Everything that talks to a search engine: Elasticsearch/OpenSearch or the built-in SQL engine."""

# The built-in engine's tables are part of the schema whichever engine serves: on the metadata always.
from . import sql_models  # noqa: F401
