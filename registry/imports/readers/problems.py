"""What a reader reports: a file that cannot be imported at all, or one row it cannot hand on."""

from dataclasses import KW_ONLY, dataclass

from ...domain.errors import BilingualError


class ImportFileError(BilingualError):
    """The file as a whole cannot be imported. `row` is the (approximate) row, when one is to blame.

    Raised when the file is missing, of an unknown format, empty, without a recognisable header,
    with duplicate columns, not a workbook, of an unknown record kind, or a CSV whose structure
    breaks (an unclosed quote): nothing sensible can follow these.
    """

    def __init__(self, *, message_zh: str, message_en: str, code: str, row: int | None = None):
        super().__init__(message_zh=message_zh, message_en=message_en, code=code)
        self.row = row


@dataclass(frozen=True)
class RowProblem:
    """Yielded instead of a raw dict for a row that cannot even be handed to the validator; the
    importer reports it as a rejected row and carries on.

    Codes: ``invalid_encoding`` (bytes not valid in the file's encoding, see encoding.DecodedLines),
    ``too_many_cells`` (CSV: non-empty cells beyond the header's width, almost always a value with
    an unquoted delimiter that shifted the following columns), ``invalid_json`` / ``not_an_object``
    / ``duplicate_key`` (NDJSON). Messages do not repeat the row number (it comes with the tuple).
    `field` is a layout key or None when the whole row is concerned. The messages are keyword-only,
    like an error's.
    """

    code: str
    _: KW_ONLY
    message_en: str
    message_zh: str
    field: str | None = None


def column_letter(index: int) -> str:
    """Spreadsheet letters of a 0-based column index, as messages name columns: 0 → A, 26 → AA."""
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters
