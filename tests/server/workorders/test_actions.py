from __future__ import annotations

from datetime import date, timedelta
from typing import Any

import pytest

from server.checklists import runs, templates
from server.core.errors import DomainError
from server.core.roles import Role
from server.workorders import service
from server.workorders.lifecycle import TRANSITIONS, Mover
from server.workorders.models import Status, WorkOrder
from server.workorders.sla_state import sla_for
from tests.factories import actor_of, make_user
from tests.server.workorders._support import code_of, freeze, order_in, people, sh

ALLOWED = sorted(TRANSITIONS, key=lambda move: (move[0].value, move[1].value))
TECHNICIAN_MOVES = [move for move in ALLOWED if TRANSITIONS[move] is Mover.TECHNICIAN]
NEXT_VISIT = date(2026, 3, 12)


def _id(move: tuple[Status, Status]) -> str:
    return f"{move[0].value}->{move[1].value}"


async def _order_for(move: tuple[Status, Status], technician: Any) -> WorkOrder:
    current, target = move
    held = (
        target if current is Status.ON_HOLD and target not in {Status.DISPATCHED, Status.CANCELLED} else None
    )
    extra: dict[str, Any] = {"held_from": held} if held is not None else {}
    return await order_in(current, technician=technician, **extra)


def _inputs(move: tuple[Status, Status]) -> dict[str, Any]:
    reason = "waiting_parts" if move[1] is Status.ON_HOLD else "The router needs a spare part"
    return {"reason": reason, "next_visit_date": NEXT_VISIT}


@pytest.mark.parametrize("move", ALLOWED, ids=_id)
async def test_desk_makes_every_allowed_move(db: Any, move: tuple[Status, Status]) -> None:
    tech, _, desk = await people()
    order = await _order_for(move, tech)
    moved = await service.transition(actor=desk, work_order_id=order.id, target=move[1], **_inputs(move))
    assert moved.status is move[1]
    assert (await WorkOrder.get(id=order.id)).status is move[1]


@pytest.mark.parametrize("move", TECHNICIAN_MOVES, ids=_id)
async def test_technician_makes_his_moves_on_his_order(db: Any, move: tuple[Status, Status]) -> None:
    tech, me, _ = await people()
    order = await _order_for(move, tech)
    moved = await service.transition(actor=me, work_order_id=order.id, target=move[1], **_inputs(move))
    assert moved.status is move[1]


@pytest.mark.parametrize(
    ("current", "target", "code"),
    [
        (Status.ON_SITE, Status.CLOSED, "INVALID_TRANSITION"),
        (Status.RECEIVED, Status.ON_SITE, "INVALID_TRANSITION"),
        (Status.CLOSED, Status.DISPATCHED, "INVALID_TRANSITION"),
        (Status.CANCELLED, Status.RECEIVED, "INVALID_TRANSITION"),
        (Status.CUSTOMER_SIGNED, Status.CLOSED, "FORBIDDEN"),
        (Status.ACCEPTED, Status.CANCELLED, "FORBIDDEN"),
        (Status.ON_SITE, Status.ON_HOLD, "FORBIDDEN"),
    ],
)
async def test_technician_refused(db: Any, current: Status, target: Status, code: str) -> None:
    tech, me, _ = await people()
    order = await order_in(current, technician=tech)
    assert (
        await code_of(service.transition(actor=me, work_order_id=order.id, target=target, reason="x")) == code
    )
    assert (await WorkOrder.get(id=order.id)).status is current


async def test_supervisor_cannot_move_orders(db: Any) -> None:
    tech, _, _ = await people()
    supervisor = actor_of(await make_user(Role.SUPERVISOR))
    order = await order_in(Status.CUSTOMER_SIGNED, technician=tech)
    assert await code_of(
        service.transition(actor=supervisor, work_order_id=order.id, target=Status.CLOSED)
    ) == ("FORBIDDEN")


async def test_other_technicians_order_is_not_found(db: Any) -> None:
    tech, _, _ = await people()
    stranger = actor_of(await make_user())
    order = await order_in(Status.DISPATCHED, technician=tech)
    code = await code_of(service.transition(actor=stranger, work_order_id=order.id, target=Status.ACCEPTED))
    assert code == "NOT_FOUND"


