"""SLA engine: business calendars, tiers, deadlines and desk timers (pure Python, no I/O)."""

from __future__ import annotations

from server.sla.calendar import BusinessCalendar, CalendarMode, calendar_from_dict
from server.sla.engine import DeskTimer, Pause, SlaState, compute_desk_timers, compute_sla
from server.sla.holidays import CHINA_2026, Holiday, HolidayName, HolidaySet, calendar_from_holidays
from server.sla.policy import (
    DEFAULT_TIERS,
    DISPATCH_WITHIN,
    ESCALATE_WITHIN,
    REDISPATCH_WITHIN,
    SlaTier,
    get_tier,
    tier_from_dict,
)

__all__ = [
    "CHINA_2026",
    "DEFAULT_TIERS",
    "DISPATCH_WITHIN",
    "ESCALATE_WITHIN",
    "REDISPATCH_WITHIN",
    "BusinessCalendar",
    "CalendarMode",
    "DeskTimer",
    "Holiday",
    "HolidayName",
    "HolidaySet",
    "Pause",
    "SlaState",
    "SlaTier",
    "calendar_from_dict",
    "calendar_from_holidays",
    "compute_desk_timers",
    "compute_sla",
    "get_tier",
    "tier_from_dict",
]
