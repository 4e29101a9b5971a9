"""SLA policies and business calendars stored in the database, and loaders for other modules.

The pure engine (calendar, tiers, deadlines) lives beside this module; this one only stores,
validates and loads its configuration.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.core import persist
from server.core.actor import Actor, require
from server.core.errors import Conflict, NotFound, ValidationFailed
from server.core.roles import STAFF, Role
from server.core.serialize import snapshot
from server.sla.calendar import BusinessCalendar, calendar_from_dict
from server.sla.holidays import CHINA_2026, calendar_from_holidays
from server.sla.models import BusinessCalendarConfig, SlaPolicy
from server.sla.policy import DEFAULT_TIERS, SlaTier

DEFAULT_CALENDAR_NAME = "china-2026"
POLICY_EDITABLE = frozenset(
    {
        "name_en",
        "name_zh",
        "respond_minutes",
        "resolve_minutes",
        "calendar_mode",
        "satisfaction_target",
        "active",
    }
)
_CODE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}$")
_MAX_MINUTES = 90 * 24 * 60  # a quarter: anything longer is a typo, not a service level
_NAME_LEN = 100
_CALENDAR_NAME_LEN = 64


# --- policies -------------------------------------------------------------------------------


def list_policies(*, actor: Actor) -> QuerySet[SlaPolicy]:
    require(actor, *STAFF)
    return SlaPolicy.all()


async def get_policy(*, actor: Actor, code: str) -> SlaPolicy:
    require(actor, *STAFF)
    policy = await SlaPolicy.get_or_none(code=code.strip())
    if policy is None:
        raise NotFound(f"No SLA policy with code {code!r}.")
    return policy


async def create_policy(
    *,
    actor: Actor,
    code: str,
    name_en: str,
    name_zh: str,
    respond_minutes: int,
    resolve_minutes: int,
    calendar_mode: str = "5x8",
    satisfaction_target: float = 0.95,
    active: bool = True,
) -> SlaPolicy:
    require(actor, Role.ADMIN)
    code = _check_code(code)
    values = _check_policy(
        {
            "name_en": name_en,
            "name_zh": name_zh,
            "respond_minutes": respond_minutes,
            "resolve_minutes": resolve_minutes,
            "calendar_mode": calendar_mode,
            "satisfaction_target": satisfaction_target,
            "active": active,
        },
        code=code,
    )
    taken = Conflict(f"An SLA policy with code {code!r} already exists.", code="CODE_TAKEN", field="code")
    if await SlaPolicy.filter(code=code).exists():
        raise taken
    policy = SlaPolicy(code=code, **values)
    try:
        await persist.save(policy, actor=actor)
    except IntegrityError:
        raise taken from None  # a concurrent create of the same code won
    return policy


async def update_policy(*, actor: Actor, code: str, changes: Mapping[str, Any]) -> SlaPolicy:
    """Change anything but the code: customers and work orders refer to a policy by its code."""
    require(actor, Role.ADMIN)
    unknown = set(changes) - POLICY_EDITABLE
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed: {', '.join(sorted(unknown))}.")
    policy = await get_policy(actor=actor, code=code)
    current = {key: getattr(policy, key) for key in POLICY_EDITABLE}
    values = _check_policy({**current, **changes}, code=policy.code)
    before = snapshot(policy)
    for key, value in values.items():
        setattr(policy, key, value)
    await persist.save(policy, actor=actor, before=before)
    return policy


async def seed_default_policies() -> int:
    """Insert the contract's standard/advanced/vip tiers that are missing; returns how many."""
    added = 0
    for tier in DEFAULT_TIERS.values():
        if await SlaPolicy.filter(code=tier.code).exists():
            continue
        policy = SlaPolicy(
            code=tier.code,
            name_en=tier.name_en,
            name_zh=tier.name_zh,
            respond_minutes=_minutes(tier.respond),
            resolve_minutes=_minutes(tier.resolve),
            calendar_mode=tier.calendar_mode,
            satisfaction_target=tier.satisfaction_target,
        )
        await persist.save(policy, actor=None, action="seed")
        added += 1
    return added


async def check_tier_code(code: str) -> str:
    """The code, if a customer or work order may be put on it: an active policy, or a built-in
    tier while no policy has been configured yet."""
    value = code.strip()
    if await SlaPolicy.exists():
        known = await SlaPolicy.filter(code=value, active=True).exists()
    else:
        known = value in DEFAULT_TIERS
    if not known:
        raise ValidationFailed(f"sla_tier: there is no active SLA tier {code!r}.", field="sla_tier")
    return value


async def load_policy(code: str) -> SlaTier:
    """The tier a work order on `code` runs on: the stored policy (even a retired one, so old
    orders keep their clock), else the built-in tier of that code."""
    policy = await SlaPolicy.get_or_none(code=code)
    if policy is not None:
        return policy_tier(policy)
    if code in DEFAULT_TIERS:
        # Orders recorded before any policy was configured stay on the built-in tier.
        return DEFAULT_TIERS[code]
    raise NotFound(f"No SLA policy with code {code!r}.")


def policy_tier(policy: SlaPolicy) -> SlaTier:
    return SlaTier(
        code=policy.code,
        name_en=policy.name_en,
        name_zh=policy.name_zh,
        respond=timedelta(minutes=policy.respond_minutes),
        resolve=timedelta(minutes=policy.resolve_minutes),
        calendar_mode="24x7" if policy.calendar_mode == "24x7" else "5x8",
        satisfaction_target=policy.satisfaction_target,
    )


