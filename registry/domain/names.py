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
    return zhconv.convert(folded, "zh-cn").upper()
