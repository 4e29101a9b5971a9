"""Matrix rows for what follows a visit: signatures, complaints, problems, the knowledge base and
the supervisor's figures (see _permission_ops for the roles and outcomes)."""

from __future__ import annotations

import uuid

from tests.server.graphql._permission_ops import (
    DESK,
    FIELD,
    FILTER,
    SCOPED,
    STAFF,
    Op,
    mutation,
    query,
)
from tests.server.graphql._permission_world import World

PROBLEM = "id title workOrderIds"
ENTRY = "id symptomEn linkedWorkOrderIds"


def _id(value: object) -> str:
    return str(value)


def _by_order(w: World) -> dict[str, str]:
    return {"o": _id(w.order_id)}


def _by_done(w: World) -> dict[str, str]:
    return {"o": _id(w.done_order_id)}


FOLLOW_UP_QUERIES: tuple[Op, ...] = (
    Op(
        "signatures",
        "signatures",
        query("signatures", "$o: ID!", "workOrderId: $o", "nodes { id signerName }"),
        lambda w, _: _by_done(w),
        SCOPED,
        target=lambda w: w.signature_id,
    ),
    Op(
        "signature",
        "signature",
        query("signature", "$id: ID!", "id: $id", "id signerName"),
        lambda w, _: {"id": _id(w.signature_id)},
        SCOPED,
        target=lambda w: w.signature_id,
    ),
    Op(
        "signedContent",
        "signedContent",
        query("signedContent", "$o: ID!", "workOrderId: $o", "document"),
        lambda w, _: _by_done(w),
        SCOPED,
        target=lambda w: w.done_number,  # the document names the order by its number
    ),
    Op(
        "complaints",
        "complaints",
        query("complaints", "$u: ID", "ownerId: $u", "nodes { id text workOrderId }"),
        lambda w, _: {"u": _id(w.users["dispatcher"].id)},
        STAFF,
        target=lambda w: w.complaint_id,
    ),
    Op(
        "problem",
        "problem",
        query("problem", "$id: ID!", "id: $id", PROBLEM),
        lambda w, _: {"id": _id(w.problem_id)},
        STAFF,
        target=lambda w: w.problem_id,
    ),
    Op(
        "repeatFaultFlags",
        "repeatFaultFlags",
        query("repeatFaultFlags", "$o: ID", "workOrderId: $o", "nodes { id workOrderId previousOrderId }"),
        lambda w, _: _by_order(w),
        STAFF,
        target=lambda w: w.flag_id,
    ),
    Op(
        "knowledgeEntry",
        "knowledgeEntry",
        query("knowledgeEntry", "$id: ID!", "id: $id", ENTRY),
        lambda w, _: {"id": _id(w.entry_id)},
        FILTER,
        target=lambda w: w.entry_id,
    ),
    Op(
        "solutionsUsed",
        "solutionsUsed",
        query("solutionsUsed", "$o: ID!", "workOrderId: $o", "nodes { id entryId workOrderId }"),
        lambda w, _: _by_order(w),
        SCOPED,
        target=lambda w: w.use_id,
    ),
)

# Figures are aggregates for the desk and supervisors: no record of A's is shown.
FOLLOW_UP_QUERIES += (
    Op(
        "dashboard",
        "dashboard",
        query(
            "dashboard",
            "$c: ID, $s: ID, $t: ID",
            "filter: {customerId: $c, siteId: $s, technicianId: $t}",
            "orders complaints",
        ),
        lambda w, _: {"c": _id(w.customer_id), "s": _id(w.site_id), "t": _id(w.tech_a_id)},
        STAFF,
    ),
)

FOLLOW_UP_MUTATIONS: tuple[Op, ...] = (
    Op(
        "completeCallback",
        "completeCallback",
        mutation(
            "completeCallback", "$o: ID!", "workOrderId: $o, reached: false", "callback { id workOrderId }"
        ),
        lambda w, _: _by_done(w),
        DESK,
        target=lambda w: w.done_order_id,
    ),
    Op(
        "resolveComplaint",
        "resolveComplaint",
        mutation("resolveComplaint", "$id: ID!", 'id: $id, resolution: "apologised"', "id text"),
        lambda w, _: {"id": _id(w.complaint_id)},
        STAFF,
        target=lambda w: w.complaint_id,
    ),
    Op(
        "createProblem",
        "createProblem",
        mutation("createProblem", "$o: [ID!]!", 'input: {title: "Flaky ONUs", workOrderIds: $o}', PROBLEM),
        lambda w, _: {"o": [_id(w.order_id)]},
        STAFF,
        target=lambda w: w.order_id,
    ),
    Op(
        "updateProblem",
        "updateProblem",
        mutation("updateProblem", "$id: ID!", 'id: $id, input: {rootCause: "bad batch"}', PROBLEM),
        lambda w, _: {"id": _id(w.problem_id)},
        STAFF,
        target=lambda w: w.problem_id,
    ),
    Op(
        "linkProblemWorkOrders",
        "linkProblemWorkOrders",
        mutation("linkProblemWorkOrders", "$id: ID!, $o: [ID!]", "id: $id, remove: $o", PROBLEM),
        lambda w, _: {"id": _id(w.problem_id), "o": [_id(w.done_order_id)]},
        STAFF,
        target=lambda w: w.problem_id,
    ),
    Op(
        "createKnowledgeFromWorkOrder",
        "createKnowledgeFromWorkOrder",
        mutation(
            "createKnowledgeFromWorkOrder",
            "$o: ID!, $id: ID",
            "input: {workOrderId: $o, problemType: HARDWARE, id: $id}",
            ENTRY,
        ),
        lambda w, _: {"o": _id(w.done_order_id), "id": _id(uuid.uuid4())},
        STAFF,
        target=lambda w: w.done_order_id,
        # The entry links A's order, but it is shared knowledge, not one of A's records.
        touches_a=False,
    ),
    Op(
        "updateKnowledgeEntry",
        "updateKnowledgeEntry",
        mutation("updateKnowledgeEntry", "$id: ID!", 'id: $id, input: {faultType: "no signal"}', ENTRY),
        lambda w, _: {"id": _id(w.entry_id)},
        STAFF,
        target=lambda w: w.entry_id,
        touches_a=False,
    ),
    Op(
        "mergeKnowledge",
        "mergeKnowledge",
        mutation("mergeKnowledge", "$s: ID!, $t: ID!", "sourceId: $s, targetId: $t", ENTRY),
        lambda w, _: {"s": _id(w.spare_entry_id), "t": _id(w.entry_id)},
        STAFF,
        target=lambda w: w.entry_id,
        touches_a=False,
    ),
    Op(
        "attachSolution",
        "attachSolution",
        mutation("attachSolution", "$o: ID!, $e: ID!", "workOrderId: $o, entryId: $e", "id workOrderId"),
        lambda w, _: {"o": _id(w.order_id), "e": _id(w.spare_entry_id)},
        FIELD,
        target=lambda w: w.order_id,
    ),
)
