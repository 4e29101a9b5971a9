"""Shared helpers for the work order tests."""

from __future__ import annotations

from datetime import datetime
from typing import Any
from zoneinfo import ZoneInfo

import pytest

from server.auth.models import User
from server.core.actor import Actor
from server.core.clock import set_clock
from server.core.errors import DomainError
from server.core.roles import Role
from server.workorders.lifecycle import HOLDABLE
from server.workorders.models import Status, WorkOrder
from tests.factories import actor_of, make_user, make_work_order

SHANGHAI = ZoneInfo("Asia/Shanghai")


def sh(year: int, month: int, day: int, hour: int = 0, minute: int = 0) -> datetime:
    """A Shanghai wall-clock instant."""
    return datetime(year, month, day, hour, minute, tzinfo=SHANGHAI)


def freeze(at: datetime) -> None:
    set_clock(lambda: at)


async def people() -> tuple[User, Actor, Actor]:
    """A technician (row and actor) and a dispatcher."""
    tech = await make_user(Role.TECHNICIAN)
    return tech, actor_of(tech), actor_of(await make_user(Role.DISPATCHER))


async def order_in(status: Status, *, technician: User | None, **kw: Any) -> WorkOrder:
    """An order already in `status`; an order on hold was held in `held_from` (default accepted)."""
    held_from: Status = kw.pop("held_from", Status.ACCEPTED)
    if status is Status.ON_HOLD:
        assert held_from in HOLDABLE
        kw.setdefault("status_before_hold", held_from.value)
        kw.setdefault("hold_reason", "waiting_parts")
        kw.setdefault(
            "pauses", [{"start": "2026-01-05T01:00:00+00:00", "end": None, "reason": "waiting_parts"}]
        )
    return await make_work_order(assigned_to=technician, status=status, **kw)


async def code_of(awaitable: Any) -> str:
    with pytest.raises(DomainError) as caught:
        await awaitable
    return caught.value.code
