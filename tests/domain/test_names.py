"""Name folding: the fast conversion to simplified script gives what zhconv gives."""

import zhconv
from hypothesis import given, settings
from hypothesis import strategies as st

from registry.domain.names import normalise_name, simplified

# The keys of zhconv's zh-cn table (characters and phrases) and common characters of company names:
# texts strung together from them hit both the fast path and the phrase matching.
_PIECES = sorted(zhconv.zhconv.getdict("zh-cn")) + list("通辽市鑫源商贸有限公司科尔沁区（）() A1")


@settings(max_examples=1000, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=6).map("".join))
def test_simplified_is_what_zhconv_makes(text):
    assert simplified(text) == zhconv.convert(text, "zh-cn")


def test_phrases_are_converted_as_phrases_not_character_by_character():
    assert simplified("么兒") == "幺儿"  # 么 alone stays 么
    assert simplified("某某么兒公司") == zhconv.convert("某某么兒公司", "zh-cn")


def test_traditional_and_simplified_names_fold_alike():
    assert normalise_name("通遼市（鑫源）商貿 有限公司") == normalise_name("通辽市(鑫源)商贸有限公司")
    assert normalise_name("通辽市(鑫源)商贸有限公司") == "通辽市(鑫源)商贸有限公司"
