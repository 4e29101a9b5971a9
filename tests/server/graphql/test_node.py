from __future__ import annotations

import uuid
from typing import Any

from graphql import GraphQLObjectType, GraphQLUnionType

from server.auth.models import Device
from server.checklists.models import StandardPhraseBook
from server.core.roles import Role
from server.core.settings import Settings
from server.customers.models import Customer
from server.graphql.node import KINDS, MAX_NODES, resolve_nodes
from server.graphql.schema import build_schema
from server.sla import service as sla
from server.sla.models import SlaPolicy
from tests.factories import actor_of, make_user
from tests.server.graphql._permission_world import World, build_world

# Types with an id that are not records of their own.
NOT_NODES = {
    "BoardAppointment": "the dispatch board's view of an Appointment, which is the node",
    "SyncConflict": "a numbered log row, not a UUID record",
}

NODE = """
query($id: ID!) { node(id: $id) { __typename ... on WorkOrder { id symptom } ... on Customer { id name } } }
"""
NODES = """
query($ids: [ID!]!) { nodes(ids: $ids) { __typename ... on WorkOrder { id } ... on Customer { id } } }
"""


def _schema() -> Any:
    return build_schema(Settings(dev=True))._schema


def _union_members() -> set[str]:
    union = _schema().type_map["Node"]
    assert isinstance(union, GraphQLUnionType)
    return {member.name for member in union.types}


def test_every_record_type_is_a_node() -> None:
    with_ids = {
        name
        for name, kind in _schema().type_map.items()
        if isinstance(kind, GraphQLObjectType) and not name.startswith("__") and "id" in kind.fields
    }
    missing = with_ids - _union_members() - NOT_NODES.keys()
    assert not missing, f"add these types to server/graphql/node.py (or to NOT_NODES, with why): {missing}"


def test_every_node_type_has_a_scoped_loader() -> None:
    loaded = {kind.node_type.__strawberry_definition__.name for kind in KINDS}
    assert loaded == _union_members()


async def _every_kind(world: World) -> dict[str, uuid.UUID]:
    """An id of each node type, by type name."""
    policy = await SlaPolicy.filter(code="standard").get()
    calendar = await sla.seed_default_calendar()
    assert calendar is not None
    book = await StandardPhraseBook.filter(active=True).get()
    return {
        "User": world.tech_a_id,
        "Device": world.device_id,
        "Customer": world.customer_id,
        "Site": world.site_id,
        "Asset": world.asset_id,
        "AssetScan": world.scan_id,
        "WorkOrder": world.order_id,
        "Appointment": world.appointment_id,
        "AppointmentChange": world.change_id,
        "ChecklistTemplate": world.template_id,
        "ChecklistRun": world.run_id,
        "StandardPhraseBook": book.id,
        "Rating": world.rating_id,
        "Callback": world.callback_id,
        "Photo": world.photo_id,
        "Signature": world.signature_id,
        "Complaint": world.complaint_id,
        "Problem": world.problem_id,
        "RepeatFaultFlag": world.flag_id,
        "KnowledgeEntry": world.entry_id,
        "SolutionUsed": world.use_id,
        "SlaPolicy": policy.id,
        "BusinessCalendar": calendar.id,
    }


def _type_name(found: object) -> str | None:
    return None if found is None else found.__strawberry_definition__.name  # type: ignore[attr-defined]


async def test_an_admin_reaches_every_kind_by_id(db: Any) -> None:
    world = await build_world()
    ids = await _every_kind(world)
    assert set(ids) == _union_members()
    found = await resolve_nodes(actor_of(world.users["admin"]), [str(pk) for pk in ids.values()])
    assert [_type_name(f) for f in found] == list(ids)
    assert [str(f.id) for f in found] == [str(pk) for pk in ids.values()]  # type: ignore[union-attr]


