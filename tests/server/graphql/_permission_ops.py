"""The operations of the permission matrix: each with a minimal valid call on technician A's
records and the outcome every role must get.

Roles: `owner` is technician A, `other` technician B; then dispatcher, supervisor, admin and
`anonymous` (no token). An outcome is ALLOWED or the error code (for a sync push, the code of the
rejected row).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from tests.server.graphql._permission_world import MARK, TZ, World

ROLES = ("owner", "other", "dispatcher", "supervisor", "admin", "anonymous")
ALLOWED, FORBIDDEN, NOT_FOUND, UNAUTHENTICATED = "ALLOWED", "FORBIDDEN", "NOT_FOUND", "UNAUTHENTICATED"


def outcomes(owner: str, other: str, dispatcher: str, supervisor: str, admin: str) -> dict[str, str]:
    return {
        "owner": owner,
        "other": other,
        "dispatcher": dispatcher,
        "supervisor": supervisor,
        "admin": admin,
        "anonymous": UNAUTHENTICATED,
    }


SCOPED = outcomes(ALLOWED, NOT_FOUND, ALLOWED, ALLOWED, ALLOWED)  # reads through the visibility scope
FILTER = outcomes(ALLOWED, ALLOWED, ALLOWED, ALLOWED, ALLOWED)  # lists: B gets an empty answer
FIELD = outcomes(ALLOWED, NOT_FOUND, ALLOWED, FORBIDDEN, ALLOWED)  # technician or desk, in scope
DESK = outcomes(FORBIDDEN, FORBIDDEN, ALLOWED, FORBIDDEN, ALLOWED)
STAFF = outcomes(FORBIDDEN, FORBIDDEN, ALLOWED, ALLOWED, ALLOWED)
ADMIN = outcomes(FORBIDDEN, FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED)
STAFF_NODE = outcomes(
    NOT_FOUND, NOT_FOUND, ALLOWED, ALLOWED, ALLOWED
)  # `node` hides what a role may not read

WO = "id symptom"
Vars = Callable[[World, str], dict[str, Any]]


@dataclass(frozen=True)
class Op:
    name: str  # names the test case
    field: str  # the schema field it calls
    document: str
    variables: Vars
    expect: dict[str, str]
    # The record of A's an allowed answer shows; `hidden_from` lists allowed roles that must not see it.
    target: Callable[[World], object] | None = None
    hidden_from: frozenset[str] = frozenset()
    prepare: Callable[[World], Awaitable[None]] | None = None
    signed_in: bool = True
    # Off only where the difference is by design (see the op).
    same_for_unknown_ids: bool = True
    # A mutation an allowed caller makes changes A's records (checked); off for shared data.
    touches_a: bool = True

    @property
    def is_mutation(self) -> bool:
        return self.document.startswith("mutation")


def _id(value: object) -> str:
    return str(value)


def query(field_name: str, params: str, args: str, selection: str) -> str:
    head = f"({params})" if params else ""
    return f"query{head} {{ {field_name}({args}) {{ {selection} }} }}"


def mutation(field_name: str, params: str, args: str, selection: str) -> str:
    return f"mutation({params}) {{ {field_name}({args}) {{ {selection} }} }}"


NODE_SELECTION = (
    "__typename "
    "... on User { id displayName } ... on Device { id name } ... on Customer { id name } "
    "... on Site { id name } ... on Asset { id name } ... on WorkOrder { id symptom } "
    "... on Appointment { id note } ... on AppointmentChange { id reason } "
    "... on ChecklistRun { id workOrderId } ... on ChecklistTemplate { id key } "
    "... on Rating { id comment } ... on Callback { id comment } "
    "... on AssetScan { id mismatchNote } ... on Photo { id caption } "
    "... on Signature { id signerName } ... on Complaint { id text } ... on Problem { id title } "
    "... on RepeatFaultFlag { id workOrderId } ... on KnowledgeEntry { id linkedWorkOrderIds } "
    "... on SolutionUsed { id workOrderId }"
)


def node_op(kind: str, pick: Callable[[World], object], expect: dict[str, str]) -> Op:
    return Op(
        f"node({kind})",
        "node",
        query("node", "$id: ID!", "id: $id", NODE_SELECTION),
        lambda w, _: {"id": _id(pick(w))},
        expect,
        target=pick,
    )


QUERY_OPS: tuple[Op, ...] = (
    # --- queries ---------------------------------------------------------------------------
    Op(
        "devices",
        "devices",
        query("devices", "$u: ID", "userId: $u", "id name"),
        lambda w, _: {"u": _id(w.tech_a_id)},
        FILTER,
        target=lambda w: w.device_id,
        # Everyone but an admin is shown his own devices whatever user he names.
        hidden_from=frozenset({"dispatcher", "supervisor"}),
    ),
    Op(
        "syncConflicts",
        "syncConflicts",
        query("syncConflicts", "$d: String", "docId: $d", "nodes { docId lost }"),
        lambda w, _: {"d": _id(w.order_id)},
        STAFF,
        target=lambda w: w.order_id,
    ),
    Op(
        "customer",
        "customer",
        query("customer", "$id: ID!", "id: $id", "id name"),
        lambda w, _: {"id": _id(w.customer_id)},
        SCOPED,
        target=lambda w: w.customer_id,
    ),
    Op(
        "sites",
        "sites",
        query("sites", "$c: ID", "customerId: $c", "nodes { id name }"),
        lambda w, _: {"c": _id(w.customer_id)},
        FILTER,
        target=lambda w: w.site_id,
    ),
    Op(
        "site",
        "site",
        query("site", "$id: ID!", "id: $id", "id name address"),
        lambda w, _: {"id": _id(w.site_id)},
        SCOPED,
        target=lambda w: w.site_id,
    ),
    Op(
        "assets",
        "assets",
        query("assets", "$s: ID, $c: ID", "siteId: $s, customerId: $c", "nodes { id name }"),
        lambda w, _: {"s": _id(w.site_id), "c": _id(w.customer_id)},
        FILTER,
        target=lambda w: w.asset_id,
    ),
    Op(
        "asset",
        "asset",
        query("asset", "$id: ID!", "id: $id", "id name"),
        lambda w, _: {"id": _id(w.asset_id)},
        SCOPED,
        target=lambda w: w.asset_id,
    ),
    Op(
        "assetByTag",
        "assetByTag",
        query("assetByTag", "$t: String!", "tagCode: $t", "id name"),
        lambda w, _: {"t": w.asset_tag},
        SCOPED,
        target=lambda w: w.asset_id,
    ),
    Op(
        "search",
        "search",
        query("search", "$t: String!", "text: $t", "customers { id name } workOrders { id symptom }"),
        lambda w, _: {"t": MARK},
        FILTER,
        target=lambda w: w.customer_id,
    ),
    Op(
        "workOrders",
        "workOrders",
        query("workOrders", "$t: ID, $c: ID", "technicianId: $t, customerId: $c", f"nodes {{ {WO} }}"),
        lambda w, _: {"t": _id(w.tech_a_id), "c": _id(w.customer_id)},
        FILTER,
        target=lambda w: w.order_id,
    ),
    Op(
        "workOrder",
        "workOrder",
        query("workOrder", "$id: ID!", "id: $id", WO),
        lambda w, _: {"id": _id(w.order_id)},
        SCOPED,
        target=lambda w: w.order_id,
    ),
    Op(
        "appointments",
        "appointments",
        query("appointments", "$o: ID!", "workOrderId: $o", "nodes { id note changes { id reason } }"),
        lambda w, _: {"o": _id(w.order_id)},
        SCOPED,
        target=lambda w: w.appointment_id,
    ),
    Op(
        "technicianDay",
        "technicianDay",
        query(
            "technicianDay",
            "$t: ID!, $d: Date!, $z: String",
            "technicianId: $t, date: $d, timezone: $z",
            "id note",
        ),
        lambda w, _: {"t": _id(w.tech_a_id), "d": w.visit_day, "z": TZ},
        SCOPED,
        target=lambda w: w.appointment_id,
    ),
    Op(
        "checklistRun",
        "checklistRun",
        query("checklistRun", "$o: ID!", "workOrderId: $o", "id workOrderId answers"),
        lambda w, _: {"o": _id(w.order_id)},
        SCOPED,
        target=lambda w: w.run_id,
    ),
    Op(
        "ratings",
        "ratings",
        query("ratings", "$o: ID!", "workOrderId: $o", "nodes { id comment }"),
        lambda w, _: {"o": _id(w.done_order_id)},
        SCOPED,
        target=lambda w: w.rating_id,
    ),
    Op(
        "callbacks",
        "callbacks",
        query("callbacks", "$o: ID!", "workOrderId: $o", "nodes { id comment }"),
        lambda w, _: {"o": _id(w.done_order_id)},
        STAFF,
        target=lambda w: w.callback_id,
    ),
    Op(
        "assetScans",
        "assetScans",
        query("assetScans", "$o: ID!", "workOrderId: $o", "nodes { id mismatchNote }"),
        lambda w, _: {"o": _id(w.order_id)},
        SCOPED,
        target=lambda w: w.scan_id,
    ),
    Op(
        "photos",
        "photos",
        query("photos", "$o: ID!", "workOrderId: $o", "nodes { id caption }"),
        lambda w, _: {"o": _id(w.order_id)},
        SCOPED,
        target=lambda w: w.photo_id,
    ),
    # --- node ------------------------------------------------------------------------------
    node_op("user", lambda w: w.tech_a_id, SCOPED),
    node_op("device", lambda w: w.device_id, outcomes(ALLOWED, NOT_FOUND, NOT_FOUND, NOT_FOUND, ALLOWED)),
    node_op("customer", lambda w: w.customer_id, SCOPED),
    node_op("site", lambda w: w.site_id, SCOPED),
    node_op("asset", lambda w: w.asset_id, SCOPED),
    node_op("workOrder", lambda w: w.order_id, SCOPED),
    node_op("appointment", lambda w: w.appointment_id, SCOPED),
    node_op("appointmentChange", lambda w: w.change_id, SCOPED),
    node_op("checklistRun", lambda w: w.run_id, SCOPED),
    node_op("rating", lambda w: w.rating_id, SCOPED),
    node_op("callback", lambda w: w.callback_id, STAFF_NODE),
    node_op("assetScan", lambda w: w.scan_id, SCOPED),
    node_op("photo", lambda w: w.photo_id, SCOPED),
    node_op("signature", lambda w: w.signature_id, SCOPED),
    node_op("complaint", lambda w: w.complaint_id, STAFF_NODE),
    node_op("problem", lambda w: w.problem_id, STAFF_NODE),
    node_op("repeatFaultFlag", lambda w: w.flag_id, STAFF_NODE),
    node_op("solutionUsed", lambda w: w.use_id, SCOPED),
    node_op("knowledgeEntry", lambda w: w.entry_id, FILTER),
    node_op("checklistTemplate", lambda w: w.template_id, FILTER),
    Op(
        "nodes",
        "nodes",
        f"query($ids: [ID!]!) {{ nodes(ids: $ids) {{ {NODE_SELECTION} }} }}",
        lambda w, _: {"ids": sorted(w.a_ids())},
        FILTER,
        target=lambda w: w.order_id,
    ),
)