def _check_code(raw: str) -> str:
    code = raw.strip().lower()
    if not _CODE.match(code):
        raise ValidationFailed(
            "code: use 1 to 32 lower-case letters, digits, '-' or '_', starting with a letter or digit.",
            field="code",
        )
    return code


def _check_policy(values: Mapping[str, Any], *, code: str) -> dict[str, Any]:
    out = {
        "name_en": _name(values["name_en"], field="name_en"),
        "name_zh": _name(values["name_zh"], field="name_zh"),
        "respond_minutes": _whole_minutes(values["respond_minutes"], field="respond_minutes"),
        "resolve_minutes": _whole_minutes(values["resolve_minutes"], field="resolve_minutes"),
        "calendar_mode": values["calendar_mode"],
        "satisfaction_target": values["satisfaction_target"],
        "active": bool(values["active"]),
    }
    target = out["satisfaction_target"]
    if isinstance(target, bool) or not isinstance(target, int | float):
        raise ValidationFailed("satisfaction_target must be a number.", field="satisfaction_target")
    out["satisfaction_target"] = float(target)
    # The engine's tier holds the cross-field rules (respond <= resolve, mode, target range).
    SlaTier(
        code=code,
        name_en=out["name_en"],
        name_zh=out["name_zh"],
        respond=timedelta(minutes=out["respond_minutes"]),
        resolve=timedelta(minutes=out["resolve_minutes"]),
        calendar_mode=out["calendar_mode"],
        satisfaction_target=out["satisfaction_target"],
    )
    return out


def _name(value: object, *, field: str) -> str:
    text = value.strip() if isinstance(value, str) else ""
    if not text or len(text) > _NAME_LEN:
        raise ValidationFailed(f"{field}: a name of 1 to {_NAME_LEN} characters is required.", field=field)
    return text


def _whole_minutes(value: object, *, field: str) -> int:
    if isinstance(value, bool) or not isinstance(value, int) or not 0 < value <= _MAX_MINUTES:
        raise ValidationFailed(
            f"{field}: a whole number of minutes between 1 and {_MAX_MINUTES} is required.", field=field
        )
    return value


def _minutes(value: timedelta) -> int:
    return int(value.total_seconds() // 60)


# --- calendars ------------------------------------------------------------------------------


def list_calendars(*, actor: Actor) -> QuerySet[BusinessCalendarConfig]:
    require(actor, *STAFF)
    return BusinessCalendarConfig.all()


async def set_calendar(
    *, actor: Actor, name: str, config: object, is_default: bool = False
) -> BusinessCalendarConfig:
    """Create or replace the calendar called `name`; making it the default unsets the others."""
    require(actor, Role.ADMIN)
    return await _store_calendar(
        actor=actor, name=name, config=check_calendar_config(config), is_default=is_default
    )


def check_calendar_config(config: object) -> dict[str, Any]:
    """The stored form: `BusinessCalendar.to_dict()` without the zone, which comes from each site."""
    if not isinstance(config, Mapping):
        raise ValidationFailed("config must be a JSON object.", field="config")
    if "tz" in config:
        raise ValidationFailed(
            "config.tz: a calendar holds no time zone; each site's own zone is applied.", field="tz"
        )
    stored = calendar_from_dict(config).to_dict()
    stored.pop("tz")
    return stored


async def seed_default_calendar() -> BusinessCalendarConfig | None:
    """Store the mainland China 2026 calendar as the default when no calendar exists yet."""
    if await BusinessCalendarConfig.exists():
        return None
    stored = calendar_from_holidays(holiday_sets=[CHINA_2026]).to_dict()
    stored.pop("tz")
    return await _store_calendar(actor=None, name=DEFAULT_CALENDAR_NAME, config=stored, is_default=True)


async def load_default_calendar(tz: str) -> BusinessCalendar:
    """The default calendar in the zone `tz` (a site's); the built-in China calendar if none is set."""
    row = await BusinessCalendarConfig.filter(is_default=True).first()
    if row is None:
        return calendar_from_holidays(holiday_sets=[CHINA_2026], tz=tz)
    return calendar_from_dict(row.config, tz=tz)


async def _store_calendar(
    *, actor: Actor | None, name: str, config: dict[str, Any], is_default: bool
) -> BusinessCalendarConfig:
    name = name.strip()
    if not name or len(name) > _CALENDAR_NAME_LEN:
        raise ValidationFailed(
            f"name: a name of 1 to {_CALENDAR_NAME_LEN} characters is required.", field="name"
        )
    async with in_transaction() as conn:
        if is_default:
            others = await BusinessCalendarConfig.filter(is_default=True).exclude(name=name).using_db(conn)
            for other in others:
                before = snapshot(other)
                other.is_default = False
                await persist.save(other, actor=actor, before=before, conn=conn)
        row = await BusinessCalendarConfig.filter(name=name).using_db(conn).first()
        if row is None:
            row = BusinessCalendarConfig(name=name, config=config, is_default=is_default)
            await persist.save(row, actor=actor, conn=conn)
            return row
        before = snapshot(row)
        row.config = config
        row.is_default = is_default
        await persist.save(row, actor=actor, before=before, conn=conn)
        return row
