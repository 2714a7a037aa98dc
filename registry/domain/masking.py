"""Masking of personal identifiers shown to the public or to banks (SPEC §2)."""

import re

# An ID number (居民身份证号码) inside a text: 17 digits and a check character, not part of a longer
# number, whatever letters touch it (id=…, ID…).
ID_NUMBER_IN_TEXT = re.compile(r"(?<!\d)\d{17}[\dXx](?!\d)")


def mask_id(value: str | None) -> str | None:
    """Keep the first 3 and last 4 characters: 150***********1234."""
    if not value:
        return value
    if len(value) <= 7:
        return "*" * len(value)
    return value[:3] + "*" * (len(value) - 7) + value[-4:]


def mask_person_name(name: str | None) -> str | None:
    """Keep the surname only (张**), for deployments that publish natural persons."""
    if not name:
        return name
    return name[0] + "*" * (len(name) - 1)
