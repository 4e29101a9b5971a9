"""SLA tiers (what a contract promises) and the service-desk timers.

Tier targets are business time: a "5x8" tier runs on the site's business calendar, a "24x7"
tier on wall-clock time. The desk timers are internal service-desk duties and always run on
wall-clock time, 7x24, because the desk is staffed around the clock.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from datetime import timedelta
from types import MappingProxyType

from server.core.errors import ValidationFailed
from server.sla._convert import expect_number, expect_str, seconds
from server.sla.calendar import CalendarMode, parse_mode

# Service desk duties (wall-clock, 7x24).
DISPATCH_WITHIN = timedelta(minutes=10)  # from receipt of the request to dispatch (派单)
REDISPATCH_WITHIN = timedelta(minutes=10)  # from a "late / can't come" report to re-dispatch
ESCALATE_WITHIN = timedelta(minutes=20)  # from an on-site escalation to reaching the supervisor

_TIER_KEYS = frozenset(
    {
        "code",
        "name_en",
        "name_zh",
        "respond_seconds",
        "resolve_seconds",
        "calendar_mode",
        "satisfaction_target",
    }
)


@dataclass(frozen=True)
class SlaTier:
    code: str
    name_en: str
    name_zh: str
    respond: timedelta
    resolve: timedelta
    calendar_mode: CalendarMode = "5x8"
    satisfaction_target: float = 0.95  # share of rated visits that must be satisfied

    def __post_init__(self) -> None:
        for field in ("code", "name_en", "name_zh"):
            expect_str(getattr(self, field), field=field)
        parse_mode(self.calendar_mode, field="calendar_mode")
        if self.respond <= timedelta(0) or self.resolve <= timedelta(0):
            raise ValidationFailed(f"tier {self.code!r}: respond and resolve targets must be positive")
        if self.respond > self.resolve:
            raise ValidationFailed(f"tier {self.code!r}: respond target is longer than resolve target")
        if not 0 < self.satisfaction_target <= 1:
            raise ValidationFailed(
                f"tier {self.code!r}: satisfaction_target is a fraction in (0, 1]",
                field="satisfaction_target",
            )

    def to_dict(self) -> dict[str, object]:
        return {
            "code": self.code,
            "name_en": self.name_en,
            "name_zh": self.name_zh,
            "respond_seconds": seconds(self.respond),
            "resolve_seconds": seconds(self.resolve),
            "calendar_mode": self.calendar_mode,
            "satisfaction_target": self.satisfaction_target,
        }


def tier_from_dict(data: Mapping[str, object]) -> SlaTier:
    """Read a tier from the JSON form written by `SlaTier.to_dict`."""
    unknown = set(data) - _TIER_KEYS
    if unknown:
        raise ValidationFailed(f"unknown tier keys: {', '.join(sorted(unknown))}")
    return SlaTier(
        code=expect_str(data.get("code"), field="code"),
        name_en=expect_str(data.get("name_en"), field="name_en"),
        name_zh=expect_str(data.get("name_zh"), field="name_zh"),
        respond=timedelta(seconds=expect_number(data.get("respond_seconds"), field="respond_seconds")),
        resolve=timedelta(seconds=expect_number(data.get("resolve_seconds"), field="resolve_seconds")),
        calendar_mode=parse_mode(data.get("calendar_mode", "5x8"), field="calendar_mode"),
        satisfaction_target=expect_number(data.get("satisfaction_target", 0.95), field="satisfaction_target"),
    )


DEFAULT_TIERS: Mapping[str, SlaTier] = MappingProxyType(
    {
        tier.code: tier
        for tier in (
            SlaTier(
                code="standard",
                name_en="Standard",
                name_zh="标准",
                respond=timedelta(hours=2),
                resolve=timedelta(hours=4),
            ),
            SlaTier(
                code="advanced",
                name_en="Advanced",
                name_zh="高级",
                respond=timedelta(hours=1),
                resolve=timedelta(hours=4),
            ),
            SlaTier(
                code="vip",
                name_en="VIP",
                name_zh="VIP",
                respond=timedelta(hours=1),
                resolve=timedelta(hours=2),
            ),
        )
    }
)


def get_tier(*, code: str, tiers: Mapping[str, SlaTier] = DEFAULT_TIERS) -> SlaTier:
    try:
        return tiers[code]
    except KeyError:
        known = ", ".join(sorted(tiers))
        raise ValidationFailed(f"unknown SLA tier {code!r} (known: {known})", field="tier") from None