async def test_what_each_role_sees(db: Any) -> None:
    world = await build_world()
    ids = await _every_kind(world)
    shared = {"ChecklistTemplate", "StandardPhraseBook", "KnowledgeEntry"}
    staff_records = {"SlaPolicy", "BusinessCalendar", "Callback", "Complaint", "Problem", "RepeatFaultFlag"}
    expected = {
        # Technician A: his own records, himself and his device, and the shared checklists.
        "owner": set(ids) - staff_records,
        # Technician B: only what every signed-in user shares.
        "other": shared,
        # Staff see every record but devices, which only their user and an admin see.
        "dispatcher": set(ids) - {"Device"},
        "supervisor": set(ids) - {"Device"},
        "admin": set(ids),
    }
    for role, visible in expected.items():
        found = await resolve_nodes(actor_of(world.users[role]), [str(pk) for pk in ids.values()])
        seen = {name for name, f in zip(ids, found, strict=True) if f is not None}
        assert seen == visible, role


async def test_a_technician_sees_himself_but_not_a_colleague(db: Any) -> None:
    me, colleague = await make_user(Role.TECHNICIAN), await make_user(Role.TECHNICIAN)
    found = await resolve_nodes(actor_of(me), [str(me.id), str(colleague.id)])
    assert [_type_name(f) for f in found] == ["User", None]


async def test_a_device_is_seen_by_its_user_and_an_admin(db: Any) -> None:
    owner, desk, admin = await make_user(), await make_user(Role.DISPATCHER), await make_user(Role.ADMIN)
    device = await Device.create(user=owner, name="phone")
    for user, seen in ((owner, True), (desk, False), (admin, True)):
        (found,) = await resolve_nodes(actor_of(user), [str(device.id)])
        assert (found is not None) is seen, user.role


async def test_a_deleted_record_is_not_found(db: Any) -> None:
    world = await build_world()
    await Customer.filter(id=world.customer_id).update(deleted=True)
    (found,) = await resolve_nodes(actor_of(world.users["admin"]), [str(world.customer_id)])
    assert found is None


async def test_node_through_graphql(db: Any, as_user: Any) -> None:
    world = await build_world()
    owner = await as_user(world.users["owner"])
    data = await owner.data(NODE, {"id": str(world.order_id)})
    assert data["node"]["__typename"] == "WorkOrder"
    assert data["node"]["id"] == str(world.order_id)


async def test_not_yours_reads_exactly_like_does_not_exist(db: Any, as_user: Any) -> None:
    world = await build_world()
    other = await as_user(world.users["other"])
    answers = [
        await other.execute(NODE, {"id": value})
        for value in (str(world.order_id), str(uuid.uuid4()), "not-a-uuid")
    ]
    assert all(a["errors"][0]["extensions"]["code"] == "NOT_FOUND" for a in answers), answers
    assert all(a["data"] is None for a in answers)
    assert len({a["errors"][0]["message"] for a in answers}) == 1


async def test_nodes_keeps_the_order_and_nulls_what_is_invisible(db: Any, as_user: Any) -> None:
    world = await build_world()
    ids = [str(world.order_id), str(uuid.uuid4()), "nope", str(world.customer_id), str(world.order_id)]
    owner = await as_user(world.users["owner"])
    found = (await owner.data(NODES, {"ids": ids}))["nodes"]
    assert [f and f["__typename"] for f in found] == ["WorkOrder", None, None, "Customer", "WorkOrder"]
    assert [f and f["id"] for f in found] == [ids[0], None, None, ids[3], ids[4]]
    other = await as_user(world.users["other"])
    assert (await other.data(NODES, {"ids": ids}))["nodes"] == [None] * len(ids)


async def test_nodes_takes_at_most_a_hundred_ids(db: Any, as_user: Any) -> None:
    client = await as_user(await make_user(Role.DISPATCHER))
    ids = [str(uuid.uuid4()) for _ in range(MAX_NODES + 1)]
    assert (await client.data(NODES, {"ids": ids[:MAX_NODES]}))["nodes"] == [None] * MAX_NODES
    assert await client.error_code(NODES, {"ids": ids}) == "TOO_MANY_IDS"


async def test_node_needs_sign_in(db: Any, client: Any) -> None:
    assert await client.error_code(NODE, {"id": str(uuid.uuid4())}) == "UNAUTHENTICATED"
    assert await client.error_code(NODES, {"ids": []}) == "UNAUTHENTICATED"
