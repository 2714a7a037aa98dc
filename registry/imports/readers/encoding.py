"""Text files' encodings: detection, and decoding in big strict chunks with invalid bytes kept and flagged per line."""

import codecs
import io
import re
from collections import deque
from itertools import chain

from .problems import ImportFileError, RowProblem, column_letter

SNIFF_BLOCK = 64 * 1024
DETECT_LIMIT = 16 * 1024 * 1024
CHUNK_SIZE = 1024 * 1024
MAX_LINE_CHARS = 16 * 1024 * 1024

_ESCAPE_ERRORS = "registry.imports.keep_bytes"
ESCAPED = re.compile("[\udc00-\udcff]")


def _keep_bytes(exc):
    """Decode error handler: keep each invalid byte as U+DC00+byte, which valid text never contains."""
    if not isinstance(exc, UnicodeDecodeError):
        raise exc
    if exc.encoding.replace("-", "").replace("_", "").lower().startswith(("utf16", "utf32")):
        end = exc.end  # code units: skipping a single byte would misalign the rest
    else:
        end = exc.start + 1  # one byte at a time, so a newline after a bad lead byte survives
    return "".join(chr(0xDC00 + b) for b in exc.object[exc.start : end]), end


codecs.register_error(_ESCAPE_ERRORS, _keep_bytes)


def _encoding_label(encoding: str) -> str:
    name = codecs.lookup(encoding).name
    return {"utf-8": "UTF-8", "utf-8-sig": "UTF-8", "gb18030": "GB18030", "utf-16": "UTF-16"}.get(name, name)


def detect_encoding(stream) -> str:
    """The encoding of a text file by its BOM or its first non-ASCII block; the stream is rewound.

    A UTF-8 BOM means "utf-8-sig", a UTF-16 BOM "utf-16" (Excel's "Unicode text" export); otherwise
    the first 64 KiB block that contains a non-ASCII byte (at most 16 MiB in) is decoded as UTF-8,
    tolerating a character cut at the block end: the file is UTF-8 if that works, or fails on at
    most one sequence per ten valid non-ASCII characters (a damaged UTF-8 file), and GB18030 otherwise.
    """
    try:
        return _sniff_encoding(stream)
    finally:
        stream.seek(0)


def _sniff_encoding(stream) -> str:
    head = stream.read(4)
    if head.startswith(codecs.BOM_UTF8):
        return "utf-8-sig"
    if head.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return "utf-16"
    stream.seek(0)
    read = 0
    while read < DETECT_LIMIT:
        block = stream.read(SNIFF_BLOCK)
        if not block:
            break
        read += len(block)
        if block.isascii():
            continue  # ASCII is the same in both; the next block starts on a character boundary
        return "utf-8" if _mostly_utf8(block) else "gb18030"
    return "utf-8"


def _mostly_utf8(block: bytes) -> bool:
    """Valid UTF-8, or UTF-8 with a few damaged bytes: GB18030 text read as UTF-8 fails on most of its
    characters, while a stray byte in UTF-8 text leaves the many valid multi-byte characters around it."""
    text = codecs.getincrementaldecoder("utf-8")("replace").decode(block, final=False)  # a cut char is fine
    bad = text.count("\ufffd")
    if not bad:
        return True
    good = sum(1 for ch in text if ch > "\x7f") - bad
    return good >= 10 * bad


def check_encoding(encoding: str) -> str:
    """The encoding a caller named, if Python knows it as a text encoding; ImportFileError otherwise."""
    try:
        if not isinstance(codecs.getincrementaldecoder(encoding)().decode(b"", True), str):
            raise LookupError(encoding)  # a bytes-to-bytes codec such as base64
    except LookupError as exc:
        raise ImportFileError(
            message_en=f"unknown encoding {encoding!r}", message_zh=f"无法识别的字符编码“{encoding}”",
            code="unknown_encoding"
        ) from exc
    return encoding


