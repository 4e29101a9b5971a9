from __future__ import annotations

import uuid
from typing import Any

import pytest

from server.checklists import runs, templates
from server.checklists.models import ChecklistRun
from server.checklists.template_format import load_seed_template
from server.core.actor import Actor
from server.core.errors import DomainError
from server.core.roles import Role
from server.workorders.models import Status
from tests.factories import actor_of, make_user, make_work_order

T = {"en": "Text", "zh-CN": "文本"}


def _item(key: str, evidence: str, *, required: bool = True) -> dict[str, Any]:
    return {"key": key, "required": required, "evidence": evidence, "text": dict(T)}


def _doc(
    version: int = 1, key: str = "etiquette", items: list[dict[str, Any]] | None = None
) -> dict[str, Any]:
    """A small template with one item per evidence kind and one optional item."""
    items = items or [
        _item("uniform", "check"),
        _item("visit_time", "text"),
        _item("sheet_photo", "photo"),
        _item("customer_tested", "customer_confirm"),
        _item("gifts_declined", "check", required=False),
    ]
    return {
        "key": key,
        "version": version,
        "title": dict(T),
        "phases": [{"key": "working", "title": dict(T), "items": items}],
    }


async def _setup(**order: Any) -> tuple[Actor, Actor, Any]:
    tech = await make_user()
    desk = actor_of(await make_user(Role.DISPATCHER))
    wo = await make_work_order(assigned_to=tech, status=order.pop("status", Status.ON_SITE), **order)
    return actor_of(tech), desk, wo


async def _code(awaitable: Any) -> str:
    with pytest.raises(DomainError) as info:
        await awaitable
    return info.value.code


# --- missing_required_items -----------------------------------------------------------------


async def test_missing_is_empty_without_any_active_template(db: Any) -> None:
    _, _, wo = await _setup()
    assert await runs.missing_required_items(work_order_id=wo.id) == []


async def test_missing_without_run_lists_required_items_of_active_etiquette(db: Any) -> None:
    _, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc())
    missing = await runs.missing_required_items(work_order_id=wo.id)
    assert missing == ["uniform", "visit_time", "sheet_photo", "customer_tested"]


async def test_missing_without_run_uses_seeded_etiquette_template(db: Any) -> None:
    _, _, wo = await _setup()
    await templates.seed_defaults()
    seed = load_seed_template()
    missing = await runs.missing_required_items(work_order_id=wo.id)
    assert missing == [i.key for i in seed.items() if i.required]
    assert "gifts_declined" not in missing  # optional in the seed


async def test_missing_ignores_other_template_keys_when_no_run(db: Any) -> None:
    _, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc(key="install_survey"))
    assert await runs.missing_required_items(work_order_id=wo.id) == []


async def test_missing_without_run_when_etiquette_deactivated(db: Any) -> None:
    _, desk, wo = await _setup()
    template = await templates.create_template(actor=desk, document=_doc())
    await templates.set_template_active(actor=desk, template_id=template.id, active=False)
    assert await runs.missing_required_items(work_order_id=wo.id) == []


async def test_missing_shrinks_as_items_are_answered(db: Any) -> None:
    tech, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc())
    run = await runs.ensure_run(actor=tech, work_order_id=wo.id)
    await runs.answer_item(actor=tech, run_id=run.id, item_key="uniform", value=True)
    await runs.answer_item(actor=tech, run_id=run.id, item_key="gifts_declined", value=True)
    assert await runs.missing_required_items(work_order_id=wo.id) == [
        "visit_time",
        "sheet_photo",
        "customer_tested",
    ]
    await runs.answer_item(actor=tech, run_id=run.id, item_key="visit_time", value="14:00 today")
    await runs.answer_item(actor=tech, run_id=run.id, item_key="sheet_photo", value=[str(uuid.uuid4())])
    done = await runs.answer_item(actor=tech, run_id=run.id, item_key="customer_tested", value=True)
    assert await runs.missing_required_items(work_order_id=wo.id) == []
    assert done.completed_at is not None


async def test_missing_follows_the_version_the_run_was_started_on(db: Any) -> None:
    tech, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc(items=[_item("uniform", "check")]))
    run = await runs.ensure_run(actor=tech, work_order_id=wo.id)
    await templates.create_template(
        actor=desk, document=_doc(version=2, items=[_item("uniform", "check"), _item("badge", "check")])
    )
    await runs.answer_item(actor=tech, run_id=run.id, item_key="uniform", value=True)
    assert await runs.missing_required_items(work_order_id=wo.id) == []
    other = await make_work_order(assigned_to=await make_user(), status=Status.ON_SITE)
    assert await runs.missing_required_items(work_order_id=other.id) == ["uniform", "badge"]


