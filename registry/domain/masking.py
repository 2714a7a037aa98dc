"""Masking of personal identifiers shown to the public or to banks (SPEC §2)."""


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
