"""Business calendars: when an SLA clock runs.

A calendar belongs to a site (its IANA time zone) and a contract (its hours). In "5x8" mode the
clock runs only inside [day_start, day_end) local time on working days. A working day is a
listed weekday that is not a holiday, or any date in `extra_workdays` (the make-up workdays,
调休, that China moves onto a Saturday or Sunday around long holidays). In "24x7" mode every
instant counts and holidays are ignored.

Business time is real elapsed time inside those windows, computed in UTC from the local
window bounds, so a window that contains a DST change is an hour shorter or longer.
Weekdays follow `date.weekday()`: Monday is 0, Sunday is 6.

Long spans cost one cheap step per calendar day (days off are skipped in O(1)), never per
minute.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from server.core.errors import ValidationFailed
from server.sla._convert import (
    expect_str,
    format_time,
    parse_dates,
    parse_time,
    parse_weekdays,
    require_utc,
)

CalendarMode = Literal["24x7", "5x8"]
CALENDAR_MODES: frozenset[str] = frozenset(get_args(CalendarMode))
WORKWEEK: frozenset[int] = frozenset({0, 1, 2, 3, 4})
DEFAULT_TZ = "Asia/Shanghai"

_ZERO = timedelta(0)
_ONE_DAY = timedelta(days=1)
_DICT_KEYS = frozenset({"tz", "mode", "day_start", "day_end", "weekdays", "holidays", "extra_workdays"})


def parse_mode(value: object, *, field: str = "mode") -> CalendarMode:
    if value == "24x7":
        return "24x7"
    if value == "5x8":
        return "5x8"
    raise ValidationFailed(f"{field} must be '5x8' or '24x7', got {value!r}", field=field)


@dataclass(frozen=True)
class BusinessCalendar:
    tz: str = DEFAULT_TZ
    mode: CalendarMode = "5x8"
    day_start: time = time(9, 0)
    day_end: time = time(17, 0)
    weekdays: frozenset[int] = WORKWEEK
    holidays: frozenset[date] = frozenset()
    extra_workdays: frozenset[date] = frozenset()

    def __post_init__(self) -> None:
        _check_zone(self.tz)
        parse_mode(self.mode)
        start = parse_time(self.day_start, field="day_start")
        end = parse_time(self.day_end, field="day_end")
        if start >= end:
            raise ValidationFailed(
                f"day_start ({format_time(start)}) must be before day_end ({format_time(end)}); "
                "business hours crossing midnight are not supported",
                field="day_end",
            )
        # Normalise so callers may pass plain sets; the dataclass stays hashable.
        object.__setattr__(self, "day_start", start)
        object.__setattr__(self, "day_end", end)
        object.__setattr__(self, "weekdays", parse_weekdays(self.weekdays))
        object.__setattr__(self, "holidays", parse_dates(self.holidays, field="holidays"))
        object.__setattr__(self, "extra_workdays", parse_dates(self.extra_workdays, field="extra_workdays"))
        clash = self.holidays & self.extra_workdays
        if clash:
            days = ", ".join(sorted(d.isoformat() for d in clash))
            raise ValidationFailed(f"dates both holiday and extra workday: {days}", field="extra_workdays")
        if self.mode == "5x8" and not self.weekdays:
            # Without a recurring working day a deadline could never be reached.
            raise ValidationFailed("a 5x8 calendar needs at least one weekday", field="weekdays")

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.tz)

    def is_working_day(self, day: date) -> bool:
        if day in self.extra_workdays:
            return True
        return day.weekday() in self.weekdays and day not in self.holidays

    def window(self, day: date) -> tuple[datetime, datetime] | None:
        """UTC bounds of the business window on local date `day`, or None on a day off."""
        if not self.is_working_day(day):
            return None
        zone = self.zone
        opens = datetime.combine(day, self.day_start, tzinfo=zone).astimezone(UTC)
        closes = datetime.combine(day, self.day_end, tzinfo=zone).astimezone(UTC)
        return opens, closes

    def is_business_time(self, at: datetime) -> bool:
        moment = require_utc(at, field="at")
        if self.mode == "24x7":
            return True
        bounds = self.window(self._local_day(moment))
        return bounds is not None and bounds[0] <= moment < bounds[1]

    def add_business_time(self, start: datetime, duration: timedelta) -> datetime:
        """Earliest instant at which `duration` of business time has elapsed after `start`.

        A deadline that falls exactly on closing time is that closing time, not the next
        opening, so the result is always inside or at the end of a business window.
        """
        begin = require_utc(start, field="start")
        if duration < _ZERO:
            raise ValidationFailed("duration must not be negative", field="duration")
        if self.mode == "24x7" or duration == _ZERO:
            return begin + duration
        remaining = duration
        day = self._local_day(begin)
        while True:
            bounds = self.window(day)
            if bounds is not None:
                opens, closes = max(bounds[0], begin), bounds[1]
                if opens < closes:
                    if remaining <= closes - opens:
                        return opens + remaining
                    remaining -= closes - opens
            day += _ONE_DAY

    def business_time_between(self, start: datetime, end: datetime) -> timedelta:
        """Business time in [start, end]; zero when `end` is not after `start`."""
        begin = require_utc(start, field="start")
        finish = require_utc(end, field="end")
        if finish <= begin:
            return _ZERO
        if self.mode == "24x7":
            return finish - begin
        total = _ZERO
        day, last = self._local_day(begin), self._local_day(finish)
        while day <= last:
            bounds = self.window(day)
            if bounds is not None:
                overlap = min(bounds[1], finish) - max(bounds[0], begin)
                if overlap > _ZERO:
                    total += overlap
            day += _ONE_DAY
        return total

    def to_dict(self) -> dict[str, object]:
        """JSON-ready form; `calendar_from_dict` reads it back."""
        return {
            "tz": self.tz,
            "mode": self.mode,
            "day_start": format_time(self.day_start),
            "day_end": format_time(self.day_end),
            "weekdays": sorted(self.weekdays),
            "holidays": sorted(d.isoformat() for d in self.holidays),
            "extra_workdays": sorted(d.isoformat() for d in self.extra_workdays),
        }

    def _local_day(self, moment: datetime) -> date:
        return moment.astimezone(self.zone).date()


def calendar_from_dict(data: Mapping[str, object], *, tz: str | None = None) -> BusinessCalendar:
    """Build a calendar from its stored JSON form; missing keys take the defaults.

    `tz`, when given, overrides the stored zone: one stored calendar (hours, holidays) can
    serve many sites, each in its own time zone. Unknown keys are rejected so that a
    misspelt key does not silently fall back to a default.
    """
    unknown = set(data) - _DICT_KEYS
    if unknown:
        raise ValidationFailed(f"unknown calendar keys: {', '.join(sorted(unknown))}")
    default = _DEFAULT
    return BusinessCalendar(
        tz=expect_str(tz if tz is not None else data.get("tz", default.tz), field="tz"),
        mode=parse_mode(data.get("mode", default.mode)),
        day_start=parse_time(data.get("day_start", default.day_start), field="day_start"),
        day_end=parse_time(data.get("day_end", default.day_end), field="day_end"),
        weekdays=parse_weekdays(data.get("weekdays", default.weekdays)),
        holidays=parse_dates(data.get("holidays", ()), field="holidays"),
        extra_workdays=parse_dates(data.get("extra_workdays", ()), field="extra_workdays"),
    )


def _check_zone(name: object) -> None:
    key = expect_str(name, field="tz")
    try:
        ZoneInfo(key)
    except (ZoneInfoNotFoundError, ValueError):
        raise ValidationFailed(
            f"unknown time zone {key!r}; use an IANA name like 'Asia/Shanghai'", field="tz"
        ) from None


_DEFAULT = BusinessCalendar()