async def test_main_path_stamps_each_step(db: Any) -> None:
    tech, me, desk = await people()
    order = await order_in(Status.RECEIVED, technician=None)
    freeze(sh(2026, 3, 9, 9, 5))
    order = await service.assign_work_order(actor=desk, work_order_id=order.id, technician_id=tech.id)
    assert order.dispatched_at == sh(2026, 3, 9, 9, 5)
    steps = [
        (me, Status.ACCEPTED, "accepted_at"),
        (me, Status.APPOINTMENT_CONFIRMED, None),
        (me, Status.EN_ROUTE, None),
        (me, Status.ON_SITE, "arrived_at"),
        (me, Status.WORK_DONE, "work_done_at"),
        (me, Status.CUSTOMER_SIGNED, "signed_at"),
        (desk, Status.CALLED_BACK, "called_back_at"),
        (desk, Status.CLOSED, "closed_at"),
    ]
    for minute, (actor, target, stamp) in enumerate(steps, start=10):
        freeze(sh(2026, 3, 9, 10, minute))
        order = await service.transition(actor=actor, work_order_id=order.id, target=target)
        if stamp is not None:
            assert getattr(order, stamp) == sh(2026, 3, 9, 10, minute)
    stored = await WorkOrder.get(id=order.id)
    assert stored.status is Status.CLOSED
    assert stored.responded_at == stored.accepted_at == sh(2026, 3, 9, 10, 10)


async def test_failed_customer_test_reopens_the_work(db: Any) -> None:
    tech, me, _ = await people()
    order = await order_in(Status.ON_SITE, technician=tech, arrived_at=sh(2026, 3, 9, 10))
    order = await service.transition(actor=me, work_order_id=order.id, target=Status.WORK_DONE)
    assert order.work_done_at is not None
    order = await service.transition(actor=me, work_order_id=order.id, target=Status.ON_SITE)
    assert order.work_done_at is None  # not resolved after all
    assert order.arrived_at == sh(2026, 3, 9, 10)


async def test_cancel_needs_a_reason(db: Any) -> None:
    tech, _, desk = await people()
    order = await order_in(Status.DISPATCHED, technician=tech)
    assert await code_of(service.cancel_work_order(actor=desk, work_order_id=order.id, reason="  ")) == (
        "REASON_REQUIRED"
    )
    cancelled = await service.cancel_work_order(actor=desk, work_order_id=order.id, reason="Customer moved")
    assert cancelled.status is Status.CANCELLED
    assert cancelled.cancel_reason == "Customer moved"
    assert cancelled.cancelled_at is not None


async def test_cannot_finish_needs_reason_and_next_visit_date(db: Any) -> None:
    tech, me, _ = await people()
    order = await order_in(Status.ON_SITE, technician=tech)
    no_date = service.transition(
        actor=me, work_order_id=order.id, target=Status.CANNOT_FINISH, reason="Spare part needed"
    )
    assert await code_of(no_date) == "NEXT_VISIT_DATE_REQUIRED"
    no_reason = service.transition(
        actor=me, work_order_id=order.id, target=Status.CANNOT_FINISH, next_visit_date=NEXT_VISIT
    )
    assert await code_of(no_reason) == "REASON_REQUIRED"
    moved = await service.transition(
        actor=me,
        work_order_id=order.id,
        target=Status.CANNOT_FINISH,
        reason="Spare part needed",
        next_visit_date=NEXT_VISIT,
    )
    assert (moved.status, moved.next_visit_date, moved.cannot_finish_reason) == (
        Status.CANNOT_FINISH,
        NEXT_VISIT,
        "Spare part needed",
    )
    again = await service.transition(actor=me, work_order_id=order.id, target=Status.APPOINTMENT_CONFIRMED)
    assert again.status is Status.APPOINTMENT_CONFIRMED


async def test_dispatch_by_transition_needs_a_technician(db: Any) -> None:
    _, _, desk = await people()
    order = await order_in(Status.RECEIVED, technician=None)
    code = await code_of(service.transition(actor=desk, work_order_id=order.id, target=Status.DISPATCHED))
    assert code == "TECHNICIAN_REQUIRED"


