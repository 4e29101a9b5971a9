"""The sync engine under a hostile day: three technician devices (two of them the same
technician's phone and tablet) and the dispatcher edit the same records while devices go offline,
responses get lost, requests arrive twice and the server restarts. Afterwards every device holds
the server's state, nothing accepted is lost or duplicated, and every concurrent overwrite is in
the conflict log."""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from server.core.actor import Actor
from server.core.roles import Role
from server.syncing.collections import build_engine
from server.worklog.models import WorkNote
from server.workorders import service
from sync.engine import SyncEngine
from sync.models import SyncConflict
from tests.conftest import _wipe
from tests.factories import make_user, make_work_order

COLLECTIONS = ("workOrders", "workNotes")
WORDS = st.sampled_from(["router reset", "cable replaced", "ONU swapped", "signal ok", "waiting", "检查完毕"])


@dataclass
class Device:
    actor: Actor
    online: bool = True
    docs: dict[str, dict[str, dict[str, Any]]] = field(default_factory=lambda: {c: {} for c in COLLECTIONS})
    masters: dict[str, dict[str, dict[str, Any]]] = field(
        default_factory=lambda: {c: {} for c in COLLECTIONS}
    )
    checkpoints: dict[str, Any] = field(default_factory=dict)
    outbox: list[dict[str, Any]] = field(default_factory=list)
    created: set[str] = field(default_factory=set)


@dataclass
class World:
    engine: SyncEngine
    devices: list[Device]
    desk: Actor
    orders: list[uuid.UUID]
    expected_conflicts: int = 0

    async def push(self, device: Device, *, lose: bool, twice: bool) -> None:
        if not device.online or not device.outbox:
            return
        batch = list(device.outbox)
        for collection in COLLECTIONS:
            rows = [r for r in batch if r["collection"] == collection]
            if not rows:
                continue
            self.expected_conflicts += await self._overwrites_expected(device, rows)
            answer = await self.engine.push(collection=collection, principal=device.actor, rows=rows)
            if twice:  # a duplicate delivery of the very same request
                assert (
                    await self.engine.push(collection=collection, principal=device.actor, rows=rows) == answer
                )
            if lose:
                continue  # the device never hears back and will resend the same rows
            returned = {doc["id"]: doc for doc in answer}
            for row in rows:
                doc_id = row["newDocumentState"]["id"]
                assert doc_id not in returned or "rejected" not in returned[doc_id], returned[doc_id]
                pulled = device.masters[collection].get(doc_id)
                if doc_id in returned:
                    device.masters[collection][doc_id] = returned[doc_id]
                elif pulled is None or _content(pulled) != _content(row["newDocumentState"]):
                    # Applied as sent; a master already pulled with the same content is kept,
                    # since it carries the server's version.
                    device.masters[collection][doc_id] = row["newDocumentState"]
                device.outbox.remove(row)
                if not any(r["newDocumentState"]["id"] == doc_id for r in device.outbox):
                    device.docs[collection][doc_id] = dict(device.masters[collection][doc_id])

    async def _overwrites_expected(self, device: Device, rows: list[dict[str, Any]]) -> int:
        """Counted independently of the merge code: a field changed on both sides to different
        values is an overwrite, unless this exact row was already applied (a resend)."""
        spec = self.engine.adapter(rows[0]["collection"]).spec
        loaded = await self.engine.adapter(spec.name).load(
            principal=device.actor, ids=[r["newDocumentState"]["id"] for r in rows], conn=_conn()
        )
        masters = {doc_id: dict(doc) for doc_id, doc in loaded.visible.items()}
        count = 0
        for row in rows:
            base, ours = row["assumedMasterState"] or {}, row["newDocumentState"]
            theirs = masters.get(ours["id"])
            if theirs is None or base == {}:
                masters[ours["id"]] = dict(ours)
                continue
            for name, owner in spec.fields.items():
                if owner.value == "server":
                    continue
                b, o, t = base.get(name), ours.get(name), theirs.get(name)
                if o != b and t != b and o != t and not row.get("sent"):
                    count += 1
                if o != b:
                    theirs[name] = o  # rows of one batch apply in order: the next one sees this
            row["sent"] = True
        return count

    async def pull(self, device: Device) -> None:
        if not device.online:
            return
        for collection in COLLECTIONS:
            while True:
                batch = await self.engine.pull(
                    collection=collection,
                    principal=device.actor,
                    checkpoint=device.checkpoints.get(collection),
                    limit=3,
                )
                for doc in batch.documents:
                    pending = any(r["newDocumentState"]["id"] == doc["id"] for r in device.outbox)
                    if doc.get("deleted"):
                        device.docs[collection].pop(doc["id"], None)
                        device.masters[collection].pop(doc["id"], None)
                        continue
                    device.masters[collection][doc["id"]] = doc
                    if not pending:
                        device.docs[collection][doc["id"]] = dict(doc)
                device.checkpoints[collection] = batch.checkpoint
                if len(batch.documents) < 3:
                    break

    def edit(self, device: Device, collection: str, doc_id: str, changes: dict[str, Any]) -> None:
        local = device.docs[collection].get(doc_id)
        if local is None:
            return
        pending = [r for r in device.outbox if r["newDocumentState"]["id"] == doc_id]
        # Like RxDB: the assumed master is what the device last knew, or its previous unsent edit.
        assumed = pending[-1]["newDocumentState"] if pending else device.masters[collection].get(doc_id)
        new = {**local, **changes}
        device.docs[collection][doc_id] = new
        device.outbox.append(
            {
                "collection": collection,
                "mutationId": str(uuid.uuid4()),
                "assumedMasterState": assumed,
                "newDocumentState": new,
            }
        )

    def create_note(self, device: Device, order_id: uuid.UUID, body: str) -> None:
        doc = {
            "id": str(uuid.uuid4()),
            "workOrderId": str(order_id),
            "authorId": None,
            "body": body,
            "writtenAt": "2026-11-23T02:00:00Z",
            "deleted": False,
        }
        device.docs["workNotes"][doc["id"]] = doc
        device.created.add(doc["id"])
        device.outbox.append(
            {
                "collection": "workNotes",
                "mutationId": str(uuid.uuid4()),
                "assumedMasterState": None,
                "newDocumentState": doc,
            }
        )


