"""A malformed rule book as an operator meets it: each mistake in the shipped book's shape is refused with
one exact message naming its place, and each optional part left out reads as the rules say."""

import json
from datetime import date
from decimal import Decimal

import pytest

from registry.domain.rule_data import RuleDataError, Window
from registry.domain.rulebook import DEFAULT_RULES_PATH, RuleBook

TOP_KEYS = ("lists, non_repairable, note, obligations, revision, rule_sets, schema, severity, special_sectors, title, "
            "tracks")
TRACK_KEYS = ("domains, effective_from, effective_to, id, not_published_if_only, note, reason, short_if_only, "
              "small_fine_below_wan, special_sectors, title, windows")
SECTORS = "drugs, fire, food, safety_production, special_equipment"
GAPLESS = "rule sets must follow each other without gap or overlap, in date order"


def shipped():
    return json.loads(DEFAULT_RULES_PATH.read_text(encoding="utf-8"))


def track(d):
    return d["tracks"][0]


def sets(d):
    return d["rule_sets"]


def without(section, key):
    return lambda d: section(d).pop(key)


def setting(section, **values):
    return lambda d: section(d).update(values)


def no_tracks(d):
    del d["tracks"]
    for rule_set in sets(d):
        rule_set["tracks"] = []


def second_track(d):
    d["tracks"].append(dict(track(d)))


