"""Entity names: the folded form used for matching (width, brackets, spaces, traditional script)."""

import re
from functools import lru_cache

import zhconv

from .text import fold_width

_SPACES = re.compile(r"\s+")
# What folding width and dropping spaces would change: most names hold neither, and skip both.
_FOLDED_AWAY = re.compile(r"[\uff01-\uff5e\u3000\s]")


# A small cache: an import worker folds mostly new names, and 65,536 of them held 17 MB per worker.
@lru_cache(maxsize=4096)
def normalise_name(name: str) -> str:
    """Fold a name so that 通遼市（鑫源）商貿 and 通辽市(鑫源)商贸 compare equal."""
    folded = name or ""
    if _FOLDED_AWAY.search(folded):
        folded = _SPACES.sub("", fold_width(folded))
    return simplified(folded).upper()


def simplified(text: str) -> str:
    """zhconv.convert(text, "zh-cn"), faster for the usual name: zhconv matches the longest key of
    its table at each character, in Python. When no two neighbouring characters begin a key longer
    than one character, every match is a single character, and str.translate does them all at once
    (or nothing at all, when none of the characters has another simplified form)."""
    single, pair_starts, changed = _simplified_table()
    if pair_starts.isdisjoint(map(str.__add__, text, text[1:])):
        return text if changed.isdisjoint(text) else text.translate(single)
    return zhconv.convert(text, "zh-cn")


@lru_cache(maxsize=1)
def _simplified_table() -> tuple[dict, frozenset, frozenset]:
    """zhconv's zh-cn table as a translation of single characters, the first two characters of its
    longer keys, and the characters the translation changes."""
    table = zhconv.zhconv.getdict("zh-cn")
    single = {key: value for key, value in table.items() if len(key) == 1}
    return (str.maketrans(single), frozenset(key[:2] for key in table if len(key) > 1),
            frozenset(key for key, value in single.items() if value != key))
