"""The built-in engine on SQLite and PostgreSQL: the engine contract, its stricter matching, writes and plans."""

import pytest
from sqlalchemy import func, select

from registry.domain.names import normalise_name
from registry.extensions import db
from search.engine import IndexingError, SearchEngine, SearchQuery
from search.sql import BuiltinEngine
from search.sql_documents import normalise_text
from search.sql_models import SearchDocument, SearchDocumentText
from tests.search.corpus import (
    CORPUS,
    R1,
    R2,
    R3,
    R4,
    SIMILAR,
    TARGET,
    TARGET_NAME,
    TARGET_USCC,
    entity,
    hit_for,
    ids,
    record,
    search,
)
from tests.search.engine_contract import *  # noqa: F403 (the tests every engine passes)


@pytest.fixture
def engine(app_context):
    engine = BuiltinEngine(db)
    engine.ensure_index()
    return engine


@pytest.fixture
def loaded(engine):
    engine.write(CORPUS, [])
    db.session.commit()
    return engine


def stored_version(doc_id):
    return db.session.scalar(select(SearchDocument.version).where(SearchDocument.id == doc_id))


def stored_domains(doc_id):
    return db.session.scalar(select(SearchDocument.domains).where(SearchDocument.id == doc_id))


def stored_texts():
    return db.session.scalar(select(func.count()).select_from(SearchDocumentText))


@pytest.mark.parametrize(
    "text",
    ["通遼市（鑫源）商貿 有限公司", "乾隆年間，16進位。A型肝炎", "ｔｌｓｘｙ　鑫源", "亮著《書》", "執行長、經理",
     "罚款５０００元；警告"],
)
def test_record_text_is_folded_as_names_are(text):
    assert normalise_text(text) == normalise_name(text)


def test_is_a_search_engine(engine):
    assert isinstance(engine, SearchEngine)
    assert engine.name == "builtin"


# -- matching and ranking ----------------------------------------------------------------------------


@pytest.mark.parametrize("fragment", ["鑫", "鑫源", "鑫源商", "鑫源商贸有限"])
def test_every_fragment_is_highlighted_where_it_stands(loaded, fragment):
    result = search(loaded, fragment)
    assert hit_for(result, TARGET["id"]).highlights["name"] == [TARGET_NAME.replace(fragment, f"<em>{fragment}</em>")]


@pytest.mark.parametrize("fragment", ["鑫", "鑫源", "鑫源商", "鑫源商贸有限"])
def test_every_name_containing_the_fragment_and_nothing_else(loaded, fragment):
    expected = {doc["id"] for doc in CORPUS if fragment in doc["name_normalised"]}
    result = search(loaded, fragment)
    assert set(ids(result)) == expected
    assert result.total == len(expected)


def test_full_name_ranks_first_among_similar_names(loaded):
    result = search(loaded, TARGET_NAME)
    assert ids(result)[0] == TARGET["id"]
    assert hit_for(result, TARGET["id"]).highlights["name"] == [f"<em>{TARGET_NAME}</em>"]
    # Its records bear the same name (the entity comes first), then ...分公司, which starts with it.
    assert ids(result)[1:] == [R1["id"], R2["id"], R3["id"], SIMILAR[1]["id"]]
    assert result.hits[0].score > hit_for(result, SIMILAR[1]["id"]).score
    # Unlike the external engine, a name must contain the whole text: ...有限责任公司 is no hit.
    assert SIMILAR[0]["id"] not in ids(result)


def test_name_prefix_ranks_above_a_fragment_inside(loaded):
    found = ids(search(loaded, "鑫源商贸"))
    assert found.index(SIMILAR[2]["id"]) < found.index(TARGET["id"])  # 鑫源商贸(通辽)... starts with it


@pytest.mark.parametrize(
    ("q", "reason"),
    [
        ("to", "pinyin"),  # two letters: a prefix only
        ("xysm", "initials"),  # three letters and more: anywhere in the initials
    ],
)
def test_short_pinyin_and_initials_inside(loaded, q, reason):
    result = search(loaded, q)
    assert TARGET["id"] in ids(result)
    assert reason in hit_for(result, TARGET["id"]).matched