def _content(doc: dict[str, Any]) -> dict[str, Any]:
    """A document without its transport metadata: `version` and `updatedAt` say which copy a
    replica last saw, not what the record holds."""
    return {k: v for k, v in doc.items() if k not in {"version", "updatedAt"}}


def _conn() -> Any:
    from tortoise.connection import get_connection

    return get_connection("default")


OPS = st.one_of(
    st.tuples(st.just("note"), st.integers(0, 2), WORDS),
    st.tuples(st.just("edit_note"), st.integers(0, 2), WORDS),
    st.tuples(st.just("progress"), st.integers(0, 2), WORDS),
    st.tuples(st.just("desk_progress"), st.integers(0, 1), WORDS),
    st.tuples(st.just("desk_symptom"), st.integers(0, 1), WORDS),
    st.tuples(st.just("sync"), st.integers(0, 2), st.sampled_from(["ok", "lose", "twice"])),
    st.tuples(st.just("toggle"), st.integers(0, 2), st.just("")),
    st.tuples(st.just("restart"), st.just(0), st.just("")),
)


async def _world() -> World:
    tech_a, tech_b = await make_user(), await make_user()
    desk = await make_user(Role.DISPATCHER)
    order_a = await make_work_order(assigned_to=tech_a)
    order_b = await make_work_order(assigned_to=tech_b)

    def actor(user: Any) -> Actor:
        return Actor(user_id=user.id, role=user.role, username=user.username)

    devices = [Device(actor(tech_a)), Device(actor(tech_a)), Device(actor(tech_b))]
    world = World(build_engine(), devices, actor(desk), [order_a.id, order_b.id])
    for device in devices:
        await world.pull(device)
    return world


def _order_of(world: World, device_index: int) -> uuid.UUID:
    return world.orders[0 if device_index < 2 else 1]


async def _run(world: World, op: tuple[str, int, str]) -> None:
    kind, index, arg = op
    device = world.devices[index] if kind not in {"desk_progress", "desk_symptom", "restart"} else None
    if kind == "note" and device:
        world.create_note(device, _order_of(world, index), arg)
    elif kind == "edit_note" and device and device.docs["workNotes"]:
        doc_id = sorted(device.docs["workNotes"])[len(arg) % len(device.docs["workNotes"])]
        world.edit(device, "workNotes", doc_id, {"body": arg})
    elif kind == "progress" and device:
        world.edit(device, "workOrders", str(_order_of(world, index)), {"progressNote": arg})
    elif kind == "desk_progress":
        await service.update_work_order(
            actor=world.desk, work_order_id=world.orders[index], progress_note=arg
        )
    elif kind == "desk_symptom":
        await service.update_work_order(actor=world.desk, work_order_id=world.orders[index], symptom=arg)
    elif kind == "sync" and device:
        await world.push(device, lose=arg == "lose", twice=arg == "twice")
        await world.pull(device)
    elif kind == "toggle" and device:
        device.online = not device.online
    elif kind == "restart":
        world.engine = build_engine()  # a new process: nothing in memory survives, the database does


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(ops=st.lists(OPS, min_size=5, max_size=30))
async def test_devices_converge_and_nothing_is_lost(db: Any, ops: list[tuple[str, int, str]]) -> None:
    await _wipe()
    world = await _world()
    for op in ops:
        await _run(world, op)
    # The end of the day: every device comes back online and syncs until nothing is left.
    for device in world.devices:
        device.online = True
    for _ in range(3):
        for device in world.devices:
            await world.push(device, lose=False, twice=False)
            await world.pull(device)
    for device in world.devices:
        assert device.outbox == []
        for collection in COLLECTIONS:
            server = await world.engine.pull(
                collection=collection, principal=device.actor, checkpoint=None, limit=1000
            )
            live = {d["id"]: _content(d) for d in server.documents if not d.get("deleted")}
            mine = {doc_id: _content(d) for doc_id, d in device.docs[collection].items()}
            assert mine == live, f"{collection} diverged"
    created = set().union(*(d.created for d in world.devices))
    assert {str(n.id) for n in await WorkNote.all()} == created  # each exactly once, none lost
    assert await SyncConflict.all().count() == world.expected_conflicts
