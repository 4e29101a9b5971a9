from __future__ import annotations

from datetime import date

import pytest

from server.core.errors import ValidationFailed
from server.sla.holidays import CHINA_2026, Holiday, HolidayName, HolidaySet, calendar_from_holidays


def test_china_2026_holiday_count() -> None:
    # 3 + 9 + 3 + 5 + 3 + 3 + 7 days off.
    assert len(CHINA_2026.holidays) == 33
    assert CHINA_2026.year == 2026


def test_china_2026_make_up_workdays_are_weekend_days() -> None:
    expected = {
        date(2026, 1, 4),
        date(2026, 2, 14),
        date(2026, 2, 28),
        date(2026, 5, 9),
        date(2026, 9, 20),
        date(2026, 10, 10),
    }
    assert expected == CHINA_2026.extra_workdays
    assert all(d.weekday() >= 5 for d in CHINA_2026.extra_workdays)
    assert not CHINA_2026.holidays & CHINA_2026.extra_workdays


@pytest.mark.parametrize(
    ("day", "zh"),
    [
        (date(2026, 1, 1), "元旦"),
        (date(2026, 2, 17), "春节"),
        (date(2026, 4, 5), "清明节"),
        (date(2026, 5, 3), "劳动节"),
        (date(2026, 6, 19), "端午节"),
        (date(2026, 9, 27), "中秋节"),
        (date(2026, 10, 7), "国庆节"),
    ],
)
def test_china_2026_names(day: date, zh: str) -> None:
    assert CHINA_2026.names[day].zh == zh
    assert CHINA_2026.names[day].en


def test_names_cover_only_holidays() -> None:
    assert set(CHINA_2026.names) == CHINA_2026.holidays
    assert CHINA_2026.names[date(2026, 10, 1)] == HolidayName("National Day", "国庆节")


def test_calendar_from_holidays_defaults_to_shanghai() -> None:
    cal = calendar_from_holidays(holiday_sets=[CHINA_2026])
    assert cal.tz == "Asia/Shanghai"
    assert cal.mode == "5x8"
    assert not cal.is_working_day(date(2026, 10, 1))
    assert cal.is_working_day(date(2026, 10, 10))  # Saturday, made a working day
    assert not cal.is_working_day(date(2026, 10, 11))  # ordinary Sunday
    assert cal.is_working_day(date(2026, 10, 12))


def test_calendar_from_several_sets_unites_them() -> None:
    other = HolidaySet(
        region="XX",
        year=2027,
        periods=(
            Holiday(name_en="Founders", name_zh="建司日", first=date(2027, 3, 1), last=date(2027, 3, 2)),
        ),
    )
    cal = calendar_from_holidays(holiday_sets=[CHINA_2026, other], tz="Asia/Urumqi")
    assert date(2027, 3, 2) in cal.holidays
    assert date(2026, 1, 1) in cal.holidays
    assert cal.tz == "Asia/Urumqi"


def test_holiday_must_not_end_before_start() -> None:
    with pytest.raises(ValidationFailed):
        Holiday(name_en="Bad", name_zh="坏", first=date(2026, 5, 5), last=date(2026, 5, 1))


def test_holiday_must_not_list_itself_as_make_up_day() -> None:
    with pytest.raises(ValidationFailed):
        Holiday(
            name_en="Bad",
            name_zh="坏",
            first=date(2026, 5, 1),
            last=date(2026, 5, 5),
            makeup_workdays=(date(2026, 5, 3),),
        )
