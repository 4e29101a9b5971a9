"""Edge cases of exactly-once delivery and the conflict log."""

from __future__ import annotations

from typing import Any

from server.core.roles import Role
from server.worklog.models import WorkNote
from sync.models import SyncMutation
from tests.factories import make_user, make_work_order
from tests.server.syncing.helpers import applied, note, push


async def test_same_mutation_id_from_two_users_are_two_mutations(db: Any, as_user: Any) -> None:
    tech1, tech2 = await make_user(), await make_user()
    o1, o2 = await make_work_order(assigned_to=tech1), await make_work_order(assigned_to=tech2)
    d1, d2 = await as_user(tech1), await as_user(tech2)
    n1, n2 = note(o1.id), note(o2.id)
    assert applied(await push(d1, "workNotes", [{"newDocumentState": n1, "mutationId": "m-1"}]), n1)
    assert applied(await push(d2, "workNotes", [{"newDocumentState": n2, "mutationId": "m-1"}]), n2)
    assert await WorkNote.all().count() == 2


async def test_a_row_repeated_in_one_batch_is_applied_once(db: Any, as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    device = await as_user(tech)
    row = {"newDocumentState": note(order.id), "mutationId": "twice"}
    answer = await push(device, "workNotes", [row, row])
    assert applied(answer, row["newDocumentState"])
    assert len(answer) == 2  # both copies answered: the device learns the server-filled author
    assert await WorkNote.all().count() == 1
    assert await SyncMutation.all().count() == 1


async def test_rejected_edits_are_kept_on_the_server(db: Any, as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    device = await as_user(tech)
    doc = note(order.id, body="   ")
    answer = await push(device, "workNotes", [{"newDocumentState": doc}])
    assert answer[0]["rejected"]["code"] == "VALIDATION_FAILED"
    kept = await SyncMutation.get(outcome="rejected")
    assert kept.attempted is not None
    assert kept.attempted["id"] == doc["id"]


async def test_conflict_log_pages_with_cursors(db: Any, as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    phone, tablet = await as_user(tech), await as_user(tech)
    base = note(order.id, body="base")
    await push(phone, "workNotes", [{"newDocumentState": base}])
    previous = base
    for i in range(3):  # three overwrites: each device edit beats the other's
        mine = {**base, "body": f"tablet {i}"}
        await push(tablet, "workNotes", [{"newDocumentState": mine, "assumedMasterState": previous}])
        theirs = {**base, "body": f"phone {i}"}
        await push(phone, "workNotes", [{"newDocumentState": theirs, "assumedMasterState": previous}])
        previous = theirs
    desk = await as_user(await make_user(Role.DISPATCHER))
    page = "edges { node { lost } } pageInfo { endCursor hasNextPage }"
    query = f"query($a: String) {{ syncConflicts(first: 2, after: $a) {{ {page} }} }}"
    first = (await desk.data(query, {"a": None}))["syncConflicts"]
    second = (await desk.data(query, {"a": first["pageInfo"]["endCursor"]}))["syncConflicts"]
    lost = [e["node"]["lost"] for e in first["edges"] + second["edges"]]
    assert len(lost) == len(set(map(str, lost))) >= 3
    assert first["pageInfo"]["hasNextPage"] is True


async def test_a_rejection_names_the_clients_own_mutation_id(db: Any, as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    device = await as_user(tech)
    answer = await push(
        device, "workNotes", [{"newDocumentState": note(order.id, body=" "), "mutationId": "outbox-7"}]
    )
    assert answer[0]["rejected"]["mutationId"] == "outbox-7"
