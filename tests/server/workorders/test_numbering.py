from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from server.workorders.models import WorkOrder
from server.workorders.numbering import format_number, local_day, next_number, sequence_of
from tests.factories import make_work_order
from tests.server.workorders._support import sh


def test_format_and_parse() -> None:
    assert format_number(date(2026, 3, 9), 7) == "WO-20260309-0007"
    assert format_number(date(2026, 3, 9), 12345) == "WO-20260309-12345"
    assert sequence_of("WO-20260309-0007") == 7
    assert sequence_of("WO-20260309-12345") == 12345
    assert sequence_of("WO-T-00001") is None
    with pytest.raises(ValueError, match="starts at 1"):
        format_number(date(2026, 3, 9), 0)


def test_local_day_uses_the_zone() -> None:
    late_evening = sh(2026, 3, 9, 23, 30)
    assert local_day(late_evening, tz="Asia/Shanghai") == date(2026, 3, 9)
    assert local_day(late_evening, tz="UTC") == date(2026, 3, 9)
    assert local_day(sh(2026, 3, 10, 1), tz="UTC") == date(2026, 3, 9)


async def test_next_number_counts_numerically_past_9999(db: Any) -> None:
    await make_work_order(number="WO-20260309-9999")
    await make_work_order(number="WO-20260309-10000")
    await make_work_order(number="WO-20260310-0042")  # another day does not count
    conn = WorkOrder._meta.db
    assert await next_number(day=date(2026, 3, 9), conn=conn) == "WO-20260309-10001"
    assert await next_number(day=date(2026, 3, 11), conn=conn) == "WO-20260311-0001"