class DecodedLines:
    """The lines of a binary stream, decoded in 1 MiB chunks, line ends kept (as newline="").

    A chunk is decoded strictly; one that fails is decoded again with every invalid byte kept as a
    lone surrogate (U+DC80..U+DCFF, which valid text never contains), and only the lines carrying
    one are flagged. So a stray byte at row 500,000 rejects that row, with the column and the bytes
    named, instead of aborting the import or silently storing "�" in a name.

    `bad_lines` holds, in order, the numbers of the lines that contain undecodable bytes; the reader
    pops them as it passes them. Iterate once.
    """

    def __init__(self, stream, encoding: str, chunk_size: int | None = None):
        self.stream = stream
        self.encoding = encoding
        self.chunk_size = chunk_size or CHUNK_SIZE
        self.bad_lines: deque[int] = deque()

    def __iter__(self):
        return chain.from_iterable(self._chunks())

    def _chunks(self):
        decoder = codecs.getincrementaldecoder(self.encoding)("strict")
        carry, carry_dirty, line_number = "", False, 0
        while True:
            try:
                data = self.stream.read(self.chunk_size)
            except OSError as exc:
                raise ImportFileError(
                    message_en=f"reading the file failed near line {line_number + 1}: {exc}",
                    message_zh=f"读取文件第{line_number + 1}行附近时出错：{exc}",
                    code="unreadable",
                    row=line_number + 1,
                ) from exc
            final = not data
            state = decoder.getstate()
            try:
                text = decoder.decode(data, final)
                dirty = carry_dirty
            except UnicodeDecodeError:
                decoder.setstate(state)
                decoder.errors = _ESCAPE_ERRORS
                text = decoder.decode(data, final)
                decoder.errors = "strict"
                dirty = True
            text = carry + text if carry else text
            lines = io.StringIO(text, newline="").readlines() if text else []
            carry = ""
            if lines and not final:
                if not lines[-1].endswith("\n"):  # unfinished, or a \r that may precede a \n
                    carry = lines.pop()
                    if len(carry) > MAX_LINE_CHARS:
                        raise ImportFileError(
                            message_en=f"line {line_number + len(lines) + 1} is longer than {MAX_LINE_CHARS} "
                            "characters without a line break; is this really a text file?",
                            message_zh=f"第{line_number + len(lines) + 1}行超过{MAX_LINE_CHARS}个字符仍未换行，"
                            "请确认文件格式",
                            code="line_too_long",
                            row=line_number + len(lines) + 1,
                        )
            if dirty:
                search = ESCAPED.search
                self.bad_lines.extend(n for n, line in enumerate(lines, line_number + 1) if search(line))
                carry_dirty = bool(carry) and search(carry) is not None
            line_number += len(lines)
            if lines:
                yield lines
            if final:
                return


def sample_lines(stream, encoding: str) -> list[str]:
    """The first complete lines of the file (up to 64 KiB), for choosing the delimiter."""
    data = stream.read(SNIFF_BLOCK)
    at_end = len(data) < SNIFF_BLOCK
    stream.seek(0)
    text = codecs.getincrementaldecoder(encoding)("replace").decode(data, at_end)
    lines = io.StringIO(text, newline="").readlines()
    if not at_end and len(lines) > 1:
        lines.pop()
    return lines


def encoding_problem(cells, headers, encoding) -> RowProblem:
    """The problem of a row with undecodable bytes; `headers` (None for NDJSON) name the columns."""
    columns, raw_bytes = [], bytearray()
    for index, cell in enumerate(cells):
        escaped = ESCAPED.findall(cell) if isinstance(cell, str) else ()
        if escaped:
            if headers is not None:
                columns.append(headers[index] if index < len(headers) and headers[index] else column_letter(index))
            raw_bytes.extend(ord(ch) - 0xDC00 for ch in escaped)
    label = _encoding_label(encoding)
    shown = " ".join(f"{b:02X}" for b in raw_bytes[:8]) + (" …" if len(raw_bytes) > 8 else "")
    where_en = f" in column {', '.join(columns)}" if columns else ""
    where_zh = f"“{'”“'.join(columns)}”列" if columns else ""
    return RowProblem(
        "invalid_encoding",
        message_en=f"the row contains bytes that are not valid {label}{where_en} ({shown}); it was not imported. "
        "Check the file's encoding or fix the cell",
        message_zh=f"该行{where_zh}含有不符合{label}编码的字节（{shown}），未导入；请检查文件编码或修正该单元格",
    )