# --- ensure_run -----------------------------------------------------------------------------


async def test_ensure_run_is_idempotent_and_keeps_client_id(db: Any) -> None:
    tech, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc())
    client_id = uuid.uuid4()
    first = await runs.ensure_run(actor=tech, work_order_id=wo.id, id=client_id)
    again = await runs.ensure_run(actor=desk, work_order_id=wo.id)
    assert first.id == again.id == client_id
    assert first.technician_id == tech.user_id  # type: ignore[attr-defined]
    assert await ChecklistRun.filter(work_order_id=wo.id).count() == 1


async def test_ensure_run_with_id_of_another_orders_run_conflicts(db: Any) -> None:
    tech, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc())
    run = await runs.ensure_run(actor=tech, work_order_id=wo.id)
    other = await make_work_order(assigned_to=await make_user(), status=Status.ON_SITE)
    assert await _code(runs.ensure_run(actor=desk, work_order_id=other.id, id=run.id)) == "CONFLICT"


async def test_ensure_run_needs_an_active_template(db: Any) -> None:
    tech, _, wo = await _setup()
    assert await _code(runs.ensure_run(actor=tech, work_order_id=wo.id)) == "NOT_FOUND"


async def test_ensure_run_refuses_another_technicians_order(db: Any) -> None:
    _, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc())
    stranger = actor_of(await make_user())
    assert await _code(runs.ensure_run(actor=stranger, work_order_id=wo.id)) == "NOT_FOUND"


async def test_supervisor_may_not_start_a_checklist(db: Any) -> None:
    _, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc())
    boss = actor_of(await make_user(Role.SUPERVISOR))
    assert await _code(runs.ensure_run(actor=boss, work_order_id=wo.id)) == "FORBIDDEN"


# --- answer_item ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("item_key", "good", "bad"),
    [
        ("uniform", True, [False, "yes", 1]),
        ("visit_time", "tomorrow 9:00", ["   ", True, ["x"]]),
        ("sheet_photo", ["photo-1", "photo-2"], [[], "photo-1", [""], [1]]),
        ("customer_tested", True, [False, "ok"]),
    ],
)
async def test_answers_per_evidence_kind(db: Any, item_key: str, good: Any, bad: list[Any]) -> None:
    tech, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc())
    run = await runs.ensure_run(actor=tech, work_order_id=wo.id)
    for value in bad:
        code = await _code(runs.answer_item(actor=tech, run_id=run.id, item_key=item_key, value=value))
        assert code == "VALIDATION_FAILED", value
    run = await runs.answer_item(actor=tech, run_id=run.id, item_key=item_key, value=good)
    stored = (await ChecklistRun.get(id=run.id)).answers[item_key]
    assert stored["value"] == good
    assert stored["by"] == str(tech.user_id)
    assert stored["at"]


async def test_unknown_item_key_is_refused(db: Any) -> None:
    tech, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc())
    run = await runs.ensure_run(actor=tech, work_order_id=wo.id)
    code = await _code(runs.answer_item(actor=tech, run_id=run.id, item_key="no_such_item", value=True))
    assert code == "VALIDATION_FAILED"


async def test_none_clears_an_answer_and_reopens_the_run(db: Any) -> None:
    tech, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc(items=[_item("uniform", "check")]))
    run = await runs.ensure_run(actor=tech, work_order_id=wo.id)
    run = await runs.answer_item(actor=tech, run_id=run.id, item_key="uniform", value=True)
    assert run.completed_at is not None
    run = await runs.answer_item(actor=tech, run_id=run.id, item_key="uniform", value=None)
    assert run.answers == {}
    assert run.completed_at is None
    assert await runs.missing_required_items(work_order_id=wo.id) == ["uniform"]