BAD_BOOKS = [
    # the book itself
    (lambda d: d.update(extra=1), f"$: unknown key 'extra' (allowed: {TOP_KEYS})"),
    *[(without(lambda d: d, key), f"$: missing key '{key}'")
      for key in ("schema", "severity", "non_repairable", "special_sectors", "rule_sets")],
    (setting(lambda d: d, schema=2), "$.schema: unsupported schema 2 (this code reads schema 1)"),
    (setting(lambda d: d, schema="1"), "$.schema: unsupported schema '1' (this code reads schema 1)"),
    # 长期 sentinels and lists
    (setting(lambda d: d, obligations={}), "$.obligations: missing key 'long_term_dates'"),
    (setting(lambda d: d, obligations={"long_term_dates": "2099-12-31"}),
     "$.obligations.long_term_dates: expected a non-empty list of strings"),
    (setting(lambda d: d, obligations={"long_term_dates": ["2099-12-31", "2099-13-31"]}),
     "$.obligations.long_term_dates[1]: expected a date YYYY-MM-DD, got '2099-13-31'"),
    (setting(lambda d: d, lists={}), "$.lists: missing key 'kinds'"),
    # default severities
    (setting(lambda d: d, severity={}), "$.severity: missing key 'by_penalty_type'"),
    (setting(lambda d: d["severity"], by_penalty_type=[]), "$.severity.by_penalty_type: expected an object"),
    (lambda d: d["severity"]["by_penalty_type"].pop("行政拘留"),
     "$.severity.by_penalty_type: missing penalty types: 行政拘留"),
    (lambda d: [d["severity"]["by_penalty_type"].pop(t) for t in ("其他", "警告")],
     "$.severity.by_penalty_type: missing penalty types: 警告、其他"),
    (lambda d: d["severity"]["by_penalty_type"].update({"罚款": "heavy"}),
     "$.severity.by_penalty_type.罚款: unknown severity 'heavy' (expected minor, general, serious)"),
    # non-repairable keywords
    (without(lambda d: d["non_repairable"], "fields"), "$.non_repairable: missing key 'fields'"),
    (without(lambda d: d["non_repairable"], "keywords"), "$.non_repairable: missing key 'keywords'"),
    (setting(lambda d: d["non_repairable"], fields=[]),
     "$.non_repairable.fields: expected a non-empty list of strings"),
    (setting(lambda d: d["non_repairable"], fields=["violation_type", "remarks"]),
     "$.non_repairable.fields[1]: unknown field 'remarks' (expected violation_type or facts)"),
    (setting(lambda d: d["non_repairable"], keywords="虚开"),
     "$.non_repairable.keywords: expected a non-empty list of strings"),
    (setting(lambda d: d["non_repairable"], keywords=["虚开", ""]),
     "$.non_repairable.keywords[1]: expected a non-empty string"),
    # special sectors
    *[(without(lambda d: d["special_sectors"], key), f"$.special_sectors: missing key '{key}'")
      for key in ("by_domain", "keyword_domains", "fields", "keywords")],
    (setting(lambda d: d["special_sectors"], by_domain=["fire"]), "$.special_sectors.by_domain: expected an object"),
    (lambda d: d["special_sectors"]["by_domain"].update(fire=""),
     "$.special_sectors.by_domain.fire: expected a non-empty string"),
    (setting(lambda d: d["special_sectors"], keyword_domains="market_supervision"),
     "$.special_sectors.keyword_domains: expected a non-empty list of strings"),
    (setting(lambda d: d["special_sectors"], fields=["facts", "title"]),
     "$.special_sectors.fields[1]: unknown field 'title' (expected violation_type or facts)"),
    (setting(lambda d: d["special_sectors"], keywords=["食品"]), "$.special_sectors.keywords: expected an object"),
    (lambda d: d["special_sectors"]["keywords"].update(food=[]),
     "$.special_sectors.keywords.food: expected a non-empty list of strings"),
    # tracks
    (setting(lambda d: d, tracks={}), "$.tracks: expected a list"),
    (second_track, "$.tracks[1].id: duplicate track id 'samr-45'"),
    (setting(track, extra=1), f"$.tracks[0]: unknown key 'extra' (allowed: {TRACK_KEYS})"),
    *[(without(track, key), f"$.tracks[0]: missing key '{key}'")
      for key in ("id", "reason", "domains", "effective_from", "effective_to", "not_published_if_only",
                  "short_if_only", "small_fine_below_wan", "windows")],
    (setting(track, id=""), "$.tracks[0].id: expected a non-empty string"),
    (setting(track, reason=None), "$.tracks[0].reason: expected a non-empty string"),
    (setting(track, domains=[]), "$.tracks[0].domains: expected a non-empty list of strings"),
    (setting(track, effective_from="2021-09-31"),
     "$.tracks[0].effective_from: expected a date YYYY-MM-DD or null, got '2021-09-31'"),
    (setting(track, effective_to="2030"), "$.tracks[0].effective_to: expected a date YYYY-MM-DD or null, got '2030'"),
    (setting(track, effective_to="2021-08-31"), "$.tracks[0]: effective_to is before effective_from"),
    (setting(track, not_published_if_only=[]),
     "$.tracks[0].not_published_if_only: expected a non-empty list of strings"),
    (setting(track, not_published_if_only=["警告", "打板子"]),
     "$.tracks[0].not_published_if_only[1]: unknown penalty type '打板子'"),
    (setting(track, short_if_only="罚款"), "$.tracks[0].short_if_only: expected a non-empty list of strings"),
    (setting(track, short_if_only=["警告", "罚金"]), "$.tracks[0].short_if_only[1]: unknown penalty type '罚金'"),
    (setting(track, special_sectors=["food", "tobacco"]),
     f"$.tracks[0].special_sectors[1]: unknown special sector 'tobacco' (known: {SECTORS})"),
    # a track's small-fine thresholds
    (setting(track, small_fine_below_wan={"legal_person": "5"}),
     "$.tracks[0].small_fine_below_wan: missing key 'default'"),
    (lambda d: track(d)["small_fine_below_wan"].update(sole_trader="1"),
     "$.tracks[0].small_fine_below_wan: unknown key 'sole_trader' "
     "(allowed: default, individual_business, legal_person, natural_person, note, title)"),
    *[(lambda d, v=value: track(d)["small_fine_below_wan"].update(natural_person=v),
       f"$.tracks[0].small_fine_below_wan.natural_person: expected a non-negative amount string, got {value!r}")
      for value in ("five", "-0.5", "NaN", "Infinity", 0.5, None, [])],
    # a track's windows
    (setting(track, windows=[]), "$.tracks[0].windows: expected an object"),
    *[(without(lambda d: track(d)["windows"], key), f"$.tracks[0].windows: missing key '{key}'")
      for key in ("not_published", "short", "long")],
    (lambda d: track(d)["windows"].update(not_published={"min": "P0M", "max": "P3M"}),
     "$.tracks[0].windows.not_published: must have published: false"),
    (lambda d: track(d)["windows"].update(not_published={"published": False, "min": "P0"}),
     "$.tracks[0].windows.not_published.min: bad period 'P0': expected e.g. P3M, P1Y or P1Y6M"),
    (lambda d: track(d)["windows"].update(short={"min": "P3M"}),
     "$.tracks[0].windows.short: missing key 'max' (required when published)"),
    (lambda d: track(d)["windows"]["long"].update(special_sector_min="P4Y"),
     "$.tracks[0].windows.long: special_sector_min is longer than the special-sector max"),
    # rule sets
    (setting(lambda d: d, rule_sets=[]), "$.rule_sets: expected a non-empty list"),
    (setting(lambda d: d, rule_sets={"legacy": {}}), "$.rule_sets: expected a non-empty list"),
    (lambda d: sets(d)[2].update(id="order-58"),
     "$.rule_sets: duplicate rule set ids in ['legacy', 'order-58', 'order-58']"),
    (lambda d: sets(d)[0].update(effective_from="2000-01-01"),
     "$.rule_sets[0].effective_from: must be null: the first rule set covers every earlier decision"),
    (lambda d: sets(d)[2].update(effective_to="2030-12-31"),
     "$.rule_sets[2].effective_to: must be null: the last rule set covers every later decision"),
    (lambda d: sets(d)[1].update(effective_from=None),
     "$.rule_sets[1]: only the first rule set may start open and only the last end open"),
    (lambda d: sets(d)[1].update(effective_to=None),
     "$.rule_sets[2]: only the first rule set may start open and only the last end open"),
    (lambda d: sets(d)[2].update(effective_from="2025-06-23"),
     f"$.rule_sets[2].effective_from: 2025-06-23 must be the day after 'order-58' ends (2025-06-21): {GAPLESS}"),
    (lambda d: sets(d)[1].update(effective_to="2025-06-22"),
     f"$.rule_sets[2].effective_from: 2025-06-22 must be the day after 'order-58' ends (2025-06-22): {GAPLESS}"),
    (lambda d: (sets(d)[1].update(effective_to="2023-04-01"), sets(d)[2].update(effective_from="2023-04-02")),
     "$.rule_sets[1]: effective_to is before effective_from"),
    (lambda d: sets(d)[1].update(extra=1),
     "$.rule_sets[1]: unknown key 'extra' (allowed: effective_from, effective_to, id, note, special_sectors, title, "
     "tracks, windows)"),
    *[(without(lambda d: sets(d)[1], key), f"$.rule_sets[1]: missing key '{key}'")
      for key in ("id", "effective_from", "effective_to", "windows")],
    (lambda d: sets(d)[1].update(id=7), "$.rule_sets[1].id: expected a non-empty string"),
    (lambda d: sets(d)[1].update(effective_from="2023-5-1"),
     "$.rule_sets[1].effective_from: expected a date YYYY-MM-DD or null, got '2023-5-1'"),
    (lambda d: sets(d)[1].update(effective_to=20250621),
     "$.rule_sets[1].effective_to: expected a date YYYY-MM-DD or null, got 20250621"),
    (lambda d: sets(d)[1].update(windows=[]), "$.rule_sets[1].windows: expected an object"),
    (lambda d: sets(d)[1]["windows"].update(grave={"min": "P3M", "max": "P1Y"}),
     "$.rule_sets[1].windows: unknown key 'grave' (allowed: default, general, minor, note, serious, title)"),
    (lambda d: sets(d)[2]["windows"].pop("serious"),
     "$.rule_sets[2].windows: no window for 'serious' and no 'default'"),
    (lambda d: sets(d)[1]["windows"]["default"].update(max="P3X"),
     "$.rule_sets[1].windows.default.max: bad period 'P3X': expected e.g. P3M, P1Y or P1Y6M"),
    (lambda d: sets(d)[2]["windows"].update(general={"min": "P4Y", "max": "P3Y"}),
     "$.rule_sets[2].windows.general: min (P4Y) is longer than max (P3Y)"),
    (lambda d: sets(d)[1].update(special_sectors="food"),
     "$.rule_sets[1].special_sectors: expected a non-empty list of strings"),
    (lambda d: sets(d)[1].update(special_sectors=["food", "tobacco"]),
     f"$.rule_sets[1].special_sectors[1]: unknown special sector 'tobacco' (known: {SECTORS})"),
    (lambda d: sets(d)[1].update(tracks="samr-45"), "$.rule_sets[1].tracks: expected a non-empty list of strings"),
    (lambda d: sets(d)[1].update(tracks=["samr-45", "samr-99"]), "$.rule_sets[1].tracks[1]: unknown track 'samr-99'"),
    (lambda d: (no_tracks(d), sets(d)[0].update(tracks=["samr-45"])),
     "$.rule_sets[0].tracks[0]: unknown track 'samr-45'"),
]


