"""The rule book reader as an operator meets it: each part of a window read as written, and each
malformed value refused naming its place and what was expected."""

import pytest

from registry.domain.rule_data import RuleDataError, RuleReader, Window

R = RuleReader("rules.json")


@pytest.mark.parametrize("spec, normal, special", [
    ({"min": "P3M", "max": "P1Y"}, Window(True, 3, 12, "r"), Window(True, 3, 12, "r")),
    ({"min": "P3M", "max": "P3Y", "special_sector_min": "P1Y"},
     Window(True, 3, 36, "r"), Window(True, 12, 36, "special_sector_minimum")),
    ({"min": "P3M", "max": "P1Y", "special_sector_max": "P3Y"},
     Window(True, 3, 12, "r"), Window(True, 3, 36, "special_sector_minimum")),
    ({"min": "P3M", "max": "P1Y", "special_sector_min": "P1Y"},
     Window(True, 3, 12, "r"), Window(True, 12, 12, "special_sector_minimum")),
    ({"published": False, "min": "P0M"}, Window(False, 0, None, "u"), Window(False, 0, None, "u")),
])
def test_a_window_reads_as_written(spec, normal, special):
    assert R.window(spec, "$.w", reason="r", unpublished_reason="u") == (normal, special)


def test_an_unpublished_window_without_its_own_reason_keeps_the_rule_sets():
    assert R.window({"published": False, "min": "P0M"}, "$.w", reason="r") == (
        Window(False, 0, None, "r"), Window(False, 0, None, "r"))


@pytest.mark.parametrize("spec, message", [
    ([], "$.w: expected an object"),
    ({"min": "P3M", "max": "P1Y", "maximum": "P1Y"},
     "$.w: unknown key 'maximum' (allowed: max, min, note, published, special_sector_max, special_sector_min, title)"),
    ({"max": "P1Y"}, "$.w: missing key 'min'"),
    ({"min": "P3M", "max": "P1Y", "published": "yes"}, "$.w.published: expected true or false"),
    ({"published": False, "min": "P0M", "max": "P1Y"}, "$.w.max: not allowed when published is false"),
    ({"published": False, "min": "P0M", "special_sector_min": "P1Y"},
     "$.w.special_sector_min: not allowed when published is false"),
    ({"published": False, "min": "P0M", "special_sector_max": "P1Y"},
     "$.w.special_sector_max: not allowed when published is false"),
    ({"min": "P3M"}, "$.w: missing key 'max' (required when published)"),
    ({"min": "P3X", "max": "P1Y"}, "$.w.min: bad period 'P3X': expected e.g. P3M, P1Y or P1Y6M"),
    ({"min": "P3M", "max": "P1"}, "$.w.max: bad period 'P1': expected e.g. P3M, P1Y or P1Y6M"),
    ({"min": "P0M", "max": "P0M"}, "$.w.max: must be longer than zero (use published: false instead)"),
    ({"min": "P4Y", "max": "P3Y"}, "$.w: min (P4Y) is longer than max (P3Y)"),
    ({"min": "P3M", "max": "P1Y", "special_sector_min": "P2Y"},
     "$.w: special_sector_min is longer than the special-sector max"),
    ({"min": "P3M", "max": "P3Y", "special_sector_max": "P1M"},
     "$.w: special_sector_min is longer than the special-sector max"),
    ({"min": "P3M", "max": "P1Y", "special_sector_min": "P1"},
     "$.w.special_sector_min: bad period 'P1': expected e.g. P3M, P1Y or P1Y6M"),
    ({"min": "P3M", "max": "P1Y", "special_sector_max": "P1"},
     "$.w.special_sector_max: bad period 'P1': expected e.g. P3M, P1Y or P1Y6M"),
])
def test_a_malformed_window_is_refused_naming_its_place(spec, message):
    with pytest.raises(RuleDataError) as refused:
        R.window(spec, "$.w")
    assert str(refused.value) == f"rules.json: {message}"


@pytest.mark.parametrize("read, message", [
    (lambda: R.day("2024-13-01", "$.d"), "$.d: expected a date YYYY-MM-DD or null, got '2024-13-01'"),
    (lambda: R.day(None, "$.d", nullable=False), "$.d: expected a date YYYY-MM-DD, got None"),
    (lambda: R.text(" ", "$.t"), "$.t: expected a non-empty string"),
    (lambda: R.text(3, "$.t", allow_empty=True), "$.t: expected a non-empty string"),
    (lambda: R.text_list([], "$.l"), "$.l: expected a non-empty list of strings"),
    (lambda: R.text_list("a", "$.l"), "$.l: expected a non-empty list of strings"),
    (lambda: R.text_list(["a", ""], "$.l"), "$.l[1]: expected a non-empty string"),
    (lambda: R.mapping([], "$.m"), "$.m: expected an object"),
    (lambda: R.penalty_type("打板子", "$.p"), "$.p: unknown penalty type '打板子'"),
    (lambda: R.severity("grave", "$.s"), "$.s: unknown severity 'grave' (expected minor, general, serious)"),
])
def test_each_malformed_value_is_refused_naming_its_place_and_what_was_expected(read, message):
    with pytest.raises(RuleDataError) as refused:
        read()
    assert str(refused.value) == f"rules.json: {message}"


def test_well_formed_values_read_as_written():
    assert (R.day(None, "$.d"), R.day("2024-02-29", "$.d").isoformat()) == (None, "2024-02-29")
    assert (R.text("", "$.t", allow_empty=True), R.text(" a ", "$.t")) == ("", " a ")
    assert (R.text_list([], "$.l", allow_empty=True), R.text_list(["a", "b"], "$.l")) == ([], ["a", "b"])
    assert (R.penalty_type("罚款", "$.p"), R.severity("serious", "$.s"), R.mapping({}, "$.m")) == (
        "罚款", "serious", {})