@pytest.mark.parametrize("status", [Status.WORK_DONE, Status.CUSTOMER_SIGNED, Status.CLOSED])
async def test_run_is_locked_from_work_done_on(db: Any, status: Status) -> None:
    tech, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc())
    run = await runs.ensure_run(actor=tech, work_order_id=wo.id)
    wo.status = status
    await wo.save()
    code = await _code(runs.answer_item(actor=tech, run_id=run.id, item_key="uniform", value=True))
    assert code == "CHECKLIST_LOCKED"
    assert await _code(runs.answer_item(actor=desk, run_id=run.id, item_key="uniform", value=True)) == (
        "CHECKLIST_LOCKED"
    )
    # Reading (and "ensuring") the existing run still works.
    assert (await runs.ensure_run(actor=tech, work_order_id=wo.id)).id == run.id


async def test_no_new_run_once_work_is_done(db: Any) -> None:
    tech, desk, wo = await _setup(status=Status.WORK_DONE)
    await templates.create_template(actor=desk, document=_doc())
    assert await _code(runs.ensure_run(actor=tech, work_order_id=wo.id)) == "CHECKLIST_LOCKED"


async def test_another_technician_cannot_answer(db: Any) -> None:
    tech, desk, wo = await _setup()
    await templates.create_template(actor=desk, document=_doc())
    run = await runs.ensure_run(actor=tech, work_order_id=wo.id)
    stranger = actor_of(await make_user())
    code = await _code(runs.answer_item(actor=stranger, run_id=run.id, item_key="uniform", value=True))
    assert code == "NOT_FOUND"
    assert await runs.get_run(actor=tech, work_order_id=wo.id) is not None
    assert await _code(runs.get_run(actor=stranger, work_order_id=wo.id)) == "NOT_FOUND"


# --- GraphQL --------------------------------------------------------------------------------

START = """
mutation($wo: ID!) {
  startChecklist(workOrderId: $wo) {
    id missingRequired completedAt
    template { key templateVersion phases { key title(lang: "en") items { key evidence text(lang: "zh") } } }
  }
}
"""
ANSWER = """
mutation($run: ID!, $key: String!, $value: JSON) {
  answerChecklistItem(runId: $run, itemKey: $key, value: $value) { answers missingRequired }
}
"""
RUN = "query($wo: ID!) { checklistRun(workOrderId: $wo) { id missingRequired } }"


async def test_checklist_over_graphql(db: Any, as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech, status=Status.ON_SITE)
    await templates.create_template(actor=actor_of(await make_user(Role.ADMIN)), document=_doc())
    client = await as_user(tech)
    wo = {"wo": str(order.id)}
    assert (await client.data(RUN, wo))["checklistRun"] is None

    run = (await client.data(START, wo))["startChecklist"]
    assert run["missingRequired"] == ["uniform", "visit_time", "sheet_photo", "customer_tested"]
    assert run["template"]["phases"][0]["title"] == "Text"
    assert run["template"]["phases"][0]["items"][0] == {"key": "uniform", "evidence": "check", "text": "文本"}

    answered = await client.data(ANSWER, {"run": run["id"], "key": "sheet_photo", "value": ["p1"]})
    result = answered["answerChecklistItem"]
    assert result["answers"]["sheet_photo"]["value"] == ["p1"]
    assert result["missingRequired"] == ["uniform", "visit_time", "customer_tested"]
    assert (await client.data(RUN, wo))["checklistRun"]["id"] == run["id"]
    bad = {"run": run["id"], "key": "uniform", "value": "yes"}
    assert await client.error_code(ANSWER, bad) == "VALIDATION_FAILED"

    order.status = Status.WORK_DONE
    await order.save()
    locked = {"run": run["id"], "key": "uniform", "value": True}
    assert await client.error_code(ANSWER, locked) == "CHECKLIST_LOCKED"


async def test_checklist_of_another_technician_is_not_found(db: Any, as_user: Any) -> None:
    tech, stranger = await make_user(), await make_user()
    order = await make_work_order(assigned_to=tech, status=Status.ON_SITE)
    await templates.create_template(actor=actor_of(await make_user(Role.ADMIN)), document=_doc())
    run = await runs.ensure_run(actor=actor_of(tech), work_order_id=order.id)
    client = await as_user(stranger)
    assert await client.error_code(START, {"wo": str(order.id)}) == "NOT_FOUND"
    assert await client.error_code(RUN, {"wo": str(order.id)}) == "NOT_FOUND"
    answer = {"run": str(run.id), "key": "uniform", "value": True}
    assert await client.error_code(ANSWER, answer) == "NOT_FOUND"
    assert await client.error_code(ANSWER, {**answer, "run": "nope"}) == "NOT_FOUND"
