"""Row validation derived from the layout: one code path for the API and for bulk files.

Kept deliberately lean (no per-field objects, no exceptions on the happy path) because bulk
imports run it for every one of millions of rows.
"""

from collections.abc import Mapping
from datetime import date

from ..domain import uscc as uscc_rules
from ..domain.penalty_types import InvalidPenaltyType, parse_penalty_types
from ..domain.severity import PARTY_CATEGORY_ALIASES, SEVERITY_ALIASES
from ..domain.values import parse_amount, parse_date
from ..errors import FieldError
from ..runtime import today as clock_today
from . import layout

CHOICE_ALIASES = {
    "party_category": PARTY_CATEGORY_ALIASES,
    "severity": SEVERITY_ALIASES,
    "license_category": {c: c for c in layout.LICENCE_CATEGORIES},
    "commitment_type": {c: c for c in layout.COMMITMENT_TYPES},
    "commitment_state": {c: c for c in layout.COMMITMENT_STATES},
}
_KIND_NAMES_ZH = "、".join(f"{label}（{kind}）" for kind, label in layout.KIND_LABELS.items())
NEEDS_USCC = frozenset({"legal_person", "individual_business"})
# The parser of each field type but text and choice: returns the clean value or raises (and _parse
# makes the error of it).
_PARSERS = {layout.USCC: uscc_rules.validate, layout.DATE: parse_date, layout.AMOUNT: parse_amount,
            layout.PENALTY_TYPES: parse_penalty_types}
_PARSE_FAILURES = (ValueError, TypeError, ArithmeticError, KeyError)


def _text_parser(field: layout.Field):
    """How validate_record reads this field's value sent as text, without _parse's error handling."""
    if field.type == layout.CHOICE:
        return CHOICE_ALIASES[field.key].__getitem__
    return _PARSERS.get(field.type)


# Per kind, what checking each field needs, looked up once: (key, longest plain text or 0 when the
# field is not plain text, its parser of text otherwise, required, the field).
CHECKS = {kind: tuple((f.key, f.max_length if f.type == layout.TEXT else 0, _text_parser(f), kind in f.required, f)
                       for f in layout.KIND_FIELDS[kind]) for kind in layout.KINDS}


def _error(field: layout.Field, code: str, *, message_zh: str, message_en: str, value=None) -> FieldError:
    return FieldError(field.key, code, message_zh=f"{field.label_zh}：{message_zh}",
                      message_en=f"{field.key}: {message_en}", value=value)


def _parse(field: layout.Field, value):
    """Return (clean value, None) or (None, FieldError)."""
    kind = field.type
    if kind == layout.TEXT:
        text = value.strip() if isinstance(value, str) else str(value).strip()
        if "\x00" in text:  # PostgreSQL cannot store one: refused on every database alike
            return None, _error(field, "invalid_character", message_zh="含有不允许的空字符（NUL）",
                                message_en="contains a NUL character", value=value)
        if len(text) > field.max_length:
            return None, _error(field, "too_long", message_zh=f"长度{len(text)}超过上限{field.max_length}",
                                message_en=f"{len(text)} characters, at most {field.max_length}", value=value)
        return text, None
    if kind == layout.CHOICE:
        choice = CHOICE_ALIASES[field.key].get(str(value).strip())
        if choice is None:
            return None, _error(field, "invalid_choice", message_zh=f"取值“{value}”不在允许范围内",
                                message_en=f"{value!r} is not one of {', '.join(field.choices)}", value=value)
        return choice, None
    parser = _PARSERS.get(kind)
    if parser is None:
        raise AssertionError(f"unknown field type {kind}")
    try:
        return parser(value), None
    except uscc_rules.InvalidUSCC as exc:
        return None, _error(field, exc.code, message_zh=exc.message_zh, message_en=exc.message_en, value=value)
    except InvalidPenaltyType as exc:
        return None, _error(field, "invalid_penalty_type", message_zh=exc.message_zh, message_en=exc.message_en,
                            value=value)
    except (ValueError, TypeError, ArithmeticError) as exc:
        zh = {"date": "日期格式无法识别", "amount": "金额应为不超过6位小数的非负数"}.get(kind, "格式错误")
        return None, _error(field, f"invalid_{kind}", message_zh=zh, message_en=str(exc), value=value)


def validate_record(raw: Mapping, kind: str | None = None, today: date | None = None):
    """Validate one row. Returns (clean dict, []) or (None, [FieldError, ...]) with every problem."""
    kind = layout.kind_of(kind if kind is not None else raw.get("kind", ""))
    if kind is None:
        return None, [FieldError("kind", "invalid_kind",
                                 message_zh=f"记录类型应为{_KIND_NAMES_ZH}之一",
                                 message_en=f"kind must be one of {', '.join(layout.KINDS)}", value=raw.get("kind"))]
    clean = {"kind": kind}
    errors = []
    get = raw.get
    for check in CHECKS[kind]:
        key, text_limit = check[0], check[1]
        value = get(key)
        if value.__class__ is str:
            value = value.strip()
            # The common cases inline: text within its limit, an optional field left empty.
            if 0 < len(value) <= text_limit and "\x00" not in value:
                clean[key] = value
                continue
            if not value and not check[3]:
                clean[key] = None
                continue
        clean[key], error = check_value(check, value)
        if error:
            errors.append(error)
    errors.extend(cross_field_errors(clean, {e.field for e in errors}, today or clock_today()))
    if errors:
        return None, errors
    clean["party_key"] = clean["uscc"] or clean["id_no"]
    return clean, []