@pytest.mark.parametrize("change, message", BAD_BOOKS)
def test_a_malformed_rule_book_is_refused_with_one_message_naming_the_place(change, message):
    data = shipped()
    change(data)
    with pytest.raises(RuleDataError) as refused:
        RuleBook.from_dict(data, "rules.json")
    assert str(refused.value) == f"rules.json: {message}"


def test_a_rule_book_that_is_not_an_object_is_refused_under_its_default_name():
    for build in (RuleBook, RuleBook.from_dict):
        with pytest.raises(RuleDataError) as refused:
            build([])
        assert str(refused.value) == "publicity rules: $: expected an object"


def test_a_rule_file_that_is_not_json_is_refused_naming_the_file_and_the_fault(tmp_path):
    broken = tmp_path / "broken.json"
    broken.write_text('{"schema": 1,}', encoding="utf-8")
    with pytest.raises(RuleDataError) as refused:
        RuleBook.load(broken)
    assert str(refused.value) == (
        f"{broken}: not valid JSON: Expecting property name enclosed in double quotes: line 1 column 14 (char 13)")


def test_a_rule_file_names_itself_in_the_message_of_a_malformed_book(tmp_path):
    data = shipped()
    data["schema"] = 3
    path = tmp_path / "rules.json"
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(RuleDataError) as refused:
        RuleBook.load(str(path))
    assert str(refused.value) == f"{path}: $.schema: unsupported schema 3 (this code reads schema 1)"


