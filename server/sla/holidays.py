"""Public-holiday data: the seeded example is mainland China's 2026 schedule.

In China a long holiday is often built by moving weekend days: the State Council publishes
each year which dates are off and which Saturdays/Sundays become working days (调休). Both
lists feed a `BusinessCalendar`. This module is only seed data; real calendars are
configured per contract and stored with `BusinessCalendar.to_dict`.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time, timedelta
from typing import NamedTuple

from server.core.errors import ValidationFailed
from server.sla.calendar import DEFAULT_TZ, WORKWEEK, BusinessCalendar, CalendarMode


class HolidayName(NamedTuple):
    en: str
    zh: str


@dataclass(frozen=True)
class Holiday:
    """One named holiday period (inclusive) and the weekend days worked to make up for it."""

    name_en: str
    name_zh: str
    first: date
    last: date
    makeup_workdays: tuple[date, ...] = ()

    def __post_init__(self) -> None:
        if self.last < self.first:
            raise ValidationFailed(f"holiday {self.name_en!r} ends before it starts", field="last")
        clash = set(self.makeup_workdays) & set(self.days)
        if clash:
            raise ValidationFailed(f"holiday {self.name_en!r} lists a make-up workday inside itself")

    @property
    def days(self) -> tuple[date, ...]:
        count = (self.last - self.first).days + 1
        return tuple(self.first + timedelta(days=i) for i in range(count))

    @property
    def name(self) -> HolidayName:
        return HolidayName(self.name_en, self.name_zh)


@dataclass(frozen=True)
class HolidaySet:
    region: str
    year: int
    periods: tuple[Holiday, ...]

    @property
    def holidays(self) -> frozenset[date]:
        return frozenset(day for period in self.periods for day in period.days)

    @property
    def extra_workdays(self) -> frozenset[date]:
        return frozenset(day for period in self.periods for day in period.makeup_workdays)

    @property
    def names(self) -> dict[date, HolidayName]:
        """Every holiday date mapped to the name of its holiday (make-up workdays excluded)."""
        return {day: period.name for period in self.periods for day in period.days}


def calendar_from_holidays(
    *,
    holiday_sets: Iterable[HolidaySet],
    tz: str = DEFAULT_TZ,
    mode: CalendarMode = "5x8",
    day_start: time = time(9, 0),
    day_end: time = time(17, 0),
    weekdays: frozenset[int] = WORKWEEK,
) -> BusinessCalendar:
    """A calendar whose days off and make-up workdays are the union of `holiday_sets`.

    Pass several years (e.g. 2026 and 2027) so tickets open across New Year are handled.
    """
    sets = tuple(holiday_sets)
    return BusinessCalendar(
        tz=tz,
        mode=mode,
        day_start=day_start,
        day_end=day_end,
        weekdays=weekdays,
        holidays=frozenset().union(*(s.holidays for s in sets)),
        extra_workdays=frozenset().union(*(s.extra_workdays for s in sets)),
    )


# Mainland China 2026, per the State Council's holiday notice for 2026.
CHINA_2026 = HolidaySet(
    region="CN",
    year=2026,
    periods=(
        Holiday(
            name_en="New Year's Day",
            name_zh="元旦",
            first=date(2026, 1, 1),
            last=date(2026, 1, 3),
            makeup_workdays=(date(2026, 1, 4),),
        ),
        Holiday(
            name_en="Spring Festival",
            name_zh="春节",
            first=date(2026, 2, 15),
            last=date(2026, 2, 23),
            makeup_workdays=(date(2026, 2, 14), date(2026, 2, 28)),
        ),
        Holiday(name_en="Qingming Festival", name_zh="清明节", first=date(2026, 4, 4), last=date(2026, 4, 6)),
        Holiday(
            name_en="Labour Day",
            name_zh="劳动节",
            first=date(2026, 5, 1),
            last=date(2026, 5, 5),
            makeup_workdays=(date(2026, 5, 9),),
        ),
        Holiday(
            name_en="Dragon Boat Festival", name_zh="端午节", first=date(2026, 6, 19), last=date(2026, 6, 21)
        ),
        Holiday(
            name_en="Mid-Autumn Festival", name_zh="中秋节", first=date(2026, 9, 25), last=date(2026, 9, 27)
        ),
        Holiday(
            name_en="National Day",
            name_zh="国庆节",
            first=date(2026, 10, 1),
            last=date(2026, 10, 7),
            makeup_workdays=(date(2026, 9, 20), date(2026, 10, 10)),
        ),
    ),
)
