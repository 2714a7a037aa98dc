"""Text folding shared by identifiers and names: full-width to half-width, trimmed."""

_FULLWIDTH_OFFSET = 0xFEE0
_IDEOGRAPHIC_SPACE = "\u3000"


def fold_width(text: str) -> str:
    """Fold full-width ASCII variants (Ａ, １, （) to their half-width forms."""
    if text.isascii():
        return text
    out = []
    for ch in text:
        code = ord(ch)
        if 0xFF01 <= code <= 0xFF5E:
            out.append(chr(code - _FULLWIDTH_OFFSET))
        elif ch == _IDEOGRAPHIC_SPACE:
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def clean(text: str | None) -> str:
    """Trim and fold width; None becomes the empty string."""
    if text is None:
        return ""
    return fold_width(str(text)).strip()