def check_value(check: tuple, value) -> tuple:
    """One cell by the field's check (an item of CHECKS[kind]): (clean value, None) or (None, FieldError)."""
    _, text_limit, parser, required, field = check
    if value.__class__ is str:
        value = value.strip()
        if 0 < len(value) <= text_limit and "\x00" not in value:
            return value, None
        if value and parser is not None:
            try:
                return parser(value), None
            except _PARSE_FAILURES:
                pass  # _parse below says what is wrong
    if value is None or value == "":
        if required:
            return None, _error(field, "required", message_zh="必填项缺失", message_en="is required")
        return None, None
    return _parse(field, value)


def cross_field_errors(clean: dict, errored: set, today: date) -> list[FieldError]:
    errors = []
    category = clean.get("party_category")
    fields = layout.FIELDS_BY_KEY
    if category in NEEDS_USCC and not clean.get("uscc") and "uscc" not in errored:
        errors.append(_error(fields["uscc"], "required",
                             message_zh="法人、非法人组织和个体工商户必须填写统一社会信用代码",
                             message_en="is required for legal persons and individual businesses"))
    if category == "natural_person" and clean.get("uscc") and "uscc" not in errored:
        # A person is no market entity: a code here would create, name or rename one after the person
        # and show the person's record to whoever holds the code (个体工商户 is a category of its own).
        errors.append(_error(fields["uscc"], "uscc_not_for_natural_person",
                             message_zh="自然人不填写统一社会信用代码（个体工商户请选择“个体工商户”类别）",
                             message_en="a natural person has no credit code (an individual business is party category "
                             "个体工商户)", value=clean["uscc"]))
    if category == "natural_person" and not clean.get("id_no"):
        errors.append(_error(fields["id_no"], "required", message_zh="自然人必须填写证件号码",
                             message_en="is required for natural persons"))
    decided = clean.get("decision_date")
    if decided and decided > today:
        errors.append(_error(fields["decision_date"], "date_in_future", message_zh="决定日期晚于今天",
                             message_en=f"{decided.isoformat()} is in the future", value=decided.isoformat()))
    start, end = clean.get("valid_from"), clean.get("valid_to")
    if start and end and end < start:
        errors.append(_error(fields["valid_to"], "date_order", message_zh="有效期至早于有效期自",
                             message_en="valid_to is before valid_from", value=end.isoformat()))
    return errors + _removal_errors(clean, errored, today)


def _removal_errors(clean: dict, errored: set, today: date) -> list[FieldError]:
    """A list entry's removal is a decision taken on a day: not before the listing, not in the future,
    and with its reason (the public is told why an entry left the list)."""
    removed, field = clean.get("removed_on"), layout.FIELDS_BY_KEY["removed_on"]
    if removed is None:
        if clean.get("removal_reason") and "removed_on" not in errored:
            return [_error(field, "required", message_zh="填写了移出原因，须同时填写移出日期",
                           message_en="is required with a removal reason")]
        return []
    errors = []
    decided = clean.get("decision_date")
    if decided and removed < decided:
        errors.append(_error(field, "date_order", message_zh="移出日期早于列入日期",
                             message_en="removed_on is before the listing date", value=removed.isoformat()))
    if removed > today:
        errors.append(_error(field, "date_in_future", message_zh="移出日期晚于今天",
                             message_en=f"{removed.isoformat()} is in the future", value=removed.isoformat()))
    if not clean.get("removal_reason") and "removal_reason" not in errored:
        errors.append(_error(layout.FIELDS_BY_KEY["removal_reason"], "required", message_zh="移出名单须说明移出原因",
                             message_en="is required when an entry is removed"))
    return errors



# Kinds of record only one domain's departments keep: the abnormal-operations list is market
# supervision's (企业信息公示暂行条例).
_KIND_DOMAINS = {layout.ABNORMAL: ("market_supervision", "市场监管部门")}


def sender_error(clean: dict, department) -> FieldError | None:
    """A department may only send rows whose source unit is itself (SPEC §3), and only kinds of record
    its domain keeps; `department` has `uscc` and `domain_key`."""
    if clean["source_unit_uscc"] != department.uscc:
        return FieldError("source_unit_uscc", "foreign_source_unit",
                          message_zh="数据来源单位不是当前部门，部门只能报送本部门的记录",
                          message_en="a department may only send its own records", value=clean["source_unit_uscc"])
    domain, domain_zh = _KIND_DOMAINS.get(clean["kind"], (None, None))
    if domain is not None and department.domain_key != domain:
        return FieldError("kind", "kind_not_for_department",
                          message_zh=f"{layout.KIND_LABELS[clean['kind']]}只能由{domain_zh}报送",
                          message_en=f"only {domain} departments send {clean['kind']} records", value=clean["kind"])
    return None
