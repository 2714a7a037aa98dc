"""Search documents built from entities and records, and the mapping version they fit."""

import re
from collections.abc import Iterable, Mapping
from datetime import date
from functools import lru_cache

from registry.domain.names import normalise_name

# Bump together with a new search/mappings/v{N}.json; `registry reindex` then builds the new index.
MAPPING_VERSION = 3
# A record's fields that make its searchable text, a line each in this order: a penalty's, a licence's,
# a list entry's (名单名称, 列入事由) and a commitment's (承诺事项, 承诺内容).
RECORD_TEXT_FIELDS = ("violation_type", "facts", "penalty_content", "content", "list_name", "listing_reason",
                      "commitment_matter", "commitment_content")
# The `list_until` of an entry that nothing ends yet (an abnormal-operations entry until its removal):
# a day past every real one, so "on the list on a day" is one comparison on both engines.
OPEN_END = "9999-12-31"

# Runs of Han characters (the CJK blocks pypinyin has readings for); everything else is kept as is.
_HAN_RUN = re.compile(r"([\u3007\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0003134f]+)")
_NOT_ALNUM = re.compile(r"[^0-9a-z]+")


@lru_cache(maxsize=1)
def _pypinyin():
    """pypinyin's converter and phrase segmenter, loaded on first use: its dictionaries are 58 MB of
    every process that imports them, and most processes (import workers, web workers on an
    external engine) never spell a name."""
    from pypinyin import Style, lazy_pinyin
    from pypinyin.seg.mmseg import seg

    return lambda word: lazy_pinyin(word, style=Style.NORMAL), seg


@lru_cache(maxsize=1 << 16)
def _word_pinyin(word: str) -> tuple[str, str]:
    syllables = _pypinyin()[0](word)
    # A character without a reading comes back as itself: keep letters and digits only.
    return _NOT_ALNUM.sub("", "".join(syllables)), _NOT_ALNUM.sub("", "".join(s[:1] for s in syllables))


@lru_cache(maxsize=1 << 17)
def pinyin_of(name: str) -> tuple[str, str]:
    """Full pinyin and initials of a name, tone-less, lower-case, letters and digits only.

    通辽市鑫源商贸有限公司 -> ("tongliaoshixinyuanshangmaoyouxiangongsi", "tlsxysmyxgs"); a
    chunk that is not Han (ABC, 2) is kept whole in both.

    Segmented into words the way pypinyin segments by default and converted word by word with a
    cache per word: the same result as pypinyin on the whole name, polyphonic characters included,
    several times faster, as company names repeat the same few words (有限公司, 商贸, 通辽市).
    """
    full, initials = [], []
    segmenter = _pypinyin()[1]
    for index, piece in enumerate(_HAN_RUN.split(name)):
        if index % 2:
            for word in segmenter.cut(piece):
                word_full, word_initials = _word_pinyin(word)
                full.append(word_full)
                initials.append(word_initials)
        elif piece:
            chunk = _NOT_ALNUM.sub("", piece.lower())
            full.append(chunk)
            initials.append(chunk)
    return "".join(full), "".join(initials)


def _iso(value) -> str | None:
    if value is None:
        return None
    return value.isoformat() if isinstance(value, date) else str(value)


def entity_document(entity: Mapping) -> dict:
    """The document of one market entity (kind "entity"), id ``entity-<uscc>``.

    Keys: uscc, name, former_names, party_category, district_code, record_counts (domain -> count),
    version, and optionally name_normalised (the stored folded name; saves folding it again) and
    list_until (list kind -> the publicity end of its public entry that ends last, None if none does).

    An entity is on a list on a day before its `list_until` of that kind: the end is compared with
    the day at search time, so the entity leaves the list when its entry's end comes, with no write
    (see `on_list`). Left out when the entity is on no list.
    """
    normalised = entity.get("name_normalised") or normalise_name(entity["name"])
    pinyin, initials = pinyin_of(normalised)
    counts = dict(entity.get("record_counts") or {})
    document = {
        "id": f"entity-{entity['uscc']}",
        "kind": "entity",
        "uscc": entity["uscc"],
        "name": entity["name"],
        "name_normalised": normalised,
        "pinyin": pinyin,
        "initials": initials,
        **former_name_fields(entity.get("former_names")),
        "district": entity.get("district_code"),
        "category": entity.get("party_category"),
        "domains": sorted(domain for domain, count in counts.items() if count),
        "counts": counts,
        "version": entity["version"],
    }
    if lists := list_until(entity.get("list_until")):
        document["list_until"] = lists
    return document


def former_name_fields(names: Iterable[str] | None) -> dict:
    """An entity document's former names (those not empty), folded and spelled."""
    former = [name for name in names or () if name]
    former_normalised = [normalise_name(name) for name in former]
    spelled = [pinyin_of(name) for name in former_normalised]
    return {
        "former_names": former,
        "former_names_normalised": former_normalised,
        "former_pinyin": [full for full, _ in spelled],
        "former_initials": [initials for _, initials in spelled],
    }


def list_until(ends: Mapping | None) -> dict[str, str]:
    """List kind -> the ISO day its entries end (OPEN_END for none), sorted by kind."""
    return {kind: _iso(end) or OPEN_END for kind, end in sorted((ends or {}).items())}


def on_list(document: Mapping, kind: str, today: date) -> bool:
    """Whether an entity document is on list `kind` on `today` (the engines' filter, said in Python)."""
    return (document.get("list_until") or {}).get(kind, "") > today.isoformat()


def _joined(parts: Iterable[str | None]) -> str:
    return "\n".join(part for part in parts if part)


def record_document(record: Mapping) -> dict:
    """The document of one credit record (kind "record"), id ``record-<id>``.

    Keys: id, kind, uscc, party_name, domain_key, department_id, department_name, district (the
    department's), severity, decision_date, decision_no, the RECORD_TEXT_FIELDS, version, and
    optionally name_normalised (the party name folded already).

    No pinyin: a spelling finds the entity, whose page lists its records. Spelling the party name of
    every record again took a third of the indexing work of a reindex, for hits that only repeat
    the entity's.
    """
    return {
        "id": f"record-{record['id']}",
        "kind": "record",
        "record_kind": record["kind"],
        "uscc": record.get("uscc"),
        "name": record["party_name"],
        "name_normalised": record.get("name_normalised") or normalise_name(record["party_name"]),
        "domain": record.get("domain_key"),
        "department": record.get("department_id"),
        "department_name": record.get("department_name"),
        "district": record.get("district"),
        "severity": record.get("severity"),
        "decision_date": _iso(record.get("decision_date")),
        "decision_no": record.get("decision_no"),
        "text": _joined(record.get(key) for key in RECORD_TEXT_FIELDS),
        "version": record["version"],
    }
