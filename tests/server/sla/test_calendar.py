from __future__ import annotations

import json
import time as wallclock
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta

import pytest

from server.core.errors import ValidationFailed
from server.sla.calendar import BusinessCalendar, calendar_from_dict
from tests.server.sla._support import CHINA, berlin, hours, minutes, sh

PLAIN = BusinessCalendar()  # Asia/Shanghai, Mon-Fri 09:00-17:00, no holidays


def test_default_calendar_is_shanghai_5x8() -> None:
    assert PLAIN.tz == "Asia/Shanghai"
    assert PLAIN.mode == "5x8"
    assert (PLAIN.day_start, PLAIN.day_end) == (time(9), time(17))
    assert PLAIN.weekdays == frozenset({0, 1, 2, 3, 4})


def test_results_are_utc() -> None:
    due = PLAIN.add_business_time(sh(2026, 3, 10, 9), hours(1))
    assert due.tzinfo == UTC
    assert due == datetime(2026, 3, 10, 2, tzinfo=UTC)  # 10:00 in Shanghai


def test_within_one_day() -> None:
    assert PLAIN.add_business_time(sh(2026, 3, 10, 10), hours(2)) == sh(2026, 3, 10, 12)


def test_overnight_span_carries_to_next_morning() -> None:
    # Tuesday 16:00 + 4h: one hour today, three tomorrow.
    assert PLAIN.add_business_time(sh(2026, 3, 10, 16), hours(4)) == sh(2026, 3, 11, 12)
    assert PLAIN.business_time_between(sh(2026, 3, 10, 16), sh(2026, 3, 11, 12)) == hours(4)


def test_weekend_is_skipped() -> None:
    # Friday 16:00 + 2h lands on Monday 10:00.
    assert PLAIN.add_business_time(sh(2026, 3, 13, 16), hours(2)) == sh(2026, 3, 16, 10)
    assert PLAIN.business_time_between(sh(2026, 3, 13, 16), sh(2026, 3, 16, 10)) == hours(2)


def test_friday_half_past_four() -> None:
    received = sh(2026, 3, 13, 16, 30)
    assert PLAIN.add_business_time(received, hours(2)) == sh(2026, 3, 16, 10, 30)
    assert PLAIN.add_business_time(received, hours(4)) == sh(2026, 3, 16, 12, 30)


def test_before_opening_hours_starts_at_opening() -> None:
    assert PLAIN.add_business_time(sh(2026, 3, 10, 7, 45), hours(1)) == sh(2026, 3, 10, 10)


def test_after_closing_starts_next_working_day() -> None:
    assert PLAIN.add_business_time(sh(2026, 3, 10, 19), minutes(30)) == sh(2026, 3, 11, 9, 30)


def test_deadline_on_closing_time_stays_there() -> None:
    assert PLAIN.add_business_time(sh(2026, 3, 13, 15), hours(2)) == sh(2026, 3, 13, 17)


def test_zero_duration_is_identity() -> None:
    saturday = sh(2026, 3, 14, 12)
    assert PLAIN.add_business_time(saturday, timedelta(0)) == saturday


def test_received_during_national_day() -> None:
    # Oct 1-7 off; Thursday Oct 8 is the first working day.
    assert CHINA.add_business_time(sh(2026, 10, 3, 10), hours(2)) == sh(2026, 10, 8, 11)


def test_received_during_spring_festival() -> None:
    # Feb 15-23 off; Tuesday Feb 24 is the first working day.
    assert CHINA.add_business_time(sh(2026, 2, 15, 10), hours(1)) == sh(2026, 2, 24, 10)


def test_make_up_sunday_after_new_year() -> None:
    # Wed Dec 31 16:00: one hour that day, Jan 1-3 off, Sunday Jan 4 is worked.
    assert CHINA.add_business_time(sh(2025, 12, 31, 16), hours(2)) == sh(2026, 1, 4, 10)


def test_make_up_saturday_before_spring_festival() -> None:
    assert CHINA.add_business_time(sh(2026, 2, 13, 16), hours(4)) == sh(2026, 2, 14, 12)


def test_make_up_saturday_after_national_day() -> None:
    assert CHINA.add_business_time(sh(2026, 10, 9, 16), hours(4)) == sh(2026, 10, 10, 12)


def test_business_time_over_spring_festival() -> None:
    # Working days: Feb 13, Sat 14, 24, 25, 26, 27, Sat 28 -> 7 days of 8 hours.
    assert CHINA.business_time_between(sh(2026, 2, 13, 9), sh(2026, 2, 28, 17)) == hours(56)


def test_is_business_time() -> None:
    assert CHINA.is_business_time(sh(2026, 3, 10, 9))
    assert not CHINA.is_business_time(sh(2026, 3, 10, 17))  # windows are half-open
    assert not CHINA.is_business_time(sh(2026, 3, 10, 8, 59))
    assert not CHINA.is_business_time(sh(2026, 3, 14, 10))  # Saturday
    assert not CHINA.is_business_time(sh(2026, 10, 1, 10))  # National Day
    assert CHINA.is_business_time(sh(2026, 1, 4, 10))  # make-up Sunday


def test_between_is_zero_for_reversed_or_equal_bounds() -> None:
    assert PLAIN.business_time_between(sh(2026, 3, 10, 12), sh(2026, 3, 10, 10)) == timedelta(0)
    assert PLAIN.business_time_between(sh(2026, 3, 10, 12), sh(2026, 3, 10, 12)) == timedelta(0)


