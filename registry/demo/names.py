"""Registered names of demo market entities: place, trade name (字号), industry word and legal form."""

from __future__ import annotations

from .common import expand_weights, read_data
from .people import surname

_PLACES = read_data("places")
_WORDS = read_data("entity_names")

DISTRICT_WEIGHTS: dict[str, int] = _PLACES["district_weights"]
ENTERPRISE_PLACES: dict[str, list[str]] = _PLACES["enterprise_places"]
SHOP_PLACES: dict[str, list[str]] = _PLACES["shop_places"]
TOWNS: dict[str, list[str]] = _PLACES["towns"]

_TRADE_FIRST: str = _WORDS["trade_first"]
TRADE_SECOND: str = _WORDS["trade_second"]
_TRADE_WHOLE: list[str] = _WORDS["trade_whole"]
# industry key → (words of enterprises, words of individual businesses)
_INDUSTRY_WORDS = {
    key: (words["enterprise"], words["individual_business"]) for key, words in _WORDS["industries"].items()
}
INDUSTRIES = tuple(_INDUSTRY_WORDS)
ENTERPRISE_INDUSTRY_WEIGHTS: dict[str, int] = _WORDS["enterprise_industry_weights"]
SHOP_INDUSTRY_WEIGHTS: dict[str, int] = _WORDS["shop_industry_weights"]
# Coal and aluminium towns weigh heavier where they are.
DISTRICT_INDUSTRY_BOOST: dict[str, list[str]] = _WORDS["district_industry_boost"]
_FORMS = expand_weights(_WORDS["legal_forms"])
_COOP_PRODUCTS: list[list[str]] = _WORDS["cooperative_products"]


def trade_name(r) -> str:
    """A trade name of two characters, now and then a whole word."""
    if r() < 0.06:
        return _TRADE_WHOLE[int(r() * len(_TRADE_WHOLE))]
    a = _TRADE_FIRST[int(r() * len(_TRADE_FIRST))]
    b = TRADE_SECOND[int(r() * len(TRADE_SECOND))]
    return a + b if a != b else a + "和"


def _shop_trade_name(r) -> str:
    x = r()
    family = surname(r)
    if x < 0.35:
        return trade_name(r)
    if x < 0.65:
        return "老" + family
    if x < 0.82:
        return family + "记"
    return family + "氏"


def name_parts(r, category: str, industry: str, district: str) -> list[str]:
    """[place, trade name, industry word, form]; joined they make the registered name."""
    if category == "cooperative":
        product, kind = _COOP_PRODUCTS[int(r() * len(_COOP_PRODUCTS))]
        place = SHOP_PLACES[district][int(r() * len(SHOP_PLACES[district]))]
        towns = TOWNS.get(district)
        if towns and r() < 0.5:
            place += towns[int(r() * len(towns))]
        trade = trade_name(r) if (r() < 0.5 or not product) else ""
        return [place, trade, product + kind, "专业合作社"]
    if category == "individual_business":
        places = SHOP_PLACES[district]
        words = _INDUSTRY_WORDS[industry][1]
        return [places[int(r() * len(places))], _shop_trade_name(r), words[int(r() * len(words))], ""]
    places = ENTERPRISE_PLACES[district]
    words = _INDUSTRY_WORDS[industry][0]
    return [
        places[int(r() * len(places))],
        trade_name(r),
        words[int(r() * len(words))],
        _FORMS[int(r() * len(_FORMS))],
    ]
