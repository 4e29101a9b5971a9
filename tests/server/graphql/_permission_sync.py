"""The sync pulls and pushes of the permission matrix: technician B's device must never receive
A's documents nor write to them (a refused push row answers with its code)."""

from __future__ import annotations

import dataclasses
import uuid
from collections.abc import Callable
from datetime import timedelta
from typing import Any

from tests.server.graphql._permission_ops import ALLOWED, FILTER, FORBIDDEN, NOT_FOUND, Op, outcomes
from tests.server.graphql._permission_world import World

NOT_IN_SCOPE = "NOT_IN_SCOPE"
Pick = Callable[[World], object]

# Every replicated collection -> the document of A's an allowed pull shows (None: shared reference
# data, the same for everyone). A collection missing here fails the coverage test.
PULL_TARGETS: dict[str, Pick | None] = {
    "customers": lambda w: w.customer_id,
    "sites": lambda w: w.site_id,
    "assets": lambda w: w.asset_id,
    "checklistTemplates": None,
    "standardPhrases": None,
    "workOrders": lambda w: w.order_id,
    "appointments": lambda w: w.appointment_id,
    "appointmentChanges": lambda w: w.change_id,
    "checklistRuns": lambda w: w.run_id,
    "workNotes": lambda w: w.note_id,
    "timeEntries": lambda w: w.time_entry_id,
    "ratings": lambda w: w.rating_id,
    "assetScans": lambda w: w.scan_id,
    "photos": lambda w: w.photo_id,
    "signatures": lambda w: w.signature_id,
    # Shared with every technician; the orders an entry came from are left out for them.
    "knowledgeEntries": lambda w: w.entry_id,
}


def _cap(name: str) -> str:
    return name[0].upper() + name[1:]


def _pull(collection: str, target: Pick | None) -> Op:
    name = f"pull{_cap(collection)}"
    document = f"query {{ {name}(limit: 500) {{ documents checkpoint }} }}"
    return Op(name, name, document, lambda w, _: {}, FILTER, target=target)


PULL_OPS: tuple[Op, ...] = tuple(_pull(c, target) for c, target in PULL_TARGETS.items())


def _edit(collection: str, changes: Callable[[World], dict[str, Any]]) -> Callable[[World, str], Any]:
    """A push that edits A's document as its master was pulled."""

    def variables(w: World, _: str) -> dict[str, Any]:
        doc = w.doc(collection)
        return {"r": [{"newDocumentState": {**doc, **changes(w)}, "assumedMasterState": doc}]}

    return variables


def _new(make: Callable[[World], dict[str, Any]]) -> Callable[[World, str], Any]:
    """A push that creates a document under A's work order or appointment."""

    def variables(w: World, _: str) -> dict[str, Any]:
        return {"r": [{"newDocumentState": {"id": str(uuid.uuid4()), "deleted": False, **make(w)}}]}

    return variables


def _time_entry(w: World) -> dict[str, Any]:
    return {
        "workOrderId": str(w.order_id),
        "technicianId": None,
        "kind": "work",
        "startedAt": "2026-01-05T02:00:00Z",
        "endedAt": None,
        "note": "",
    }


def _change(w: World) -> dict[str, Any]:
    start = w.window_start + timedelta(hours=10)
    return {
        "appointmentId": str(w.appointment_id),
        "changedById": None,
        "fromStart": None,
        "fromEnd": None,
        "toStart": start.isoformat(),
        "toEnd": (start + timedelta(hours=1)).isoformat(),
        "reason": "the customer asked",
        "initiatedBy": "customer",
    }


def _rating(w: World) -> dict[str, Any]:
    return {"workOrderId": str(w.done_order_id), "score": 5, "comment": "", "source": "device"}


def _answer(w: World) -> dict[str, Any]:
    return {"answers": {**w.doc("checklistRuns")["answers"], w.item_key: {"value": True}}}


def _push(
    collection: str, variables: Callable[[World, str], Any], expect: dict[str, str], *, edits: bool
) -> Op:
    name = f"push{_cap(collection)}"
    return Op(
        name,
        name,
        f"mutation($r: [PushRow!]!) {{ {name}(rows: $r) }}",
        variables,
        expect,
        # The engine tells a device that a document it holds left its scope (NOT_IN_SCOPE) so the
        # device can drop it; an unknown id is a create instead. The answer carries no data.
        same_for_unknown_ids=not edits,
    )


# Editing a document of A's: the engine finds it outside B's scope before any rule runs.
SYNC_EDIT = outcomes(ALLOWED, NOT_IN_SCOPE, ALLOWED, ALLOWED, ALLOWED)
# Creating under A's order: the domain's service refuses B as its GraphQL mutation does.
SYNC_NEW = outcomes(ALLOWED, NOT_FOUND, ALLOWED, ALLOWED, ALLOWED)
NO_SUPERVISOR = {"supervisor": FORBIDDEN}

PUSH_OPS: tuple[Op, ...] = (
    _push("workOrders", _edit("workOrders", lambda w: {"progressNote": "re-crimped"}), SYNC_EDIT, edits=True),
    _push("workNotes", _edit("workNotes", lambda w: {"body": "edited"}), SYNC_EDIT, edits=True),
    _push("timeEntries", _new(_time_entry), {**SYNC_NEW, "other": NOT_IN_SCOPE}, edits=False),
    _push("appointments", _edit("appointments", lambda w: {"note": "ring twice"}), SYNC_EDIT, edits=True),
    _push("appointmentChanges", _new(_change), {**SYNC_NEW, **NO_SUPERVISOR}, edits=False),
    _push("checklistRuns", _edit("checklistRuns", _answer), {**SYNC_EDIT, **NO_SUPERVISOR}, edits=True),
    _push("ratings", _new(_rating), {**SYNC_NEW, **NO_SUPERVISOR}, edits=False),
    _push(
        "assetScans", _edit("assetScans", lambda w: {"mismatchNote": "label faded"}), SYNC_EDIT, edits=True
    ),
    _push("photos", _edit("photos", lambda w: {"caption": "after"}), SYNC_EDIT, edits=True),
    # Every field of a signature is fixed once signed: the edit is answered with the stored master.
    dataclasses.replace(
        _push(
            "signatures", _edit("signatures", lambda w: {"signerName": "someone else"}), SYNC_EDIT, edits=True
        ),
        touches_a=False,
    ),
)