def test_two_letters_match_the_start_of_a_spelling_only(loaded):
    assert TARGET["id"] not in ids(search(loaded, "xy"))  # inside tlsxy..., not at its start


def test_former_name_pinyin(loaded):
    hit = hit_for(search(loaded, "keerqinquruixiang"), TARGET["id"])
    assert hit.matched == ("former_name",)


def test_traditional_query_highlights_the_name_as_written(loaded):
    hit = hit_for(search(loaded, "通遼市鑫源"), TARGET["id"])
    assert hit.highlights["name"] == ["<em>通辽市鑫源</em>商贸有限公司"]


def test_full_width_brackets_highlight_the_name_as_written(loaded):
    result = search(loaded, "鑫源商贸（通辽）有限公司")
    assert ids(result)[0] == SIMILAR[2]["id"]
    assert result.hits[0].highlights["name"] == ["<em>鑫源商贸(通辽)有限公司</em>"]


def test_former_name_fragment(loaded):
    hit = hit_for(search(loaded, "瑞祥"), TARGET["id"])
    assert hit.matched == ("former_name",)
    assert hit.highlights == {"former_names": ["科尔沁区<em>瑞祥</em>农牧业专业合作社"]}


def test_a_short_text_is_highlighted_whole(loaded):
    result = search(loaded, "过期食品")
    assert result.hits[0].highlights == {"text": ["销售<em>过期食品</em>\n该公司销售超过保质期的食品\n罚款5000元"]}


def test_text_fragment_is_cut_around_the_match(engine):
    doc = record(90, "某某商店", "92150502MA0000001X", facts="甲" * 100 + "无证经营" + "乙" * 100, violation_type=None)
    engine.write([doc], [])
    fragment = search(engine, "无证经营").hits[0].highlights["text"][0]
    assert fragment == "甲" * 30 + "<em>无证经营</em>" + "乙" * 30


@pytest.mark.parametrize("q", ["%", "_", "鑫%源", "\\", '"鑫源"'])
def test_wildcards_and_quotes_match_nothing(loaded, q):
    result = search(loaded, q)
    assert (result.hits, result.total, result.next_cursor) == ([], 0, None)


# -- writes ------------------------------------------------------------------------------------------


def test_an_older_version_is_skipped_and_a_newer_one_replaces(engine):
    engine.write([entity("旧名称有限公司", TARGET_USCC, version=5)], [])
    engine.write([entity("更旧名称有限公司", TARGET_USCC, version=4)], [])  # already newer: skipped silently
    assert stored_version(TARGET["id"]) == 5
    assert ids(search(engine, "更旧名称")) == []
    engine.write([entity("新名称有限公司", TARGET_USCC, version=6, counts={"tax": 1})], [])
    assert stored_version(TARGET["id"]) == 6
    assert ids(search(engine, "新名称")) == [TARGET["id"]]
    assert ids(search(engine, "旧名称")) == []
    assert stored_domains(TARGET["id"]) == "|tax|"


def test_the_newest_of_a_batch_wins(engine):
    engine.write([entity("乙有限公司", TARGET_USCC, version=3), entity("甲有限公司", TARGET_USCC, version=2)], [])
    assert ids(search(engine, "乙有限")) == [TARGET["id"]]


def test_deletions_respect_versions(engine):
    engine.write([TARGET, R1], [])
    engine.write([], [(TARGET["id"], 0), ("entity-nothing", 9)])  # older than stored; unknown id
    assert ids(search(engine, TARGET_NAME)) == [TARGET["id"], R1["id"]]
    engine.write([], [(TARGET["id"], TARGET["version"]), (R1["id"], 7)])
    assert ids(search(engine, TARGET_NAME)) == []
    assert stored_texts() == 0


def test_write_is_part_of_the_callers_transaction(engine):
    engine.write([TARGET], [])
    assert ids(search(engine, "鑫源")) == [TARGET["id"]]
    db.session.rollback()
    assert ids(search(engine, "鑫源")) == []


