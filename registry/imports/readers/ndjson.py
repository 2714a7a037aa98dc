"""The NDJSON reader: one JSON object a line, its keys matched like headers as they come."""

import json
from decimal import Decimal
from itertools import chain

from .encoding import DecodedLines, check_encoding, detect_encoding, encoding_problem
from .headers import HEADER_SEARCH_ROWS, KIND_KEY, match_header, resolve_kind
from .problems import ImportFileError, RowProblem
from .source import NDJSON, RowSource


class _ObjectMapper:
    """Maps the keys of NDJSON objects, learning new keys (and growing `columns`) as they come."""

    def __init__(self, source: RowSource):
        self.source = source
        self.keys: dict[str, str | None] = {}

    def learn(self, name: str) -> str | None:
        key = match_header(name)
        self.keys[name] = key
        self.source.columns.append((name, key))
        return key

    def map(self, obj: dict):
        raw, names = {}, {}
        keys = self.keys
        for name, value in obj.items():
            key = keys[name] if name in keys else self.learn(name)
            if key is None:
                continue
            if key in raw:
                return RowProblem(
                    "duplicate_key",
                    message_en=f"keys {names[key]!r} and {name!r} both map to the field {key}",
                    message_zh=f"键“{names[key]}”和“{name}”对应同一字段 {key}",
                    field=key,
                )
            names[key] = name
            if value is None:
                value = ""
            elif isinstance(value, str):
                value = value.strip()
            raw[key] = value
        return raw


def _parse_line(line: str):
    try:
        obj = json.loads(line, parse_float=Decimal)  # Decimal: amounts keep their exact digits
    except RecursionError:
        return RowProblem("invalid_json", message_en="not valid JSON: nested too deeply",
                          message_zh="不是有效的JSON：嵌套层数过多")
    except ValueError as exc:
        message = getattr(exc, "msg", str(exc))
        column = getattr(exc, "colno", None)
        return RowProblem(
            "invalid_json",
            message_en=f"not valid JSON: {message} (character {column})",
            message_zh=f"不是有效的JSON：第{column}个字符处有误（{message}）",
        )
    if not isinstance(obj, dict):
        found = {list: "an array", str: "a string", bool: "a boolean", type(None): "null"}.get(type(obj), "a number")
        return RowProblem(
            "not_an_object",
            message_en=f"not a JSON object (found {found}); each line must be one record {{...}}",
            message_zh="不是JSON对象，每行应为一条记录 {...}",
        )
    return obj


def _blank_object(obj: dict) -> bool:
    return all(value is None or (isinstance(value, str) and not value.strip()) for value in obj.values())


def _blank_record(raw, obj: dict) -> bool:
    return isinstance(raw, dict) and not any(value != "" for value in raw.values()) and _blank_object(obj)


def open_ndjson(path, stream, encoding, explicit_kind) -> RowSource:
    encoding = check_encoding(encoding) if encoding else detect_encoding(stream)
    lines = DecodedLines(stream, encoding)
    numbered = enumerate(lines, 1)
    source = RowSource(path, NDJSON, stream, encoding=encoding)
    mapper = _ObjectMapper(source)
    pending, first, looked = [], None, 0  # lines up to the first object, replayed by the iterator
    for number, line in numbered:
        if not line.strip():
            continue
        item = _ndjson_item(number, line, lines.bad_lines, encoding)
        pending.append((number, item))
        if isinstance(item, dict):
            first = number
            mapper.map(item)  # learns the columns
            break
        looked += 1
        if looked >= HEADER_SEARCH_ROWS:
            break
    if first is None:
        if not pending:
            raise ImportFileError(message_en="the file is empty (no lines)", message_zh="文件为空（没有数据行）",
                                  code="empty")
        number, problem = pending[0]
        raise ImportFileError(
            message_en=f"not an NDJSON file: line {number}: {problem.message_en}",
            message_zh=f"不是NDJSON文件：第{number}行：{problem.message_zh}",
            code="not_ndjson",
            row=number,
        )
    if not any(key not in (None, KIND_KEY) for _, key in source.columns):
        shown = ", ".join(name for name, _ in source.columns)[:200]
        raise ImportFileError(
            message_en=f"line {first}: none of the keys is a field of the dual-publicity layout ({shown}); "
            "is this the right file?",
            message_zh=f"第{first}行：没有任何键属于双公示数据标准（{shown}），请确认文件是否正确",
            code="unrecognised_header",
            row=first,
        )
    source.kind = resolve_kind(explicit_kind, [key for _, key in source.columns if key])
    source._rows = _ndjson_rows(pending, numbered, lines, mapper, stream)
    return source


def _ndjson_item(number, line, bad, encoding):
    """The parsed object of one line, or its RowProblem."""
    while bad and bad[0] < number:
        bad.popleft()
    if bad and bad[0] == number:
        bad.popleft()
        return encoding_problem([line], None, encoding)
    return _parse_line(line)


def _ndjson_rows(pending, numbered, lines, mapper, stream):
    encoding = mapper.source.encoding
    rest = (
        (number, _ndjson_item(number, line, lines.bad_lines, encoding)) for number, line in numbered if line.strip()
    )
    try:
        for number, item in chain(pending, rest):
            if isinstance(item, RowProblem):
                yield number, item
                continue
            raw = mapper.map(item)
            if _blank_record(raw, item):
                continue
            yield number, raw
        mapper.source._exhausted()
    finally:
        stream.close()
