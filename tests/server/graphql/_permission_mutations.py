"""The mutations of the permission matrix (see _permission_ops for the roles and outcomes)."""

from __future__ import annotations

import uuid
from datetime import timedelta
from typing import Any

from server.workorders.lifecycle import HoldReason
from server.workorders.models import Status, WorkOrder
from server.workorders.service import hold_work_order, raise_escalation
from tests.factories import PASSWORD, actor_of
from tests.server.graphql._permission_ops import (
    ADMIN,
    ALLOWED,
    DESK,
    FIELD,
    FORBIDDEN,
    NOT_FOUND,
    SCOPED,
    WO,
    Op,
    mutation,
    outcomes,
)
from tests.server.graphql._permission_world import World, new_template_document

# Desk moves that check the role after loading the order: B meets the scope first.
DESK_MOVE = outcomes(FORBIDDEN, NOT_FOUND, ALLOWED, FORBIDDEN, ALLOWED)
ACKNOWLEDGERS = outcomes(FORBIDDEN, FORBIDDEN, FORBIDDEN, ALLOWED, ALLOWED)
MISMATCH = "DEVICE_MISMATCH"  # signing in on a device registered to someone else


def _id(value: object) -> str:
    return str(value)


def _window(w: World, hours: int) -> dict[str, str]:
    start = w.window_start + timedelta(hours=hours)
    return {"s": start.isoformat(), "e": (start + timedelta(hours=1)).isoformat()}


async def _close_orders(w: World) -> None:
    # A customer or site with open work orders cannot be deleted: this probes permission only.
    await WorkOrder.filter(site_id=w.site_id).update(status=Status.CANCELLED)


async def _hold(w: World) -> None:
    desk = actor_of(w.users["dispatcher"])
    await hold_work_order(actor=desk, work_order_id=w.order_id, reason=HoldReason.WAITING_PARTS)


async def _escalate(w: World) -> None:
    await raise_escalation(actor=actor_of(w.users["owner"]), work_order_id=w.order_id, note="help")


def _login_vars(w: World, role: str) -> dict[str, Any]:
    username = w.users[role].username if role in w.users else "nobody-at-all"
    return {"u": username, "p": PASSWORD, "d": _id(w.device_id)}