def test_unfit_documents_are_refused(engine):
    missing_version = {key: value for key, value in R1.items() if key != "version"}
    with pytest.raises(IndexingError) as refused:
        engine.write([TARGET, missing_version, {**R2, "kind": "person"}], [])
    assert [doc_id for doc_id, _ in refused.value.failures] == [R1["id"], R2["id"]]
    assert search(engine).total == 0


def test_reindex_replaces_the_contents(loaded):
    renamed = entity("全新商贸有限公司", TARGET_USCC, version=1)
    assert loaded.reindex(iter([renamed, R4])) == 2
    assert search(loaded).total == 2
    assert ids(search(loaded, "全新")) == [TARGET["id"]]
    assert ids(search(loaded, "鑫源商贸")) == []
    assert search(loaded).facets["domain"] == {"housing_construction": 1}


def test_a_failing_reindex_keeps_the_old_contents(loaded):
    def documents():
        yield from CORPUS[:20]
        yield {key: value for key, value in R1.items() if key != "id"}

    with pytest.raises(IndexingError):
        loaded.reindex(documents())
    assert search(loaded).total == len(CORPUS)
    assert ids(search(loaded, "过期食品")) == [R1["id"]]


def test_reindex_of_many_documents(engine):
    documents = [entity(f"测试{n:05d}有限公司") for n in range(1200)]
    assert engine.reindex(iter(documents)) == 1200
    assert db.session.scalar(select(func.count()).select_from(SearchDocument)) == 1200
    assert search(engine, "测试00042").total == 1
    assert search(engine, "有限公司", size=5).total == 1200


# -- the trigram index is what finds the hits --------------------------------------------------------


def test_trigram_indexes_find_the_hits(loaded):
    dialect = db.session.connection().dialect.name
    if dialect == "postgresql":
        # The plan follows the statistics: the corpus's (ANALYZE counts this transaction's rows), not the
        # ones autovacuum took of tables that earlier tests wrote to and rolled back.
        db.session.execute(db.text("ANALYZE search_documents, search_document_texts"))
        # The corpus is too small to need the indexes: no sequential scan, nor a whole primary key read
        # in its stead (the texts table is one page).
        db.session.execute(db.text("SET LOCAL enable_seqscan = off"))
        db.session.execute(db.text("SET LOCAL enable_indexscan = off"))
    shown = "\n".join(loaded.explain(SearchQuery(q="鑫源商")))
    db.session.rollback()
    if dialect == "sqlite":
        assert "SCAN search_fts VIRTUAL TABLE" in shown and "SCAN search_text_fts VIRTUAL TABLE" in shown
        assert "ix_search_documents_name_prefix" in shown
        assert "SCAN search_documents" not in shown  # no full scan
    else:
        assert "Bitmap Index Scan on ix_search_documents_name_normalised_trgm" in shown
        assert "Bitmap Index Scan on ix_search_document_texts_text_trgm" in shown
        assert "ix_search_documents_name_prefix" in shown
        assert "Seq Scan" not in shown


def test_short_fragments_scan_names_but_not_record_text(loaded):
    plan = "\n".join(loaded.explain(SearchQuery(q="鑫源")))
    db.session.rollback()
    assert "search_document_texts" not in plan and "search_text_fts" not in plan
    if db.session.connection().dialect.name == "sqlite":
        assert "SCAN search_documents" in plan


def test_a_list_status_without_a_text_reads_the_entities_on_lists_only(loaded):
    dialect = db.session.connection().dialect.name
    if dialect == "postgresql":  # as above: the corpus's statistics, and a corpus too small to need an index
        db.session.execute(db.text("ANALYZE search_documents"))
        db.session.execute(db.text("SET LOCAL enable_seqscan = off"))
    plan = "\n".join(loaded.explain(SearchQuery(list_status="dishonesty")))
    db.session.rollback()
    assert "ix_search_documents_listed" in plan
    assert "SCAN search_documents\n" not in plan + "\n" and "Seq Scan" not in plan
