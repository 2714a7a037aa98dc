"""The one base of every error a person reads: a stable code and the same message in Chinese and English."""


class BilingualError(Exception):
    """An error with a stable `code` (the class attribute unless one is given) and its message in
    Chinese and in English. The messages are keyword-only, since two strings passed by position
    could be swapped unnoticed; `str(exc)` is the English one."""

    code: str | None = None

    def __init__(self, *, message_zh: str, message_en: str, code: str | None = None):
        super().__init__(message_en)
        self.message_zh = message_zh
        self.message_en = message_en
        if code is not None:
            self.code = code
