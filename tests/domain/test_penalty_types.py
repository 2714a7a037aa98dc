"""Penalty types: the statutory names, the spellings departments send, the heaviest type, department severity tables."""

import pytest

from registry.domain.penalty_types import PENALTY_TYPES, InvalidPenaltyType, heaviest, parse_penalty_types
from registry.domain.severity import InvalidSeverity, normalise_overrides


def test_heaviest_of_several_types():
    assert heaviest(["罚款", "责令关闭", "警告"]) == "责令关闭"
    assert heaviest("警告；没收违法所得、罚款") == "没收违法所得"
    assert heaviest(["行政拘留", "限制从业"]) == "行政拘留"


def test_other_is_heaviest_only_alone():
    assert heaviest(["其他", "警告"]) == "警告"
    assert heaviest(["其他", "吊销许可证件"]) == "吊销许可证件"
    assert heaviest("其他") == "其他"


def test_penalty_types_are_the_statutory_thirteen_plus_other():
    assert len(PENALTY_TYPES) == 14
    assert PENALTY_TYPES[0] == "警告" and PENALTY_TYPES[-2] == "行政拘留" and PENALTY_TYPES[-1] == "其他"


@pytest.mark.parametrize(
    "raw, expected",
    [
        ("罚款", ["罚款"]),
        ("罚款；警告", ["警告", "罚款"]),
        ("警告;罚款", ["警告", "罚款"]),
        ("罚款，警告,通报批评", ["警告", "通报批评", "罚款"]),
        ("罚款 警告\u3000责令关闭", ["警告", "罚款", "责令关闭"]),
        ("没收违法所得、没收非法财物", ["没收违法所得", "没收非法财物"]),
        ("没收违法所得和非法财物", ["没收违法所得", "没收非法财物"]),
        ("没收违法所得、非法财物", ["没收违法所得", "没收非法财物"]),
        ("吊销许可证", ["吊销许可证件"]),
        ("吊销营业执照；罚款", ["罚款", "吊销许可证件"]),
        ("暂扣许可证", ["暂扣许可证件"]),
        ("暂扣执照", ["暂扣许可证件"]),
        ("罚款；罚款", ["罚款"]),
        ("其它", ["其他"]),
        (["罚款", "警告；通报批评"], ["警告", "通报批评", "罚款"]),
        (("行政拘留", "警告"), ["警告", "行政拘留"]),
        ("罚款。", ["罚款"]),
    ],
)
def test_parse_penalty_types(raw, expected):
    assert parse_penalty_types(raw) == expected


def test_full_width_separators_and_letters_are_folded():
    assert parse_penalty_types("罚款；\u3000警告，") == ["警告", "罚款"]


def test_unknown_penalty_type():
    with pytest.raises(InvalidPenaltyType) as info:
        parse_penalty_types("罚款；打板子")
    err = info.value
    assert isinstance(err, ValueError)
    assert err.code == "penalty_type_unknown"
    assert err.unknown == ("打板子",)
    assert "打板子" in err.message_zh and "处罚类别" in err.message_zh
    assert "打板子" in err.message_en and "unknown penalty type" in err.message_en


def test_empty_penalty_types():
    for raw in ("", " ；、 ", None, []):
        with pytest.raises(InvalidPenaltyType) as info:
            parse_penalty_types(raw)
        assert info.value.code == "penalty_types_empty"


def test_normalise_overrides():
    assert normalise_overrides({"吊销营业执照": "严重", "罚款": "serious"}) == {
        "吊销许可证件": "serious",
        "罚款": "serious",
    }
    assert normalise_overrides(None) == {}
    with pytest.raises(InvalidSeverity):
        normalise_overrides({"罚款": "heavy"})
    with pytest.raises(InvalidPenaltyType):
        normalise_overrides({"打板子": "minor"})


@pytest.mark.parametrize("cells", [["罚款", None, "警告"], ("罚款", "", "警告")])
def test_a_list_of_cells_reads_an_empty_cell_as_nothing(cells):
    assert parse_penalty_types(cells) == ["警告", "罚款"]


def test_a_severity_is_read_through_spaces_and_anything_else_is_refused_saying_what_is_expected():
    assert normalise_overrides({"罚款": " 严重 "}) == {"罚款": "serious"}
    for value in ("heavy", 3, None):
        with pytest.raises(InvalidSeverity) as refused:
            normalise_overrides({"罚款": value})
        assert (refused.value.code, refused.value.message_zh, refused.value.message_en) == (
            "severity_unknown", f"未知的失信严重程度“{value}”，应为轻微、一般或严重",
            f"unknown severity {value!r}: expected minor, general or serious")
