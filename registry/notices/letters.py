"""The Chinese text of notices and letters, from the facts they state (pure: no Flask, no DB)."""

import hashlib
from dataclasses import dataclass
from datetime import date


@dataclass(frozen=True)
class RecordLine:
    """What a letter says about one record."""

    record_id: int
    party_name: str
    uscc: str
    decision_no: str
    authority: str
    decision_date: date
    publicity_start: date | None
    publicity_end: date | None
    repairable_from: date | None


def _day(d: date | None) -> str:
    return f"{d.year}年{d.month}月{d.day}日" if d else "—"


def _period(line: RecordLine) -> str:
    if line.publicity_start is None:
        return "依规定不在“信用中国”及本平台公示"
    last = _day(line.publicity_end) if line.publicity_end else "—"
    return f"公示期自{_day(line.publicity_start)}起，至{last}停止公示"


HOW_TO_APPLY = ("申请方式：登录本平台，在“企业信用工作台—我的信用记录”中选择该条记录，点击“申请信用修复”，"
                "在线签署信用修复承诺书并上传履行处罚义务的证明材料；也可持授权委托书到任一旗县市区政务服务窗口"
                "委托代办（跨区域帮办代办）。平台自收到申请之日起10个工作日内告知办理结果。")


def repair_notice(line: RecordLine) -> tuple[str, str]:
    """信用修复告知书, produced when a penalty arrives (两书同达)."""
    if line.repairable_from is None:
        when = "依据相关规定，该行政处罚信息不予信用修复。"
    else:
        when = f"最短公示期满后，即自{_day(line.repairable_from)}起，在履行行政处罚义务后可申请信用修复。"
    body = (f"{line.party_name}（统一社会信用代码：{line.uscc}）：\n"
            f"{line.authority}于{_day(line.decision_date)}作出的行政处罚决定（{line.decision_no}）"
            f"将依法公示，{_period(line)}。\n{when}\n{HOW_TO_APPLY}")
    return "信用修复告知书", body


def commitment_letter(line: RecordLine) -> str:
    """信用修复承诺书: the same text is the template sent on arrival and the letter signed on applying."""
    return (f"信用修复承诺书\n本单位{line.party_name}（统一社会信用代码：{line.uscc}）就{line.authority}"
            f"作出的行政处罚决定（{line.decision_no}）申请信用修复，郑重承诺：\n"
            "一、已全面履行行政处罚决定规定的义务，已纠正失信行为；\n"
            "二、所提交的材料真实、合法、有效，如有虚假，愿承担相应法律责任；\n"
            "三、容缺受理时，在规定期限内补齐所缺材料；\n"
            "四、如违背承诺，同意撤销信用修复结果，并在一年内不再申请信用修复。")


def commitment_template(line: RecordLine) -> tuple[str, str]:
    return "信用修复承诺书（模板）", commitment_letter(line)


def repairable_letter(party_name: str, uscc: str, lines: list[RecordLine]) -> tuple[str, str]:
    """一企一函: one reminder listing every record of the enterprise that became repairable."""
    items = "\n".join(f"{i}. {line.authority} {line.decision_no}（{_day(line.decision_date)}），"
                      f"自{_day(line.repairable_from)}起可申请信用修复"
                      for i, line in enumerate(lines, 1))
    body = (f"{party_name}（统一社会信用代码：{uscc}）：\n您单位以下{len(lines)}条行政处罚信息已满最短公示期，"
            f"履行处罚义务后可申请信用修复：\n{items}\n{HOW_TO_APPLY}")
    return "信用修复提醒函（一企一函）", body


def text_sha256(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
