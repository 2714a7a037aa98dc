"""The real services start and do what the registry relies on.

No skipping: a service that cannot be started fails these tests.
"""

import uuid

import psycopg
import pytest
from opensearchpy import OpenSearch

from tests.services import opensearch_url, postgres_url


@pytest.mark.opensearch
def test_opensearch_indexes_and_finds_chinese_text():
    client = OpenSearch(hosts=[opensearch_url()], timeout=30)
    index = f"smoke-{uuid.uuid4().hex}"
    client.indices.create(index=index, body={"settings": {"number_of_shards": 1, "number_of_replicas": 0}})
    try:
        client.index(index=index, id="1", body={"name": "北京市朝阳区信用信息服务有限公司"})
        client.indices.refresh(index=index)

        found = client.search(index=index, body={"query": {"match": {"name": "信用信息"}}})
        assert [hit["_id"] for hit in found["hits"]["hits"]] == ["1"]

        missed = client.search(index=index, body={"query": {"match": {"name": "上海"}}})
        assert missed["hits"]["hits"] == []
    finally:
        client.indices.delete(index=index)
    assert not client.indices.exists(index=index)


@pytest.mark.postgres
def test_postgres_answers_and_has_pg_trgm():
    url = postgres_url()
    assert url.startswith("postgresql+psycopg://")
    with psycopg.connect(url.replace("postgresql+psycopg", "postgresql", 1), connect_timeout=10) as conn:
        assert conn.execute("SELECT 1").fetchone() == (1,)
        extension = conn.execute("SELECT extname FROM pg_extension WHERE extname = 'pg_trgm'").fetchone()
        assert extension == ("pg_trgm",)
        # pg_trgm must see CJK characters as word characters (a UTF-8 database with a Unicode ctype).
        similarity = conn.execute("SELECT similarity('北京市朝阳区信用信息服务有限公司', '信用信息')").fetchone()[0]
        assert similarity > 0