def test_the_optional_parts_left_out_read_as_empty():
    data = shipped()
    for key in ("revision", "obligations", "lists"):
        del data[key]
    no_tracks(data)
    for rule_set in sets(data):
        del rule_set["tracks"]
    del sets(data)[1]["special_sectors"]
    book = RuleBook.from_dict(data)
    assert (book.revision, book.long_term_dates, book.lists, book.tracks) == (None, frozenset(), {}, {})
    assert [(s.tracks, s.special_sectors) for s in book.rule_sets] == [((), frozenset())] * 3
    assert (book.is_long_term(date(2099, 12, 31)), book.obligations_until(date(2099, 12, 31))) == (
        False, date(2099, 12, 31))


def test_empty_keyword_lists_and_a_track_without_special_sectors_are_allowed():
    data = shipped()
    data["non_repairable"]["keywords"] = []
    data["special_sectors"]["keyword_domains"] = []
    data["obligations"]["long_term_dates"] = []
    del track(data)["special_sectors"]
    book = RuleBook.from_dict(data)
    assert (book.non_repairable_keywords, book.keyword_domains, book.long_term_dates) == ((), frozenset(), frozenset())
    assert book.tracks["samr-45"].special_sectors == frozenset()
    assert book.non_repairable_match("虚开增值税专用发票") is None
    assert book.sector_of("market_supervision", "销售过期食品") is None


def test_the_shipped_book_reads_as_written():
    book = RuleBook.load()
    assert book.revision == "2025-06-22"
    assert book.long_term_dates == frozenset({date(2099, 12, 31)})
    assert (book.non_repairable_fields, book.non_repairable_keywords) == (
        ("violation_type",), ("欺诈", "诈骗", "骗取", "非法集资", "虚开"))
    assert book.sector_by_domain == {"drug_regulation": "drugs", "emergency_management": "safety_production",
                                     "fire": "fire"}
    assert (book.keyword_domains, book.sector_fields) == (
        frozenset({"market_supervision"}), ("violation_type", "facts"))
    assert book.sectors == frozenset(SECTORS.split(", "))
    assert [s.special_sectors for s in book.rule_sets] == [frozenset(), frozenset(SECTORS.split(", ")), frozenset()]
    assert [(s.id, s.effective_from, s.effective_to) for s in book.rule_sets] == [
        ("legacy", None, date(2023, 4, 30)), ("order-58", date(2023, 5, 1), date(2025, 6, 21)),
        ("gbf-2025-22", date(2025, 6, 22), None)]
    assert [s.title[:6] for s in book.rule_sets] == ["国家发展改革", "失信行为纠正", "国务院办公厅"]
    assert [[t.id for t in s.tracks] for s in book.rule_sets] == [["samr-45"]] * 3
    assert book.rule_set("order-58") is book.rule_sets[1]


