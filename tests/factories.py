"""Factories: build valid rows with sensible defaults; override only what a test cares about."""

from __future__ import annotations

import itertools
import secrets
from datetime import datetime
from typing import Any

from server.assets.models import Asset
from server.auth.models import User
from server.auth.passwords import hash_password
from server.core import persist
from server.core.actor import Actor
from server.core.clock import utcnow
from server.core.roles import Role
from server.customers.models import Customer, Site
from server.sla.models import SlaPolicy
from server.workorders.models import Status, WorkOrder

PASSWORD = "correct-horse-battery"
_seq = itertools.count(1)
_HASH = hash_password(PASSWORD)  # hashing is slow on purpose; do it once


def _n() -> int:
    return next(_seq)


async def make_user(role: Role = Role.TECHNICIAN, **kw: Any) -> User:
    n = _n()
    fields: dict[str, Any] = {
        "username": f"{role.value}{n}",
        "display_name": f"{role.value.title()} {n}",
        "role": role,
        "password_hash": _HASH,
        "phone": f"1390000{n:04d}",
    }
    fields.update(kw)
    user = User(**fields)
    await persist.save(user, actor=None)
    return user


async def make_customer(**kw: Any) -> Customer:
    n = _n()
    fields: dict[str, Any] = {"name": f"Customer {n}", "phone": f"1380000{n:04d}", "language": "zh-CN"}
    fields.update(kw)
    customer = Customer(**fields)
    await persist.save(customer, actor=None)
    return customer


async def make_site(customer: Customer | None = None, **kw: Any) -> Site:
    customer = customer or await make_customer()
    n = _n()
    fields: dict[str, Any] = {"customer": customer, "name": f"Site {n}", "address": f"{n} Renmin Road"}
    fields.update(kw)
    site = Site(**fields)
    await persist.save(site, actor=None)
    return site


async def make_asset(site: Site | None = None, **kw: Any) -> Asset:
    site = site or await make_site()
    await site.fetch_related("customer")
    n = _n()
    fields: dict[str, Any] = {
        "tag_code": secrets.token_hex(4).upper(),
        "name": f"ONU {n}",
        "site": site,
        "customer": site.customer,
        "serial_no": f"SN{n:06d}",
    }
    fields.update(kw)
    asset = Asset(**fields)
    await persist.save(asset, actor=None)
    return asset


async def make_work_order(
    *, site: Site | None = None, assigned_to: User | None = None, status: Status | None = None, **kw: Any
) -> WorkOrder:
    site = site or await make_site()
    await site.fetch_related("customer")
    n = _n()
    received: datetime = kw.pop("received_at", utcnow())
    fields: dict[str, Any] = {
        "number": f"WO-T-{n:05d}",
        "customer": site.customer,
        "site": site,
        "symptom": "No internet since this morning",
        "fault_level": 2,
        "received_at": received,
        "assigned_to": assigned_to,
        "status": status or (Status.DISPATCHED if assigned_to else Status.RECEIVED),
    }
    if assigned_to is not None:
        fields["dispatched_at"] = received
    fields.update(kw)
    order = WorkOrder(**fields)
    await persist.save(order, actor=None)
    return order


def actor_of(user: User) -> Actor:
    """The service-layer caller for `user`."""
    return Actor(user_id=user.id, role=user.role, username=user.username)


async def make_sla_policy(**kw: Any) -> SlaPolicy:
    n = _n()
    fields: dict[str, Any] = {
        "code": f"tier{n}",
        "name_en": f"Tier {n}",
        "name_zh": f"等级{n}",
        "respond_minutes": 60,
        "resolve_minutes": 240,
    }
    fields.update(kw)
    policy = SlaPolicy(**fields)
    await persist.save(policy, actor=None)
    return policy


async def make_appointment(work_order: WorkOrder, *, start: datetime, hours: float = 2, **kw: Any) -> Any:
    """An appointment for the order's technician, `hours` long from `start`."""
    from datetime import timedelta  # local: keeps this append-only addition self-contained

    from server.appointments.models import Appointment

    fields: dict[str, Any] = {
        "work_order": work_order,
        "technician_id": work_order.assigned_to_id,  # type: ignore[attr-defined]
        "window_start": start,
        "window_end": start + timedelta(hours=hours),
    }
    fields.update(kw)
    appointment = Appointment(**fields)
    await persist.save(appointment, actor=None)
    return appointment


async def make_photo(work_order: WorkOrder, *, data: bytes, **kw: Any) -> Any:
    """A photo record on `work_order` naming the file `data` (its bytes are not uploaded)."""
    import hashlib  # local: keeps this append-only addition self-contained

    from server.media.models import Photo

    fields: dict[str, Any] = {
        "work_order": work_order,
        "taken_by_id": work_order.assigned_to_id,  # type: ignore[attr-defined]
        "sha256": hashlib.sha256(data).hexdigest(),
        "content_type": "image/jpeg",
        "size": len(data),
        "caption": "Fibre terminal after the repair",
    }
    fields.update(kw)
    photo = Photo(**fields)
    await persist.save(photo, actor=None)
    return photo


async def make_knowledge_entry(**kw: Any) -> Any:
    """A knowledge entry with its search terms computed as the service would."""
    from server.knowledge import tokens  # local: keeps this append-only addition self-contained
    from server.knowledge.models import KnowledgeEntry, ProblemType

    fields: dict[str, Any] = {
        "problem_type": ProblemType.HARDWARE,
        "system_type": "ONU",
        "symptom_en": "No internet",
        "solution_en": "Restart the ONU",
    }
    fields.update(kw)
    entry = KnowledgeEntry(**fields)
    entry.search_terms = tokens.search_terms({name: getattr(entry, name) for name in tokens.WEIGHTS})
    await persist.save(entry, actor=None)
    return entry
