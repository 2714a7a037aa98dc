"""Write bench/relevance/queries.json: what users type, each with the entity they mean.

    python bench/relevance/make_queries.py [--per-class 8]

Drawn with a fixed seed from the relevance data set (bench/search_data.py --records 20000: the demo
city for seed 20261127 on 2026-11-27, 4,000 entities), so every query names an entity that exists.
A query is kept only when what it says points to one entity: its fragment (or its pinyin, initials,
former name, code prefix) belongs to that entity's name and to no other's, so the entity meant is
the only right first answer. The file is committed and was read through; rerun this script only
when the demo generator changes.
"""

import argparse
import json
import sys
from pathlib import Path
from random import Random

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
if str(ROOT) not in sys.path[:1]:
    sys.path.insert(0, str(ROOT))

import zhconv  # noqa: E402

from bench.search_data import DEFAULT_WORKDIR, ensure_dataset  # noqa: E402
from search.documents import pinyin_of  # noqa: E402

RECORDS = 20_000
QUERIES = HERE / "queries.json"
CLASSES = ("fragment", "short", "typo", "legal form", "pinyin", "initials", "traditional", "full-width",
           "former name", "uscc prefix", "full name")
SEED = 4
_FULL_WIDTH = {code: code + 0xFEE0 for code in range(0x21, 0x7F)} | {0x20: 0x3000}


class Population:
    """The entities of the data set and what makes one of them unique."""

    def __init__(self, database: Path):
        import sqlite3

        with sqlite3.connect(database) as connection:
            indexed = {row[0] for row in connection.execute("SELECT id FROM search_documents WHERE kind='entity'")}
            rows = connection.execute("SELECT uscc, name_normalised, former_names FROM entities ORDER BY id")
            self.entities = [(code, name, json.loads(former or "[]")) for code, name, former in rows
                             if f"entity-{code}" in indexed]
        self.names = [name for _, name, _ in self.entities]
        self.all_names = self.names + [former for _, _, formers in self.entities for former in formers]
        self.pinyins = [pinyin_of(name)[0] for name in self.all_names]
        self.initials = [pinyin_of(name)[1] for name in self.all_names]
        self.characters = sorted({char for name in self.names for char in name})

    def holders(self, fragment: str) -> int:
        """How many names (current or former) contain the fragment."""
        return sum(fragment in name for name in self.all_names)

    def pinyin_holders(self, spelling: str) -> int:
        return sum(spelling in pinyin for pinyin in self.pinyins)

    def initials_holders(self, initials: str) -> int:
        return sum(initials in held for held in self.initials)


def _places() -> list[str]:
    from registry.demo.names import ENTERPRISE_PLACES, SHOP_PLACES, TOWNS

    places = {place for table in (ENTERPRISE_PLACES, SHOP_PLACES) for names in table.values() for place in names}
    towns = [town for names in TOWNS.values() for town in names]
    places |= {place + town for place in places for town in towns} | set(towns)
    return sorted(places, key=len, reverse=True)


PLACES = _places()


def split_place(name: str) -> tuple[str, str]:
    """(place, the rest): 通辽市鑫源商贸有限公司 -> (通辽市, 鑫源商贸有限公司)."""
    place = next((place for place in PLACES if name.startswith(place) and len(name) > len(place) + 1), "")
    return place, name[len(place) :]


def trade_fragment(name: str, people: Population) -> str | None:
    """The trade name and what follows, as long as it takes to name only this entity (鑫源商贸)."""
    _, rest = split_place(name)
    for length in range(4, min(len(rest), 8) + 1):
        if people.holders(rest[:length]) == 1:
            return rest[:length]
    return None


def typo(r: Random, name: str, people: Population) -> str | None:
    """The name with one character after its place replaced by another that names use."""
    place, rest = split_place(name)
    if len(rest) < 4:
        return None
    at = len(place) + int(r.random() * (len(rest) - 2))
    wrong = people.characters[int(r.random() * len(people.characters))]
    misspelt = name[:at] + wrong + name[at + 1 :]
    return misspelt if wrong != name[at] and people.holders(misspelt) == 0 else None


def query_for(kind: str, r: Random, entity: tuple, people: Population) -> str | None:
    code, name, formers = entity
    if kind == "fragment":
        return trade_fragment(name, people)
    if kind == "short":  # the two characters of the trade name, when no other name has them
        _, rest = split_place(name)
        return rest[:2] if len(rest) > 2 and people.holders(rest[:2]) == 1 else None
    if kind == "typo":
        return typo(r, name, people)
    if kind == "legal form":  # 有限公司 for 有限责任公司 and the other way round, as people misremember
        for written, said in (("有限责任公司", "有限公司"), ("有限公司", "有限责任公司")):
            if name.endswith(written):
                misremembered = name.removesuffix(written) + said
                return misremembered if people.holders(misremembered) == 0 else None
        return None
    if kind == "pinyin":
        fragment = trade_fragment(name, people)
        spelling = pinyin_of(fragment)[0] if fragment else None
        return spelling if spelling and people.pinyin_holders(spelling) == 1 else None
    if kind == "initials":  # of the whole name, or of the part after the place when that is unique
        _, rest = split_place(name)
        initials = pinyin_of(rest)[1]
        if people.initials_holders(initials) == 1:
            return initials
        initials = pinyin_of(name)[1]
        return initials if people.initials_holders(initials) == 1 else None
    if kind == "traditional":
        traditional = zhconv.convert(name, "zh-hant")
        return traditional if traditional != name else None
    if kind == "full-width":
        # A code typed on a Chinese keyboard, or a name with an ideographic space after the place.
        place, rest = split_place(name)
        if r.random() < 0.5 or not place:
            return code.translate(_FULL_WIDTH)
        return f"{place}\u3000{rest}"
    if kind == "former name":
        return formers[0] if formers and people.holders(formers[0]) == 1 else None
    if kind == "uscc prefix":
        length = next(n for n in range(10, 19) if sum(c.startswith(code[:n]) for c, _, _ in people.entities) == 1)
        return code[:length]
    return name  # full name


def make(database: Path, per_class: int) -> list[dict]:
    people = Population(database)
    r = Random(SEED)
    with_former = [entity for entity in people.entities if entity[2]]
    queries, used = [], set()
    for kind in CLASSES:
        pool = with_former if kind == "former name" else people.entities
        found = 0
        while found < per_class:
            entity = pool[int(r.random() * len(pool))]
            if entity[0] in used:
                continue
            q = query_for(kind, r, entity, people)
            if q:
                queries.append({"class": kind, "q": q, "uscc": entity[0], "name": entity[1]})
                used.add(entity[0])
                found += 1
    return queries


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--per-class", type=int, default=8)
    parser.add_argument("--workdir", type=Path, default=DEFAULT_WORKDIR)
    args = parser.parse_args()
    database, _ = ensure_dataset(args.workdir, RECORDS)
    queries = make(database, args.per_class)
    header = {"data_set": f"python bench/search_data.py --records {RECORDS}", "queries": queries}
    QUERIES.write_text(json.dumps(header, ensure_ascii=False, indent=1) + "\n", encoding="utf-8")
    print(f"{len(queries)} queries -> {QUERIES}")


if __name__ == "__main__":
    main()
