"""The source department's answer clock of an objection counts from the day in China it was filed, and
never from a day after the one the registry counts by."""

from datetime import UTC, date, datetime

import pytest

from registry.repairs.models import Objection
from registry.repairs.objections import OPEN, answer_clock

MONDAY, TUESDAY = date(2026, 12, 7), date(2026, 12, 8)  # no holiday near: five working days are a week


@pytest.mark.parametrize(("filed_at_utc", "today", "due", "left"), [
    (datetime(2026, 12, 7, 15, 59, 59, tzinfo=UTC), TUESDAY, date(2026, 12, 14), 4),  # 23:59:59 on Monday in China
    (datetime(2026, 12, 7, 16, 0, tzinfo=UTC), TUESDAY, date(2026, 12, 15), 5),  # midnight: Tuesday in China
    (datetime(2026, 12, 7, 16, 0, tzinfo=UTC), MONDAY, date(2026, 12, 14), 5),  # the registry's day held at Monday
])
def test_the_answer_is_due_five_working_days_after_the_filing_day_in_china(app, filed_at_utc, today, due, left):
    objection = Objection(record_id=1, reason="处罚金额登记有误", state=OPEN, created_at=filed_at_utc)
    with app.app_context():
        clock = answer_clock(objection, today)
    assert (clock["due"], clock["workdays_left"]) == (due, left)