# --- checklist ---------------------------------------------------------------------------------

T = {"en": "Text", "zh-CN": "文本"}
CHECKLIST = {
    "key": "etiquette",
    "version": 1,
    "title": T,
    "phases": [
        {
            "key": "working",
            "title": T,
            "items": [
                {"key": "shoe_covers", "required": True, "evidence": "check", "text": T},
                {"key": "customer_tested", "required": True, "evidence": "customer_confirm", "text": T},
            ],
        }
    ],
}


async def test_work_done_refused_while_checklist_items_are_missing(db: Any) -> None:
    tech, me, desk = await people()
    await templates.create_template(actor=desk, document=CHECKLIST)
    order = await order_in(Status.ON_SITE, technician=tech)
    with pytest.raises(DomainError) as caught:
        await service.transition(actor=me, work_order_id=order.id, target=Status.WORK_DONE)
    assert caught.value.code == "CHECKLIST_INCOMPLETE"
    assert caught.value.details["missing"] == ["shoe_covers", "customer_tested"]
    assert (await WorkOrder.get(id=order.id)).status is Status.ON_SITE

    run = await runs.ensure_run(actor=me, work_order_id=order.id)
    await runs.answer_item(actor=me, run_id=run.id, item_key="shoe_covers", value=True)
    code = await code_of(service.transition(actor=me, work_order_id=order.id, target=Status.WORK_DONE))
    assert code == "CHECKLIST_INCOMPLETE"
    await runs.answer_item(actor=me, run_id=run.id, item_key="customer_tested", value=True)
    done = await service.transition(actor=me, work_order_id=order.id, target=Status.WORK_DONE)
    assert done.status is Status.WORK_DONE


# --- hold / resume -----------------------------------------------------------------------------


async def test_hold_and_resume_pause_the_sla_clock(db: Any) -> None:
    tech, _, desk = await people()
    received = sh(2026, 3, 9, 10)  # a Monday, standard tier: respond 2 h, resolve 4 h (business time)
    order = await order_in(Status.ACCEPTED, technician=tech, received_at=received)

    freeze(received + timedelta(minutes=30))
    held = await service.hold_work_order(actor=desk, work_order_id=order.id, reason="waiting_parts")
    assert (held.status, held.status_before_hold, held.hold_reason) == (
        Status.ON_HOLD,
        "accepted",
        "waiting_parts",
    )
    freeze(received + timedelta(minutes=60))
    during = await sla_for(held)
    assert during.paused_now
    assert during.paused_total == timedelta(minutes=30)

    freeze(received + timedelta(minutes=90))
    resumed = await service.resume_work_order(actor=desk, work_order_id=order.id)
    assert resumed.status is Status.ACCEPTED
    assert resumed.status_before_hold == ""
    assert resumed.pauses == [
        {
            "start": (received + timedelta(minutes=30)).isoformat(),
            "end": (received + timedelta(minutes=90)).isoformat(),
            "reason": "waiting_parts",
        }
    ]
    freeze(received + timedelta(hours=2))
    after = await sla_for(await WorkOrder.get(id=order.id))
    assert not after.paused_now
    assert after.paused_total == timedelta(hours=1)
    assert after.resolve_by == received + timedelta(hours=5)  # 4 h target + 1 h on hold
    assert after.resolve_left == timedelta(hours=3)


async def test_hold_needs_a_known_reason_and_resume_needs_a_hold(db: Any) -> None:
    tech, _, desk = await people()
    order = await order_in(Status.ACCEPTED, technician=tech)
    assert await code_of(service.hold_work_order(actor=desk, work_order_id=order.id, reason="bored")) == (
        "REASON_REQUIRED"
    )
    assert (
        await code_of(service.resume_work_order(actor=desk, work_order_id=order.id)) == "INVALID_TRANSITION"
    )


async def test_resume_does_not_restamp_the_held_status(db: Any) -> None:
    tech, _, desk = await people()
    accepted_at = sh(2026, 3, 9, 10)
    order = await order_in(Status.ACCEPTED, technician=tech, accepted_at=accepted_at)
    await service.hold_work_order(actor=desk, work_order_id=order.id, reason="waiting_customer")
    resumed = await service.resume_work_order(actor=desk, work_order_id=order.id)
    assert resumed.accepted_at == accepted_at


