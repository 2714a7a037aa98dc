"""Single sign-on's role map: rules giving a person of the identity provider a role and binding from their claims."""

import json
from dataclasses import dataclass
from pathlib import Path

from ..access.models import ROLES
from ..config import ConfigError
from .services import BINDINGS

SETTING = "REGISTRY_OIDC_ROLE_MAP"
KEYS = ("when", "role", *sorted(set(BINDINGS.values())))
OPTIONAL_BINDING = frozenset({"bank"})  # a bank's USCC, as for its API keys


class NoGrant(Exception):
    """No rule gives the person a role, or the rule that does lacks a claim it takes a binding from."""


@dataclass(frozen=True)
class Grant:
    """What a rule gives: a role and its binding (create_account's keywords), by the rule's number."""

    role: str
    binding: dict
    rule: int


@dataclass(frozen=True)
class Rule:
    number: int  # from 1, as the README and the error messages count
    when: dict  # claim -> the value it must be (or, a list claim, contain)
    role: str
    binding: dict  # keyword -> a value, or "$claim" for that claim's value

    def matches(self, claims: dict) -> bool:
        return all(_holds(claims.get(claim), value) for claim, value in self.when.items())

    def grant(self, claims: dict) -> Grant:
        binding = {}
        for keyword, value in self.binding.items():
            if value.startswith("$"):
                claim, value = value[1:], claims.get(value[1:])
                if not isinstance(value, str) or not value.strip():
                    raise NoGrant(f"rule {self.number} takes {keyword} from the claim {claim!r}, which has no text")
            binding[keyword] = value.strip()
        return Grant(self.role, binding, self.number)


def grant_for(rules: tuple[Rule, ...], claims: dict) -> Grant:
    """The grant of the first rule whose conditions the claims meet; NoGrant if none does."""
    for rule in rules:
        if rule.matches(claims):
            return rule.grant(claims)
    raise NoGrant("no rule of the role map matches")


def _holds(claim, value) -> bool:
    """Of the same type (true is not 1) and equal, or a list holding such a value."""
    return any(type(item) is type(value) and item == value for item in (claim if isinstance(claim, list) else [claim]))


def load(setting: str) -> tuple[Rule, ...]:
    """The rules of the setting, which is the JSON itself or a file's path, checked; a ConfigError of
    one line naming the rule and what is wrong with it otherwise."""
    text = setting.strip()
    if not text.startswith(("[", "{")):
        try:
            text = Path(text).read_text(encoding="utf-8")
        except OSError as exc:
            raise ConfigError(f"{SETTING}: cannot read {setting!r}: {exc.strerror}") from None
    try:
        rules = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"{SETTING} is not valid JSON: {exc.msg} at line {exc.lineno} column {exc.colno}") from None
    if not isinstance(rules, list) or not rules:
        raise ConfigError(f"{SETTING} must be a JSON list of at least one rule")
    return tuple(_checked(number, rule) for number, rule in enumerate(rules, 1))


def _checked(number: int, rule) -> Rule:
    def wrong(problem: str) -> ConfigError:
        return ConfigError(f"{SETTING} rule {number}: {problem}")

    if not isinstance(rule, dict):
        raise wrong('must be an object: {"when": {...}, "role": ...}')
    if stray := sorted(set(rule) - set(KEYS)):
        raise wrong(f"unknown key {stray[0]!r} (a rule has {', '.join(KEYS)})")
    when, role = rule.get("when"), rule.get("role")
    if not isinstance(when, dict) or not when:
        raise wrong("'when' must name at least one claim and the value it must have")
    if bad := [claim for claim, value in when.items() if not claim or type(value) not in (str, int, bool)]:
        raise wrong(f"the value of {bad[0]!r} in 'when' must be a string, a whole number or true/false")
    if role not in ROLES:
        raise wrong(f"'role' must be one of {', '.join(ROLES)}, got {role!r}")
    binding = {keyword: rule[keyword] for keyword in KEYS[2:] if keyword in rule}
    takes = BINDINGS.get(role)
    if stray := sorted(set(binding) - {takes}):
        raise wrong(f"the role {role} takes no {stray[0]}")
    if takes and takes not in binding and role not in OPTIONAL_BINDING:
        raise wrong(f"the role {role} needs {takes!r}")
    if bad := [keyword for keyword, value in binding.items()
               if not isinstance(value, str) or value.strip() in ("", "$")]:
        raise wrong(f"{bad[0]!r} must be a value, or \"$claim\" for a claim's value")
    return Rule(number, when, role, binding)
