"""Entity names: the folded form used for matching (width, brackets, spaces, traditional script)."""

import re
from functools import lru_cache

import zhconv

from .text import fold_width

_SPACES = re.compile(r"\s+")


# A small cache: an import worker folds mostly new names, and 65,536 of them held 17 MB per worker.
@lru_cache(maxsize=4096)
def normalise_name(name: str) -> str:
    """Fold a name so that 通遼市（鑫源）商貿 and 通辽市(鑫源)商贸 compare equal."""
    folded = fold_width(name or "")
    folded = _SPACES.sub("", folded)
    return simplified(folded).upper()


def simplified(text: str) -> str:
    """zhconv.convert(text, "zh-cn"), faster for the usual name: zhconv matches the longest key of
    its table at each character, in Python. When no two neighbouring characters begin a key longer
    than one character, every match is a single character, and str.translate does them all at once."""
    single, pair_starts = _simplified_table()
    if pair_starts.isdisjoint(map(str.__add__, text, text[1:])):
        return text.translate(single)
    return zhconv.convert(text, "zh-cn")


@lru_cache(maxsize=1)
def _simplified_table() -> tuple[dict, frozenset]:
    """zhconv's zh-cn table as a translation of single characters, and the first two characters of
    its longer keys."""
    table = zhconv.zhconv.getdict("zh-cn")
    return (str.maketrans({key: value for key, value in table.items() if len(key) == 1}),
            frozenset(key[:2] for key in table if len(key) > 1))
