from __future__ import annotations

from datetime import date, time, timedelta
from typing import Any

import pytest

from server.core.errors import Conflict, Forbidden, NotFound, ValidationFailed
from server.core.roles import Role
from server.sla import CHINA_2026, DEFAULT_TIERS, calendar_from_dict, calendar_from_holidays, service
from server.sla.models import BusinessCalendarConfig, SlaPolicy
from tests.factories import actor_of, make_sla_policy, make_user

GOOD: dict[str, Any] = {
    "code": "gold",
    "name_en": "Gold",
    "name_zh": "金牌",
    "respond_minutes": 30,
    "resolve_minutes": 120,
}


async def _admin() -> Any:
    return actor_of(await make_user(Role.ADMIN))


async def test_admin_creates_a_policy(db: Any) -> None:
    policy = await service.create_policy(
        actor=await _admin(), **{**GOOD, "code": " Gold ", "calendar_mode": "24x7"}
    )
    stored = await SlaPolicy.get(id=policy.id)
    assert (stored.code, stored.calendar_mode, stored.satisfaction_target) == ("gold", "24x7", 0.95)
    tier = await service.load_policy("gold")
    assert (tier.respond, tier.resolve, tier.calendar_mode) == (
        timedelta(minutes=30),
        timedelta(hours=2),
        "24x7",
    )


@pytest.mark.parametrize(
    "bad",
    [
        {"respond_minutes": 0},
        {"resolve_minutes": -5},
        {"respond_minutes": 180},  # longer than resolve
        {"calendar_mode": "7x24"},
        {"satisfaction_target": 1.5},
        {"satisfaction_target": 0},
        {"name_zh": ""},
        {"code": "Gold Tier!"},
    ],
)
async def test_policy_validation(db: Any, bad: dict[str, Any]) -> None:
    with pytest.raises(ValidationFailed) as caught:
        await service.create_policy(actor=await _admin(), **{**GOOD, **bad})
    assert caught.value.code == "VALIDATION_FAILED"
    assert not await SlaPolicy.exists()


async def test_duplicate_code_conflicts(db: Any) -> None:
    admin = await _admin()
    await service.create_policy(actor=admin, **GOOD)
    with pytest.raises(Conflict) as caught:
        await service.create_policy(actor=admin, **GOOD)
    assert caught.value.code == "CODE_TAKEN"


async def test_only_admin_writes_and_only_staff_reads(db: Any) -> None:
    dispatcher = actor_of(await make_user(Role.DISPATCHER))
    technician = actor_of(await make_user(Role.TECHNICIAN))
    with pytest.raises(Forbidden):
        await service.create_policy(actor=dispatcher, **GOOD)
    with pytest.raises(Forbidden):
        await service.set_calendar(actor=dispatcher, name="x", config={})
    with pytest.raises(Forbidden):
        service.list_policies(actor=technician)
    assert await service.list_policies(actor=dispatcher).count() == 0


async def test_update_checks_the_merged_policy(db: Any) -> None:
    admin = await _admin()
    await make_sla_policy(code="gold", respond_minutes=60, resolve_minutes=240)
    updated = await service.update_policy(
        actor=admin, code="gold", changes={"resolve_minutes": 90, "active": False}
    )
    assert (updated.resolve_minutes, updated.active) == (90, False)
    with pytest.raises(ValidationFailed):
        await service.update_policy(actor=admin, code="gold", changes={"resolve_minutes": 30})
    with pytest.raises(ValidationFailed):
        await service.update_policy(actor=admin, code="gold", changes={"code": "platinum"})
    with pytest.raises(NotFound):
        await service.update_policy(actor=admin, code="missing", changes={"active": True})
    # Retired policies still load, so work orders already on them keep their clock.
    assert (await service.load_policy("gold")).resolve == timedelta(minutes=90)


async def test_seed_default_policies_is_repeatable(db: Any) -> None:
    await make_sla_policy(code="vip", respond_minutes=45, resolve_minutes=90)
    assert await service.seed_default_policies() == 2
    assert await service.seed_default_policies() == 0
    codes = {p.code: p for p in await SlaPolicy.all()}
    assert set(codes) == set(DEFAULT_TIERS)
    assert codes["vip"].respond_minutes == 45  # an existing row is left alone
    standard = await service.load_policy("standard")
    assert (standard.respond, standard.resolve) == (timedelta(hours=2), timedelta(hours=4))


async def test_built_in_tiers_are_assignable_only_while_the_table_is_empty(db: Any) -> None:
    assert await service.check_tier_code("vip") == "vip"
    assert await service.load_policy("advanced") == DEFAULT_TIERS["advanced"]
    await make_sla_policy(code="gold")
    with pytest.raises(ValidationFailed):
        await service.check_tier_code("vip")
    # An order already on a built-in tier keeps loading it.
    assert await service.load_policy("advanced") == DEFAULT_TIERS["advanced"]
    with pytest.raises(NotFound):
        await service.load_policy("platinum")


async def test_calendar_round_trip(db: Any) -> None:
    admin = await _admin()
    source = calendar_from_holidays(holiday_sets=[CHINA_2026], day_start=time(8, 30), day_end=time(18, 0))
    config = source.to_dict()
    config.pop("tz")
    row = await service.set_calendar(actor=admin, name="beijing-office", config=config, is_default=True)
    stored = await BusinessCalendarConfig.get(id=row.id)
    assert stored.config == config
    loaded = await service.load_default_calendar("Asia/Urumqi")
    assert loaded == calendar_from_dict(config, tz="Asia/Urumqi")
    assert loaded.tz == "Asia/Urumqi"
    assert not loaded.is_working_day(date(2026, 10, 1))  # National Day
    assert loaded.is_working_day(date(2026, 10, 10))  # make-up Saturday


async def test_calendar_config_is_validated(db: Any) -> None:
    admin = await _admin()
    bad: list[Any] = [
        {"tz": "Asia/Shanghai"},
        {"day_start": "18:00", "day_end": "09:00"},
        {"weekdays": [7]},
        {"holidays": ["2026-02-30"]},
        {"opening": "09:00"},
        ["not", "an", "object"],
    ]
    for config in bad:
        with pytest.raises(ValidationFailed):
            await service.set_calendar(actor=admin, name="x", config=config)
    assert not await BusinessCalendarConfig.exists()


async def test_one_default_calendar(db: Any) -> None:
    admin = await _admin()
    assert await service.seed_default_calendar() is not None
    assert await service.seed_default_calendar() is None
    await service.set_calendar(actor=admin, name="24x7", config={"mode": "24x7"}, is_default=True)
    defaults = await BusinessCalendarConfig.filter(is_default=True)
    assert [c.name for c in defaults] == ["24x7"]
    assert (await service.load_default_calendar("Asia/Shanghai")).mode == "24x7"
    # Replacing a calendar by name updates it in place.
    await service.set_calendar(actor=admin, name="24x7", config={"mode": "5x8"}, is_default=True)
    assert await BusinessCalendarConfig.all().count() == 2
    assert (await service.load_default_calendar("Asia/Shanghai")).mode == "5x8"


async def test_default_calendar_without_rows_is_china(db: Any) -> None:
    loaded = await service.load_default_calendar("Asia/Shanghai")
    assert loaded == calendar_from_holidays(holiday_sets=[CHINA_2026])
