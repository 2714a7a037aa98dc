"""Search documents as rows of the built-in engine, and highlights in the spelling a document has."""

import json
import re
from collections.abc import Iterable
from datetime import date
from functools import lru_cache
from html import escape

from registry.domain.names import normalise_name, simplified
from registry.domain.text import fold_width

from .engine import KINDS
from .sql_models import DOMAIN_DELIMITER, SEPARATOR, SearchDocument

FRAGMENT_CONTEXT = 30  # characters shown either side of a match in the record text
EM, END_EM = "<em>", "</em>"
ID_LENGTH = SearchDocument.__table__.c.id.type.length
# What the highlights of a hit show as written: all a search_document_texts row keeps of a document
# beyond its search_documents row. The rest of a document is the records' and entities' own, and the
# full copy was half of search_document_texts (issue 28).
HIGHLIGHTED = ("name", "former_names", "text")

# normalise_name, taken apart for long texts (it costs 0.2 ms a record text, half the time of a reindex):
# width folded (one translate()), and traditional script converted clause
# by clause with a cache, as record texts repeat the same clauses (the legal basis, the penalty); a
# clause not seen yet by `simplified`, which spares zhconv's character-by-character matching for
# most. The dictionary has no entry holding ASCII punctuation, so no conversion runs across it: the
# result is the same, and a test compares the two.
_SPACES = re.compile(r"\s+")
_CLAUSES = re.compile(r"([,.;:!?()]+)")


@lru_cache(maxsize=1 << 16)
def _simplified(clause: str) -> str:
    return simplified(clause)


def normalise_text(text: str) -> str:
    """Fold a text as normalise_name folds a name (width, spaces, traditional script, case)."""
    folded = _SPACES.sub("", fold_width(text))
    pieces = _CLAUSES.split(folded)
    return "".join(piece if index % 2 else _simplified(piece) for index, piece in enumerate(pieces)).upper()


def normalised_text(text: str) -> str:
    """Record text folded line by line, SEPARATOR between the lines, so no match runs across two parts."""
    return SEPARATOR.join(line for line in map(normalise_text, text.splitlines()) if line)


def document_row(document: dict) -> tuple[dict, dict]:
    """The values of a document's search_documents row and of its search_document_texts row.
    Raises KeyError, TypeError or ValueError for a document the engine cannot take."""
    doc_id, kind, version = document["id"], document["kind"], document["version"]
    if not isinstance(doc_id, str) or not 0 < len(doc_id) <= ID_LENGTH:
        raise ValueError(f"id {doc_id!r} is not a document id")
    if kind not in KINDS:
        raise ValueError(f"kind {kind!r} is not one of {KINDS}")
    if not isinstance(version, int) or isinstance(version, bool):
        raise TypeError(f"version {version!r} is not an integer")
    held = document.get("domains") if kind == "entity" else [document.get("domain")]
    held = sorted({domain for domain in held or () if domain})
    decided = document.get("decision_date")
    row = {
        "id": doc_id,
        "kind": kind,
        "district": document.get("district"),
        "severity": document.get("severity"),
        "department": document.get("department"),
        "decision_date": date.fromisoformat(decided) if isinstance(decided, str) else decided,
        "record_kind": document.get("record_kind") if kind == "record" else None,
        "decision_no": normalise_text(document.get("decision_no") or "") or None,
        "domains": "".join(f"{DOMAIN_DELIMITER}{domain}" for domain in held) + DOMAIN_DELIMITER if held else "",
        "uscc": (document.get("uscc") or "").upper() or None,
        "name_normalised": document.get("name_normalised") or normalise_name(document["name"]),
        **former_columns(document),
        "pinyin": document.get("pinyin") or "",
        "initials": document.get("initials") or "",
        "list_until": document_json(lists) if (lists := document.get("list_until")) and kind == "entity" else None,
        "version": version,
    }
    text = {
        "text": normalised_text(document.get("text") or ""),
        "document": document_json({key: document[key] for key in HIGHLIGHTED if key in document}),
    }
    return row, text


def former_columns(document: dict) -> dict:
    """The former and former_pinyin columns of a document's row, from its former-name fields."""
    spellings = [*(document.get("former_pinyin") or ()), *(document.get("former_initials") or ())]
    return {
        "former": SEPARATOR.join(document.get("former_names_normalised") or ()),
        "former_pinyin": "".join(f" {spelling}" for spelling in spellings if spelling),
    }


def document_json(value) -> str:
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"), default=str)


def document_rows(documents: Iterable[dict]) -> tuple[list[tuple[dict, dict]], list[tuple[str, str]]]:
    """Rows of the documents, the newest of each id, and the refusals (doc id, reason)."""
    rows: dict[str, tuple[dict, dict]] = {}
    failures = []
    for document in documents:
        try:
            row, text = document_row(document)
        except (KeyError, TypeError, ValueError) as exc:
            doc_id = document.get("id") if isinstance(document, dict) else None
            failures.append((str(doc_id or "?"), f"{exc.__class__.__name__}: {exc}"))
            continue
        previous = rows.get(row["id"])
        if previous is None or row["version"] >= previous[0]["version"]:
            rows[row["id"]] = (row, text)
    return list(rows.values()), failures


# -- highlights -----------------------------------------------------------------------------------


@lru_cache(maxsize=8192)
def _fold_char(char: str) -> str:
    return normalise_text(char)


def _find(original: str, needle: str) -> tuple[int, int] | None:
    """Where in `original` the normalised `needle` is, as a span of the original characters."""
    folded, owners = [], []
    for index, char in enumerate(original):
        for piece in _fold_char(char):
            folded.append(piece)
            owners.append(index)
    at = "".join(folded).find(needle) if needle else -1
    return None if at < 0 else (owners[at], owners[at + len(needle) - 1] + 1)


def _emphasise(original: str, span: tuple[int, int], context: int | None = None) -> str:
    start, end = span
    left, right = (0, len(original)) if context is None else (max(0, start - context), end + context)
    # Escaped: a department's text is data, and the markers must be the only markup in a highlight.
    return f"{escape(original[left:start])}{EM}{escape(original[start:end])}{END_EM}{escape(original[end:right])}"


def highlights(document: dict, matched: set[str], needle: str) -> dict[str, list[str]]:
    """The name, former names and a fragment of the text with the matched part in <em>, in the spelling
    the document has (a query in traditional script highlights the simplified name it found)."""
    found = {}
    name = document.get("name") or ""
    if "name" in matched and (span := _find(name, needle)):
        found["name"] = [_emphasise(name, span)]
    if "former_name" in matched:
        former = [_emphasise(old, span) for old in document.get("former_names") or () if (span := _find(old, needle))]
        if former:
            found["former_names"] = former
    text = document.get("text") or ""
    if "text" in matched and (span := _find(text, needle)):
        found["text"] = [_emphasise(text, span, FRAGMENT_CONTEXT)]
    return found
