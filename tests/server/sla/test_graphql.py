from __future__ import annotations

from typing import Any

from server.core.roles import Role
from server.sla import CHINA_2026, calendar_from_holidays
from tests.factories import make_sla_policy, make_user

CREATE = """
mutation($input: CreateSlaPolicyInput!) {
  createSlaPolicy(input: $input) { code nameZh respondMinutes resolveMinutes calendarMode active }
}
"""
UPDATE = """
mutation($code: String!, $input: UpdateSlaPolicyInput!) {
  updateSlaPolicy(code: $code, input: $input) { code respondMinutes active }
}
"""
SET_CALENDAR = """
mutation($name: String!, $config: JSON!, $default: Boolean!) {
  setBusinessCalendar(name: $name, config: $config, isDefault: $default) { name config isDefault }
}
"""
GOLD = {"code": "gold", "nameEn": "Gold", "nameZh": "金牌", "respondMinutes": 30, "resolveMinutes": 120}


async def test_admin_manages_policies(db: Any, as_user: Any) -> None:
    admin = await as_user(await make_user(Role.ADMIN))
    created = (await admin.data(CREATE, {"input": GOLD}))["createSlaPolicy"]
    assert created == {
        "code": "gold",
        "nameZh": "金牌",
        "respondMinutes": 30,
        "resolveMinutes": 120,
        "calendarMode": "5x8",
        "active": True,
    }
    updated = await admin.data(UPDATE, {"code": "gold", "input": {"respondMinutes": 20, "active": False}})
    assert updated["updateSlaPolicy"] == {"code": "gold", "respondMinutes": 20, "active": False}
    body = await admin.execute(CREATE, {"input": {**GOLD, "code": "bad", "respondMinutes": 500}})
    assert body["errors"][0]["extensions"]["code"] == "VALIDATION_FAILED"


async def test_dispatcher_reads_but_cannot_write(db: Any, as_user: Any) -> None:
    await make_sla_policy(code="silver")
    desk = await as_user(await make_user(Role.DISPATCHER))
    listed = await desk.data("{ slaPolicies { totalCount nodes { code } } }")
    assert listed["slaPolicies"] == {"totalCount": 1, "nodes": [{"code": "silver"}]}
    assert await desk.error_code(CREATE, {"input": GOLD}) == "FORBIDDEN"
    assert await desk.error_code(SET_CALENDAR, {"name": "x", "config": {}, "default": False}) == "FORBIDDEN"


async def test_technician_cannot_read_policies(db: Any, as_user: Any) -> None:
    tech = await as_user(await make_user(Role.TECHNICIAN))
    assert await tech.error_code("{ slaPolicies { totalCount } }") == "FORBIDDEN"
    assert await tech.error_code("{ businessCalendars { totalCount } }") == "FORBIDDEN"


async def test_calendar_round_trip(db: Any, as_user: Any) -> None:
    admin = await as_user(await make_user(Role.ADMIN))
    config = calendar_from_holidays(holiday_sets=[CHINA_2026]).to_dict()
    config.pop("tz")
    saved = (await admin.data(SET_CALENDAR, {"name": "cn", "config": config, "default": True}))[
        "setBusinessCalendar"
    ]
    assert saved == {"name": "cn", "config": config, "isDefault": True}
    listed = await admin.data("{ businessCalendars { nodes { name config isDefault } } }")
    assert listed["businessCalendars"]["nodes"] == [saved]
    code = await admin.error_code(
        SET_CALENDAR, {"name": "cn", "config": {"weekdays": "Mon-Fri"}, "default": True}
    )
    assert code == "VALIDATION_FAILED"