def test_24x7_is_plain_wall_clock() -> None:
    cal = BusinessCalendar(mode="24x7", holidays=CHINA.holidays)
    start = sh(2026, 10, 3, 22)  # holiday, late evening
    assert cal.add_business_time(start, hours(5)) == start + hours(5)
    assert cal.business_time_between(start, start + hours(30)) == hours(30)
    assert cal.is_business_time(start)


def test_berlin_spring_forward_weekend() -> None:
    cal = BusinessCalendar(tz="Europe/Berlin")
    # Friday before the switch (CET) + 2h -> Monday 10:00 CEST (08:00 UTC).
    due = cal.add_business_time(berlin(2026, 3, 27, 16), hours(2))
    assert due == berlin(2026, 3, 30, 10)
    assert due == datetime(2026, 3, 30, 8, tzinfo=UTC)
    assert cal.business_time_between(berlin(2026, 3, 27, 9), berlin(2026, 3, 30, 17)) == hours(16)


def test_berlin_window_containing_dst_change() -> None:
    # A night shift window 01:00-05:00 loses an hour in March and gains one in October.
    cal = BusinessCalendar(
        tz="Europe/Berlin", day_start=time(1), day_end=time(5), weekdays=frozenset(range(7))
    )
    assert cal.business_time_between(berlin(2026, 3, 29), berlin(2026, 3, 30)) == hours(3)
    assert cal.business_time_between(berlin(2026, 10, 25), berlin(2026, 10, 26)) == hours(5)
    assert cal.business_time_between(berlin(2026, 6, 1), berlin(2026, 6, 2)) == hours(4)


def test_long_span_is_fast_and_exact() -> None:
    cal = BusinessCalendar(tz="UTC")
    monday = datetime(2001, 1, 1, tzinfo=UTC)
    weeks = 52 * 20
    began = wallclock.perf_counter()
    assert cal.business_time_between(monday, monday + timedelta(weeks=weeks)) == hours(40 * weeks)
    # The earliest instant is the last Friday's closing time.
    last_friday_close = monday + timedelta(weeks=weeks) - timedelta(days=3) + hours(17)
    assert cal.add_business_time(monday, hours(40 * weeks)) == last_friday_close
    assert wallclock.perf_counter() - began < 2.0


@pytest.mark.parametrize(
    "call",
    [
        lambda: PLAIN.add_business_time(datetime(2026, 3, 10, 9), hours(1)),
        lambda: PLAIN.business_time_between(datetime(2026, 3, 10, 9), sh(2026, 3, 10, 10)),
        lambda: PLAIN.business_time_between(sh(2026, 3, 10, 9), datetime(2026, 3, 10, 10)),
        lambda: PLAIN.is_business_time(datetime(2026, 3, 10, 9)),
    ],
)
def test_naive_datetimes_rejected(call: Callable[[], object]) -> None:
    with pytest.raises(ValidationFailed, match="timezone-aware"):
        call()


def test_negative_duration_rejected() -> None:
    with pytest.raises(ValidationFailed, match="negative"):
        PLAIN.add_business_time(sh(2026, 3, 10, 9), -hours(1))


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"tz": "Mars/Olympus_Mons"}, "time zone"),
        ({"tz": ""}, "tz"),
        ({"mode": "9x5"}, "mode"),
        ({"day_start": time(17), "day_end": time(9)}, "before day_end"),
        ({"day_start": time(9), "day_end": time(9)}, "before day_end"),
        ({"weekdays": frozenset({7})}, "Sunday"),
        ({"weekdays": frozenset()}, "at least one weekday"),
        (
            {"holidays": frozenset({date(2026, 5, 9)}), "extra_workdays": frozenset({date(2026, 5, 9)})},
            "both",
        ),
    ],
)
def test_bad_config_rejected(kwargs: dict[str, object], message: str) -> None:
    with pytest.raises(ValidationFailed, match=message):
        BusinessCalendar(**kwargs)  # type: ignore[arg-type]


def test_24x7_calendar_may_have_no_weekdays() -> None:
    cal = BusinessCalendar(mode="24x7", weekdays=frozenset())
    assert cal.is_business_time(sh(2026, 3, 14, 3))


def test_dict_round_trip_is_json() -> None:
    data = json.loads(json.dumps(CHINA.to_dict()))
    assert data["day_start"] == "09:00"
    assert "2026-10-01" in data["holidays"]
    assert "2026-01-04" in data["extra_workdays"]
    assert calendar_from_dict(data) == CHINA


def test_from_dict_defaults_and_tz_override() -> None:
    assert calendar_from_dict({}) == BusinessCalendar()
    cal = calendar_from_dict({"tz": "Asia/Shanghai", "day_start": "08:30"}, tz="Asia/Urumqi")
    assert cal.tz == "Asia/Urumqi"
    assert cal.day_start == time(8, 30)


@pytest.mark.parametrize(
    "data",
    [
        {"timezone": "Asia/Shanghai"},
        {"holidays": ["2026-13-01"]},
        {"holidays": "2026-10-01"},
        {"day_start": "nine"},
        {"day_start": "09:00+08:00"},
        {"weekdays": [True]},
        {"mode": 5},
    ],
)
def test_from_dict_rejects_bad_data(data: dict[str, object]) -> None:
    with pytest.raises(ValidationFailed):
        calendar_from_dict(data)
