"""Name folding: the fast conversion to simplified script gives what zhconv gives."""

import re

import zhconv
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.names import normalise_name, simplified
from registry.domain.text import fold_width

# The keys of zhconv's zh-cn table (characters and phrases) and common characters of company names:
# texts strung together from them hit both the fast path and the phrase matching.
_PIECES = sorted(zhconv.zhconv.getdict("zh-cn")) + list("通辽市鑫源商贸有限公司科尔沁区（）() A1")
# What else a name may hold that folding changes: full-width forms, spaces of several kinds, lower case.
_FOLDED = list("（）ａＢ１ \u3000\tb")


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join))
def test_simplified_is_what_zhconv_makes(text):
    assert simplified(text) == zhconv.convert(text, "zh-cn")


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.one_of(st.sampled_from(_PIECES), st.sampled_from(_FOLDED)), max_size=6).map("".join))
def test_a_name_is_folded_in_width_spaces_script_and_case(text):
    assert normalise_name(text) == zhconv.convert(re.sub(r"\s+", "", fold_width(text)), "zh-cn").upper()


def test_phrases_are_converted_as_phrases_not_character_by_character():
    assert simplified("么兒") == "幺儿"  # 么 alone stays 么
    assert simplified("某某么兒公司") == zhconv.convert("某某么兒公司", "zh-cn")


def test_traditional_and_simplified_names_fold_alike():
    assert normalise_name("通遼市（鑫源）商貿 有限公司") == normalise_name("通辽市(鑫源)商贸有限公司")
    assert normalise_name("通辽市(鑫源)商贸有限公司") == "通辽市(鑫源)商贸有限公司"


# Full-width forms at both ends of their block, the two code points just outside it, and what stays.
_WIDTHS = [*"通辽（）ａＢ１ \u3000！～", chr(0xFF00), chr(0xFF5F), *"Ab1(~"]


@settings(max_examples=1000, deadline=None)
@given(st.text(alphabet=st.sampled_from(_WIDTHS), max_size=12))
def test_width_folding_changes_exactly_the_full_width_forms_and_the_ideographic_space(text):
    # Each character by itself: U+FF01..FF5E are the ASCII 0x21..0x7E, the ideographic space a space;
    # U+FF00 and U+FF5F, just outside, stay.
    expected = "".join(chr(ord(c) - 0xFEE0) if "\uff01" <= c <= "\uff5e" else " " if c == "\u3000" else c
                       for c in text)
    assert fold_width(text) == expected