MUTATION_OPS: tuple[Op, ...] = (
    # --- accounts ----------------------------------------------------------------------------
    Op(
        "login",
        "login",
        mutation(
            "login",
            "$u: String!, $p: String!, $d: ID",
            "username: $u, password: $p, deviceId: $d",
            "deviceId",
        ),
        _login_vars,
        {**outcomes(ALLOWED, MISMATCH, MISMATCH, MISMATCH, MISMATCH), "anonymous": "BAD_CREDENTIALS"},
        target=lambda w: w.device_id,
        signed_in=False,
        # A device id is made by the device; a new one registers, a taken one is refused.
        same_for_unknown_ids=False,
    ),
    Op(
        "updateUser",
        "updateUser",
        mutation("updateUser", "$id: ID!", 'id: $id, input: {phone: "13911112222"}', "id displayName"),
        lambda w, _: {"id": _id(w.tech_a_id)},
        ADMIN,
        target=lambda w: w.tech_a_id,
    ),
    Op(
        "revokeDevice",
        "revokeDevice",
        mutation("revokeDevice", "$id: ID!", "id: $id", "id name"),
        lambda w, _: {"id": _id(w.device_id)},
        ADMIN,
        target=lambda w: w.device_id,
    ),
    # --- customers, sites, assets ------------------------------------------------------------
    Op(
        "createCustomer",
        "createCustomer",
        mutation("createCustomer", "$id: ID", 'input: {id: $id, name: "New", phone: "13900001111"}', "id"),
        lambda w, _: {"id": _id(uuid.uuid4())},
        DESK,
        touches_a=False,
    ),
    Op(
        "updateCustomer",
        "updateCustomer",
        mutation("updateCustomer", "$id: ID!", 'id: $id, input: {notes: "vip"}', "id name"),
        lambda w, _: {"id": _id(w.customer_id)},
        DESK,
        target=lambda w: w.customer_id,
    ),
    Op(
        "deleteCustomer",
        "deleteCustomer",
        mutation("deleteCustomer", "$id: ID!", "id: $id", "id name"),
        lambda w, _: {"id": _id(w.customer_id)},
        DESK,
        target=lambda w: w.customer_id,
        prepare=_close_orders,
    ),
    Op(
        "createSite",
        "createSite",
        mutation(
            "createSite", "$c: ID!", 'input: {customerId: $c, name: "Annex", address: "1 Road"}', "customerId"
        ),
        lambda w, _: {"c": _id(w.customer_id)},
        DESK,
        target=lambda w: w.customer_id,
    ),
    Op(
        "updateSite",
        "updateSite",
        mutation("updateSite", "$id: ID!", 'id: $id, input: {accessNotes: "gate B"}', "id name"),
        lambda w, _: {"id": _id(w.site_id)},
        DESK,
        target=lambda w: w.site_id,
    ),
    Op(
        "deleteSite",
        "deleteSite",
        mutation("deleteSite", "$id: ID!", "id: $id", "id name"),
        lambda w, _: {"id": _id(w.site_id)},
        DESK,
        target=lambda w: w.site_id,
        prepare=_close_orders,
    ),
    Op(
        "createAsset",
        "createAsset",
        mutation(
            "createAsset",
            "$c: ID!, $s: ID!, $u: ID",
            'input: {customerId: $c, siteId: $s, name: "Router", responsibleUserId: $u}',
            "siteId",
        ),
        lambda w, _: {"c": _id(w.customer_id), "s": _id(w.site_id), "u": _id(w.tech_a_id)},
        DESK,
        target=lambda w: w.site_id,
    ),
    Op(
        "updateAsset",
        "updateAsset",
        mutation(
            "updateAsset", "$id: ID!, $s: ID", 'id: $id, input: {siteId: $s, notes: "moved"}', "id name"
        ),
        lambda w, _: {"id": _id(w.asset_id), "s": _id(w.site_id)},
        DESK,
        target=lambda w: w.asset_id,
    ),
    Op(
        "deleteAsset",
        "deleteAsset",
        mutation("deleteAsset", "$id: ID!", "id: $id", "id name"),
        lambda w, _: {"id": _id(w.asset_id)},
        DESK,
        target=lambda w: w.asset_id,
    ),
    Op(
        "setAssetSeal",
        "setAssetSeal",
        mutation("setAssetSeal", "$id: ID!", "id: $id, state: BROKEN", "id name"),
        lambda w, _: {"id": _id(w.asset_id)},
        SCOPED,
        target=lambda w: w.asset_id,
    ),
    # --- work orders -------------------------------------------------------------------------
    Op(
        "createWorkOrder",
        "createWorkOrder",
        mutation(
            "createWorkOrder",
            "$c: ID!, $s: ID!, $a: [ID!]!",
            'input: {customerId: $c, siteId: $s, assetIds: $a, symptom: "No signal"}',
            "customerId",
        ),
        lambda w, _: {"c": _id(w.customer_id), "s": _id(w.site_id), "a": [_id(w.asset_id)]},
        DESK,
        target=lambda w: w.customer_id,
    ),
    Op(
        "assignWorkOrder",
        "assignWorkOrder",
        mutation("assignWorkOrder", "$id: ID!, $t: ID!", "id: $id, technicianId: $t", WO),
        lambda w, _: {"id": _id(w.order_id), "t": _id(w.tech_a_id)},
        DESK,
        target=lambda w: w.order_id,
    ),
    Op(
        "transitionWorkOrder",
        "transitionWorkOrder",
        mutation("transitionWorkOrder", "$id: ID!", "id: $id, to: APPOINTMENT_CONFIRMED", WO),
        lambda w, _: {"id": _id(w.order_id)},
        FIELD,
        target=lambda w: w.order_id,
    ),
    Op(
        "holdWorkOrder",
        "holdWorkOrder",
        mutation("holdWorkOrder", "$id: ID!", "id: $id, reason: WAITING_CUSTOMER", WO),
        lambda w, _: {"id": _id(w.order_id)},
        DESK_MOVE,
        target=lambda w: w.order_id,
    ),
    Op(
        "resumeWorkOrder",
        "resumeWorkOrder",
        mutation("resumeWorkOrder", "$id: ID!", "id: $id", WO),
        lambda w, _: {"id": _id(w.order_id)},
        DESK_MOVE,
        target=lambda w: w.order_id,
        prepare=_hold,
    ),
    Op(
        "reportLate",
        "reportLate",
        mutation("reportLate", "$id: ID!", 'id: $id, reason: "traffic"', WO),
        lambda w, _: {"id": _id(w.order_id)},
        FIELD,
        target=lambda w: w.order_id,
    ),
    Op(
        "raiseEscalation",
        "raiseEscalation",
        mutation("raiseEscalation", "$id: ID!", 'id: $id, note: "need a ladder"', WO),
        lambda w, _: {"id": _id(w.order_id)},
        FIELD,
        target=lambda w: w.order_id,
    ),
    Op(
        "acknowledgeEscalation",
        "acknowledgeEscalation",
        mutation("acknowledgeEscalation", "$id: ID!", "id: $id", WO),
        lambda w, _: {"id": _id(w.order_id)},
        ACKNOWLEDGERS,
        target=lambda w: w.order_id,
        prepare=_escalate,
    ),
    Op(
        "cancelWorkOrder",
        "cancelWorkOrder",
        mutation("cancelWorkOrder", "$id: ID!", 'id: $id, reason: "duplicate"', WO),
        lambda w, _: {"id": _id(w.order_id)},
        DESK_MOVE,
        target=lambda w: w.order_id,
    ),
    Op(
        "updateWorkOrder",
        "updateWorkOrder",
        mutation("updateWorkOrder", "$id: ID!", 'id: $id, input: {progressNote: "splicing"}', WO),
        lambda w, _: {"id": _id(w.order_id)},
        FIELD,
        target=lambda w: w.order_id,
    ),
    # --- appointments --------------------------------------------------------------------------
    Op(
        "proposeAppointment",
        "proposeAppointment",
        mutation(
            "proposeAppointment",
            "$o: ID!, $s: DateTime!, $e: DateTime!, $id: ID",
            "workOrderId: $o, windowStart: $s, windowEnd: $e, id: $id",
            "appointment { workOrderId }",
        ),
        lambda w, _: {"o": _id(w.order_id), "id": _id(uuid.uuid4()), **_window(w, 6)},
        FIELD,
        target=lambda w: w.order_id,
    ),
    Op(
        "confirmAppointment",
        "confirmAppointment",
        mutation("confirmAppointment", "$id: ID!", 'id: $id, customerContact: "Mrs Li"', "id note"),
        lambda w, _: {"id": _id(w.appointment_id)},
        FIELD,
        target=lambda w: w.appointment_id,
    ),
    Op(
        "rescheduleAppointment",
        "rescheduleAppointment",
        mutation(
            "rescheduleAppointment",
            "$id: ID!, $s: DateTime!, $e: DateTime!, $c: ID",
            'id: $id, windowStart: $s, windowEnd: $e, reason: "rain", initiatedBy: CUSTOMER, changeId: $c',
            "appointment { id note }",
        ),
        lambda w, _: {"id": _id(w.appointment_id), "c": _id(uuid.uuid4()), **_window(w, 8)},
        FIELD,
        target=lambda w: w.appointment_id,
    ),
    Op(
        "cancelAppointment",
        "cancelAppointment",
        mutation("cancelAppointment", "$id: ID!", 'id: $id, reason: "fixed remotely"', "id note"),
        lambda w, _: {"id": _id(w.appointment_id)},
        FIELD,
        target=lambda w: w.appointment_id,
    ),
    # --- checklists ----------------------------------------------------------------------------
    Op(
        "createChecklistTemplate",
        "createChecklistTemplate",
        mutation("createChecklistTemplate", "$doc: JSON!, $id: ID", "document: $doc, id: $id", "id key"),
        lambda w, _: {"doc": new_template_document(), "id": _id(uuid.uuid4())},
        DESK,
        touches_a=False,
    ),
    Op(
        "setChecklistTemplateActive",
        "setChecklistTemplateActive",
        mutation("setChecklistTemplateActive", "$id: ID!", "id: $id, active: true", "id key"),
        lambda w, _: {"id": _id(w.template_id)},
        DESK,
        touches_a=False,
        target=lambda w: w.template_id,
    ),
    Op(
        "startChecklist",
        "startChecklist",
        mutation("startChecklist", "$o: ID!", "workOrderId: $o", "id workOrderId"),
        lambda w, _: {"o": _id(w.order_id)},
        FIELD,
        # The run exists already: starting it again returns it unchanged.
        touches_a=False,
        target=lambda w: w.run_id,
    ),
    Op(
        "answerChecklistItem",
        "answerChecklistItem",
        mutation(
            "answerChecklistItem",
            "$r: ID!, $k: String!",
            "runId: $r, itemKey: $k, value: true",
            "id workOrderId",
        ),
        lambda w, _: {"r": _id(w.run_id), "k": w.item_key},
        FIELD,
        target=lambda w: w.run_id,
    ),
    # --- feedback ------------------------------------------------------------------------------
    Op(
        "submitRating",
        "submitRating",
        mutation("submitRating", "$o: ID!", "workOrderId: $o, score: 5", "id workOrderId"),
        lambda w, _: {"o": _id(w.done_order_id)},
        FIELD,
        target=lambda w: w.done_order_id,
    ),
    Op(
        "recordCallback",
        "recordCallback",
        mutation("recordCallback", "$o: ID!", "workOrderId: $o, reached: false", "id workOrderId"),
        lambda w, _: {"o": _id(w.done_order_id)},
        DESK,
        target=lambda w: w.done_order_id,
    ),
)
