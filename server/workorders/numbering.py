"""Human work order numbers: `WO-YYYYMMDD-NNNN`, counted per day in the default time zone.

The number is read as "the highest of the day plus one". Two desks creating at the same moment
can pick the same number; the unique index refuses the second insert and the caller retries
with a fresh read (see `service.create_work_order`).
"""

from __future__ import annotations

import functools
import re
from datetime import date, datetime
from zoneinfo import ZoneInfo

from tortoise.backends.base.client import BaseDBAsyncClient

from server.core.settings import Settings
from server.workorders.models import WorkOrder

PREFIX = "WO"
DIGITS = 4
_NUMBER = re.compile(rf"{PREFIX}-(\d{{8}})-(\d{{{DIGITS},}})")


@functools.cache
def default_timezone() -> str:
    """The deployment's time zone (DOORSTEP_TIMEZONE), read once."""
    return Settings.from_env().default_timezone


def local_day(at: datetime, *, tz: str | None = None) -> date:
    return at.astimezone(ZoneInfo(tz or default_timezone())).date()


def day_prefix(day: date) -> str:
    return f"{PREFIX}-{day:%Y%m%d}-"


def format_number(day: date, sequence: int) -> str:
    if sequence < 1:
        raise ValueError("sequence starts at 1")
    return f"{day_prefix(day)}{sequence:0{DIGITS}d}"


def sequence_of(number: str) -> int | None:
    """The per-day counter of a well-formed number, else None."""
    match = _NUMBER.fullmatch(number)
    return int(match.group(2)) if match else None


async def next_number(*, day: date, conn: BaseDBAsyncClient) -> str:
    """The next free-looking number of `day`; unique only once the insert succeeds."""
    # Parsed in Python rather than ordered in SQL: past 9999 a day, text order is not numeric order.
    taken = await (
        WorkOrder.filter(number__startswith=day_prefix(day)).using_db(conn).values_list("number", flat=True)
    )
    highest = max((seq for n in taken if (seq := sequence_of(str(n))) is not None), default=0)
    return format_number(day, highest + 1)