async def test_cancelling_a_held_order_closes_the_pause(db: Any) -> None:
    tech, _, desk = await people()
    order = await order_in(Status.ON_HOLD, technician=tech)
    cancelled = await service.cancel_work_order(actor=desk, work_order_id=order.id, reason="Duplicate")
    assert all(p["end"] is not None for p in cancelled.pauses)
    assert cancelled.status_before_hold == ""


# --- late reports and escalations --------------------------------------------------------------


async def test_late_report_on_the_way_goes_back_to_arranging_the_visit(db: Any) -> None:
    tech, me, desk = await people()
    order = await order_in(Status.EN_ROUTE, technician=tech, dispatched_at=sh(2026, 3, 9, 9))
    freeze(sh(2026, 3, 9, 10))
    late = await service.report_late(actor=me, work_order_id=order.id, reason="Flat tyre")
    assert (late.status, late.late_reported_at, late.late_reason) == (
        Status.APPOINTMENT_CONFIRMED,
        sh(2026, 3, 9, 10),
        "Flat tyre",
    )
    other = await make_user()
    freeze(sh(2026, 3, 9, 10, 5))
    again = await service.assign_work_order(actor=desk, work_order_id=order.id, technician_id=other.id)
    assert again.status is Status.DISPATCHED
    assert again.redispatched_at == sh(2026, 3, 9, 10, 5)
    assert again.dispatched_at == sh(2026, 3, 9, 9)  # the first dispatch is kept


async def test_late_report_before_leaving_keeps_the_status(db: Any) -> None:
    tech, me, _ = await people()
    order = await order_in(Status.ACCEPTED, technician=tech)
    late = await service.report_late(actor=me, work_order_id=order.id, reason="Previous job overran")
    assert late.status is Status.ACCEPTED
    assert late.late_reported_at is not None


async def test_late_report_refused_on_site_and_without_reason(db: Any) -> None:
    tech, me, _ = await people()
    order = await order_in(Status.ON_SITE, technician=tech)
    assert await code_of(service.report_late(actor=me, work_order_id=order.id, reason="x")) == (
        "INVALID_TRANSITION"
    )
    other = await order_in(Status.ACCEPTED, technician=tech)
    assert (
        await code_of(service.report_late(actor=me, work_order_id=other.id, reason="")) == "REASON_REQUIRED"
    )


async def test_escalation_raised_and_acknowledged(db: Any) -> None:
    tech, me, desk = await people()
    supervisor = actor_of(await make_user(Role.SUPERVISOR))
    order = await order_in(Status.ON_SITE, technician=tech)
    assert await code_of(service.acknowledge_escalation(actor=supervisor, work_order_id=order.id)) == (
        "NO_PENDING_ESCALATION"
    )
    freeze(sh(2026, 3, 9, 11))
    raised = await service.raise_escalation(actor=me, work_order_id=order.id, note="Fibre cut in the street")
    assert (raised.escalation_raised_at, raised.escalation_note) == (
        sh(2026, 3, 9, 11),
        "Fibre cut in the street",
    )
    assert await code_of(service.acknowledge_escalation(actor=desk, work_order_id=order.id)) == "FORBIDDEN"
    freeze(sh(2026, 3, 9, 11, 10))
    again = await service.raise_escalation(actor=me, work_order_id=order.id, note="Whole street is down")
    assert (again.escalation_raised_at, again.escalation_note) == (sh(2026, 3, 9, 11), "Whole street is down")
    freeze(sh(2026, 3, 9, 11, 15))
    acked = await service.acknowledge_escalation(actor=supervisor, work_order_id=order.id)
    assert acked.escalated_at == sh(2026, 3, 9, 11, 15)


async def test_supervisor_cannot_raise_an_escalation(db: Any) -> None:
    tech, _, _ = await people()
    supervisor = actor_of(await make_user(Role.SUPERVISOR))
    order = await order_in(Status.ON_SITE, technician=tech)
    code = await code_of(service.raise_escalation(actor=supervisor, work_order_id=order.id, note="x"))
    assert code == "FORBIDDEN"
