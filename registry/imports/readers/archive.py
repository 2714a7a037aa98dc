"""An XLSX file is a ZIP archive: its parts' unpacked sizes and compression ratios are checked, from
the archive's directory alone, before any part is unpacked, so that a small file cannot unpack into
gigabytes (a "zip bomb": a megabyte holding a gigabyte-long shared string).

The sizes the directory declares bound what is unpacked: Python's zipfile stops a part at its
declared size (and then fails its CRC check), so a part cannot lie its way past these limits.
"""

import zipfile
from dataclasses import dataclass
from xml.etree import ElementTree

from .problems import ImportFileError

_WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"
_CONTENT_TYPES = "[Content_Types].xml"
_TYPES_NS = "{http://schemas.openxmlformats.org/package/2006/content-types}"
RATIO_FLOOR = 1024 * 1024  # parts smaller than this unpacked are not judged by their ratio
MB = 1024 * 1024


@dataclass(frozen=True)
class ArchiveLimits:
    """`unpacked_bytes`: all parts together; `part_bytes`: each part read whole (all but the
    worksheets, which are streamed: the shared strings, styles, the workbook); `ratio`: unpacked
    over packed size of any part of at least RATIO_FLOOR unpacked (Excel's own files: about 15)."""

    unpacked_bytes: int = 4 * 1024 * MB
    part_bytes: int = 256 * MB
    ratio: int = 100

    @classmethod
    def of(cls, config) -> "ArchiveLimits":
        return cls(config.IMPORT_XLSX_MAX_UNPACKED_BYTES, config.IMPORT_XLSX_MAX_PART_BYTES,
                   config.IMPORT_XLSX_MAX_RATIO)


def check_archive(stream, limits: ArchiveLimits) -> None:
    """Raise ImportFileError if the workbook in `stream` would unpack beyond `limits`; the stream is
    rewound. A file that is not a ZIP archive is left for its reader to refuse."""
    try:
        with zipfile.ZipFile(stream) as archive:
            parts = archive.infolist()
            streamed = _worksheets(archive, parts, limits)
    except (zipfile.BadZipFile, ElementTree.ParseError, OSError):
        return  # not a workbook: the reader says so
    finally:
        stream.seek(0)
    total = sum(part.file_size for part in parts)
    if total > limits.unpacked_bytes:
        raise _too_large(f"the workbook unpacks to {total // MB} MB, more than {limits.unpacked_bytes // MB} MB",
                         f"工作簿解压后共{total // MB} MB，超过上限{limits.unpacked_bytes // MB} MB")
    for part in parts:
        _check_part(part, part.filename in streamed, limits)


def _worksheets(archive, parts, limits: ArchiveLimits) -> set[str]:
    """The names of the parts the content types declare worksheets (read as streams)."""
    types = next((part for part in parts if part.filename == _CONTENT_TYPES), None)
    if types is None:
        return set()
    _check_part(types, False, limits)  # read whole, here
    root = ElementTree.fromstring(archive.read(types))
    return {override.get("PartName", "").lstrip("/") for override in root.iter(f"{_TYPES_NS}Override")
            if override.get("ContentType") == _WORKSHEET}


def _check_part(part: zipfile.ZipInfo, streamed: bool, limits: ArchiveLimits) -> None:
    name = part.filename
    if not streamed and part.file_size > limits.part_bytes:
        raise _too_large(f"the workbook's part {name} unpacks to {part.file_size // MB} MB, more than "
                         f"{limits.part_bytes // MB} MB, and would be held in memory whole",
                         f"工作簿中的{name}解压后为{part.file_size // MB} MB，超过上限{limits.part_bytes // MB} MB")
    ratio = part.file_size / max(part.compress_size, 1)
    if part.file_size >= RATIO_FLOOR and ratio > limits.ratio:
        raise ImportFileError(
            message_en=f"the workbook's part {name} is compressed {ratio:.0f} to 1 (at most {limits.ratio} to 1 "
            "is accepted): refused as a possible zip bomb; save the sheet again from Excel, or send CSV",
            message_zh=f"工作簿中的{name}压缩比为{ratio:.0f}:1，超过允许的{limits.ratio}:1，疑为压缩炸弹，已拒绝；"
            "请用 Excel 重新保存，或改用 CSV 文件",
            code="xlsx_compression_ratio",
        )


def _too_large(message_en: str, message_zh: str) -> ImportFileError:
    return ImportFileError(message_en=f"{message_en}; split the file, or send CSV",
                           message_zh=f"{message_zh}；请拆分文件，或改用 CSV 文件", code="xlsx_too_large")
