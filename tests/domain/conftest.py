"""Each rule test starts from empty memo caches and reads the shipped rule book afresh, so a test reads what
the rule code computes now, not an answer an earlier test left behind: bench/mutation.py judges each changed
rule in a fork of the process that already ran the tests (and built module-level values) unchanged."""

import pytest

from registry.domain import penalty_types, periods, uscc, values
from registry.domain.rulebook import RuleBook


@pytest.fixture(autouse=True)
def cold_rule_caches():
    RuleBook._default = None
    periods._SHIFTED.clear()
    values.iso_date.__self__.clear()
    for cached in (values._parse_date_text, values.parse_amount, uscc.validate, penalty_types._parse_items,
                   penalty_types.parse_types_text):
        cached.cache_clear()
