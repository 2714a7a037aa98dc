"""Natural persons of the demo city: names and valid resident ID numbers."""

from __future__ import annotations

from datetime import date

from .common import read_data

_PEOPLE = read_data("people")
_SURNAMES: str = _PEOPLE["surnames"]
_MALE_GIVEN: str = _PEOPLE["male_given"]
_FEMALE_GIVEN: str = _PEOPLE["female_given"]
_MONGOLIAN_MALE: list[str] = _PEOPLE["mongolian_male"]
_MONGOLIAN_FEMALE: list[str] = _PEOPLE["mongolian_female"]
_MONGOLIAN_SURNAMES: str = _PEOPLE["mongolian_surnames"]
_ID_REGIONS: list[str] = _PEOPLE["id_regions"]

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"
_BIRTH_FIRST = date(1955, 1, 1).toordinal()
_BIRTH_DAYS = date(2000, 12, 31).toordinal() - _BIRTH_FIRST + 1


def id_check_digit(first17: str) -> str:
    """Check character of an 18-digit PRC resident ID number (ISO 7064 MOD 11-2)."""
    return _ID_CHECK[sum(int(ch) * w for ch, w in zip(first17, _ID_WEIGHTS, strict=True)) % 11]


def surname(r) -> str:
    """A Han surname, common ones far more often than rare ones."""
    return _SURNAMES[int(r() ** 1.8 * len(_SURNAMES))]


def person(r, region: str) -> tuple[str, str]:
    """A (name, ID number) pair; gender of the name matches the ID's sequence digit."""
    male = r() < 0.62
    if r() < 0.1:  # Mongolian name, often with a Han-style surname in front
        given = _MONGOLIAN_MALE if male else _MONGOLIAN_FEMALE
        name = given[int(r() * len(given))]
        if r() < 0.5:
            name = _MONGOLIAN_SURNAMES[int(r() * len(_MONGOLIAN_SURNAMES))] + name
    else:
        chars = _MALE_GIVEN if male else _FEMALE_GIVEN
        name = surname(r) + chars[int(r() * len(chars))]
        if r() < 0.72:
            name += chars[int(r() * len(chars))]
    if r() < 0.2:  # born elsewhere in the city
        region = _ID_REGIONS[int(r() * len(_ID_REGIONS))]
    born = date.fromordinal(_BIRTH_FIRST + int(r() * _BIRTH_DAYS))
    seq = int(r() * 500) * 2 + (1 if male else 0)
    first17 = f"{region}{born.year:04d}{born.month:02d}{born.day:02d}{seq:03d}"
    return name, first17 + id_check_digit(first17)