def test_the_shipped_track_reads_as_written():
    samr = RuleBook.load().tracks["samr-45"]
    assert (samr.id, samr.title[:4], samr.reason, samr.domains) == (
        "samr-45", "市场监督", "market_supervision_track", frozenset({"market_supervision"}))
    assert (samr.effective_from, samr.effective_to) == (date(2021, 9, 1), None)
    assert (samr.not_published_if_only, samr.short_if_only) == (
        frozenset({"警告"}), frozenset({"警告", "通报批评", "罚款"}))
    assert samr.small_fine_below == {"legal_person": Decimal("5"), "individual_business": Decimal("0.5"),
                                     "natural_person": Decimal("0.5"), "default": Decimal("5")}
    assert samr.special_sectors == frozenset({"food", "drugs", "special_equipment"})
    assert (samr.not_published, samr.short, samr.long, samr.long_special) == (
        Window(False, 0, None, "warning_only"), Window(True, 3, 3, "criticism_or_small_fine"),
        Window(True, 6, 36, None), Window(True, 12, 36, "special_sector_minimum"))


def test_a_track_may_start_and_end_on_one_day_and_take_whole_numbers_as_thresholds():
    data = shipped()
    track(data).update(effective_from="2021-09-01", effective_to="2021-09-01")
    track(data)["small_fine_below_wan"] = {"default": 3, "legal_person": "0"}
    samr = RuleBook.from_dict(data).tracks["samr-45"]
    assert (samr.effective_from, samr.effective_to) == (date(2021, 9, 1), date(2021, 9, 1))
    assert samr.small_fine_below == {"default": Decimal(3), "legal_person": Decimal(0)}


def test_each_severity_has_its_window_and_unpublished_reason():
    windows = {s.id: s.windows for s in RuleBook.load().rule_sets}
    assert windows["gbf-2025-22"] == {
        ("minor", False): Window(False, 0, None, "minor_not_published"),
        ("minor", True): Window(False, 0, None, "minor_not_published"),
        ("general", False): Window(True, 3, 12), ("general", True): Window(True, 3, 12),
        ("serious", False): Window(True, 12, 36), ("serious", True): Window(True, 12, 36)}
    assert windows["order-58"] == {
        (severity, special): Window(True, 12 if special else 3, 36, "special_sector_minimum" if special else None)
        for severity in ("minor", "general", "serious") for special in (False, True)}


def test_a_default_unpublished_window_gives_each_severity_its_own_reason():
    data = shipped()
    sets(data)[1]["windows"] = {"default": {"published": False, "min": "P0M"}, "serious": {"min": "P1Y", "max": "P3Y"}}
    windows = RuleBook.from_dict(data).rule_set("order-58").windows
    assert [windows[s, False].reason for s in ("minor", "general", "serious")] == [
        "minor_not_published", "general_not_published", None]


@pytest.mark.parametrize("domain, violation_type, facts, sector", [
    ("fire", "未按规定配置消防器材", "", "fire"),
    ("drug_regulation", None, None, "drugs"),
    ("emergency_management", "销售过期食品", "", "safety_production"),
    ("tax", "销售过期食品", "", None),
    ("market_supervision", "销售过期食品", "", "food"),
    ("market_supervision", "未按规定明码标价", "店内出售疫苗冷藏箱", "drugs"),
    ("market_supervision", "未按规定明码标价", "", None),
])
def test_a_records_special_sector_comes_from_its_department_or_a_keyword(domain, violation_type, facts, sector):
    assert RuleBook.load().sector_of(domain, violation_type, facts) == sector


def test_the_longest_non_repairable_keyword_found_is_named():
    data = shipped()
    data["non_repairable"]["keywords"] = ["虚开", "虚开发票"]
    assert RuleBook.from_dict(data).non_repairable_match("虚开发票", "") == "虚开发票"


@pytest.mark.parametrize("valid_until, long_term, obligations_until", [
    (None, False, None),
    (date(2099, 12, 31), True, None),
    (date(2026, 3, 1), False, date(2026, 3, 1)),
])
def test_a_long_term_sentinel_delays_nothing_and_a_real_day_delays_repair(valid_until, long_term, obligations_until):
    book = RuleBook.load()
    assert (book.is_long_term(valid_until), book.obligations_until(valid_until)) == (long_term, obligations_until)


def test_a_rule_set_may_be_in_force_for_one_day():
    data = shipped()
    sets(data)[1].update(effective_from="2023-05-01", effective_to="2023-05-01")
    sets(data)[2]["effective_from"] = "2023-05-02"
    book = RuleBook.from_dict(data)
    assert [book.rule_set_for(date(2023, 5, day)).id for day in (1, 2)] == ["order-58", "gbf-2025-22"]


def test_a_rule_set_or_track_without_a_title_has_an_empty_one():
    data = shipped()
    del track(data)["title"], sets(data)[1]["title"]
    book = RuleBook.from_dict(data)
    assert (book.tracks["samr-45"].title, book.rule_set("order-58").title) == ("", "")
