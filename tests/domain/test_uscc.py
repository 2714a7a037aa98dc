"""USCC rules (GB 32100-2015): real codes, normalisation, every kind of error, and properties."""

import re
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from registry.domain import uscc

REAL_CODES = ["91110000600037341L", "911522010783710635", "91310115MA1K3BTP2B", "92340602MA2PBMEM24",
              "121200004013590816"]


@pytest.mark.parametrize("code", REAL_CODES)
def test_real_codes_pass(code):
    assert uscc.validate(code) == code


# The examples of the README and the docs site name codes after these; a wrong check character fails.
_ROOT = Path(__file__).parents[2]
_EXAMPLE_CODE = re.compile(r'(?:--uscc |--department |"uscc": "|\bE=)([0-9A-Z]{18})\b')
EXAMPLE_CODES = sorted({code for page in [_ROOT / "README.md", *sorted((_ROOT / "docs").rglob("*.md"))]
                        for code in _EXAMPLE_CODE.findall(page.read_text(encoding="utf-8"))})


def test_the_documentation_names_codes_in_its_examples():
    assert len(EXAMPLE_CODES) >= 3


@pytest.mark.parametrize("code", EXAMPLE_CODES)
def test_the_documentation_examples_use_valid_codes(code):
    assert uscc.validate(code) == code


def test_input_is_trimmed_folded_and_upper_cased():
    assert uscc.validate(" ９１３１０１１５ｍａ１ｋ３ｂｔｐ２ｂ\u3000") == "91310115MA1K3BTP2B"


def test_length_error_names_the_length():
    with pytest.raises(uscc.InvalidUSCC) as info:
        uscc.validate("91110000600037341")
    assert info.value.code == "uscc_length"
    assert "17" in info.value.message_en and "17" in info.value.message_zh


@pytest.mark.parametrize("letter", ["I", "O", "Z", "S", "V"])
def test_excluded_letters_are_bad_characters_at_their_position(letter):
    code = "9131011" + letter + "MA1K3BTP2B"
    with pytest.raises(uscc.InvalidUSCC) as info:
        uscc.validate(code)
    assert info.value.code == "uscc_character"
    assert info.value.position == 8
    assert "position 8" in info.value.message_en


def test_wrong_check_character_names_the_expected_one():
    with pytest.raises(uscc.InvalidUSCC) as info:
        uscc.validate("91110000600037341X")
    assert info.value.code == "uscc_check"
    assert "expected 'L'" in info.value.message_en
    assert "L" in info.value.message_zh


def test_registering_authority_must_be_known():
    first17 = "B1110000600037341"
    with pytest.raises(uscc.InvalidUSCC) as info:
        uscc.validate(first17 + uscc.check_character(first17))
    assert info.value.position == 1


def test_weights_are_powers_of_three_mod_31():
    assert uscc.WEIGHTS == (1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28)


@pytest.mark.parametrize("prefix, division, body", [("9", "150502", "MA0N8U3X1"), ("91", "150502", "MA0N8U3X12")])
def test_a_code_is_made_from_seventeen_characters_only(prefix, division, body):
    with pytest.raises(ValueError, match=r"^prefix \(2\) \+ division \(6\) \+ body \(9\) must be 17 characters$"):
        uscc.make(prefix, division, body)


def test_entity_kind_and_division():
    assert uscc.entity_kind("91310115MA1K3BTP2B").key == "enterprise"
    assert uscc.entity_kind("92340602MA2PBMEM24").key == "individual_business"
    assert uscc.entity_kind(uscc.make("93", "150502", "MA0N8U3X1")).key == "cooperative"
    assert uscc.entity_kind("121200004013590816").key == "organisation"
    assert uscc.division("911522010783710635") == "152201"




@given(st.sampled_from(sorted(uscc.REGISTERING_AUTHORITIES)), st.text(uscc.ALPHABET, min_size=16, max_size=16))
def test_every_generated_valid_code_passes(authority, rest):
    first17 = authority + rest
    code = first17 + uscc.check_character(first17)
    assert uscc.validate(code) == code
    assert uscc.validate(code.lower()) == code
    assert uscc.is_valid(code)


@given(st.sampled_from(sorted(uscc.REGISTERING_AUTHORITIES)), st.text(uscc.ALPHABET, min_size=16, max_size=16),
       st.integers(min_value=0, max_value=17), st.sampled_from(uscc.ALPHABET + "IOZSV*"))
def test_every_single_character_change_fails(authority, rest, position, replacement):
    first17 = authority + rest
    code = first17 + uscc.check_character(first17)
    if code[position] == replacement:
        replacement = uscc.ALPHABET[(uscc.VALUES[replacement] + 1) % 31]
    changed = code[:position] + replacement + code[position + 1:]
    assert not uscc.is_valid(changed)
