"""Conversions shared by the SLA modules: datetime checks and JSON-config parsing."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import UTC, date, datetime, time, timedelta

from server.core.errors import ValidationFailed


def require_utc(value: datetime, *, field: str) -> datetime:
    """Return `value` in UTC; naive values are rejected because their zone would be a guess."""
    if not isinstance(value, datetime):
        raise ValidationFailed(f"{field} must be a datetime, got {type(value).__name__}", field=field)
    if value.utcoffset() is None:
        raise ValidationFailed(f"{field} must be timezone-aware, got naive {value.isoformat()}", field=field)
    return value.astimezone(UTC)


def optional_utc(value: datetime | None, *, field: str) -> datetime | None:
    return None if value is None else require_utc(value, field=field)


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.astimezone(UTC).isoformat()


def seconds(value: timedelta) -> int:
    return round(value.total_seconds())


def expect_str(value: object, *, field: str) -> str:
    if not isinstance(value, str) or not value.strip():
        raise ValidationFailed(f"{field} must be a non-empty string", field=field)
    return value


def expect_number(value: object, *, field: str) -> float:
    # bool is an int subclass; `true` in a JSON config is a mistake, not 1.
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ValidationFailed(f"{field} must be a number", field=field)
    return float(value)


def parse_time(value: object, *, field: str) -> time:
    if isinstance(value, time):
        parsed = value
    elif isinstance(value, str):
        try:
            parsed = time.fromisoformat(value)
        except ValueError:
            raise ValidationFailed(
                f"{field} must be a time like '09:00', got {value!r}", field=field
            ) from None
    else:
        raise ValidationFailed(f"{field} must be a time like '09:00'", field=field)
    if parsed.tzinfo is not None:
        raise ValidationFailed(
            f"{field} is a local wall-clock time and must not carry an offset", field=field
        )
    return parsed


def format_time(value: time) -> str:
    return value.isoformat(timespec="minutes" if not (value.second or value.microsecond) else "auto")


def parse_date(value: object, *, field: str) -> date:
    # datetime is a date subclass; a timestamp where a day is meant is a config error.
    if isinstance(value, date) and not isinstance(value, datetime):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value)
        except ValueError:
            pass
    raise ValidationFailed(f"{field} must contain dates like '2026-10-01', got {value!r}", field=field)


def parse_dates(value: object, *, field: str) -> frozenset[date]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationFailed(f"{field} must be a list of dates", field=field)
    return frozenset(parse_date(item, field=field) for item in value)


def parse_weekdays(value: object, *, field: str = "weekdays") -> frozenset[int]:
    if isinstance(value, str | bytes) or not isinstance(value, Iterable):
        raise ValidationFailed(f"{field} must be a list of integers 0 (Monday) to 6 (Sunday)", field=field)
    days = list(value)
    if not all(isinstance(d, int) and not isinstance(d, bool) and 0 <= d <= 6 for d in days):
        raise ValidationFailed(
            f"{field} must be integers 0 (Monday) to 6 (Sunday), got {days!r}", field=field
        )
    return frozenset(days)
