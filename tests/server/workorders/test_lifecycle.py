from __future__ import annotations

import itertools

import pytest

from server.core.errors import Forbidden, InvalidTransition
from server.core.roles import Role
from server.workorders.lifecycle import (
    HOLDABLE,
    TERMINAL,
    TRANSITIONS,
    Mover,
    allowed_targets,
    check_transition,
)
from server.workorders.models import Status

ALLOWED = sorted(TRANSITIONS, key=lambda move: (move[0].value, move[1].value))
TECHNICIAN_MOVES = [move for move in ALLOWED if TRANSITIONS[move] is Mover.TECHNICIAN]
DESK_ONLY_MOVES = [move for move in ALLOWED if TRANSITIONS[move] is Mover.DESK]
REFUSED = [(a, b) for a in Status for b in Status if (a, b) not in TRANSITIONS]


def _id(move: tuple[Status, Status]) -> str:
    return f"{move[0].value}->{move[1].value}"


@pytest.mark.parametrize("move", ALLOWED, ids=_id)
@pytest.mark.parametrize("role", [Role.DISPATCHER, Role.ADMIN])
def test_desk_may_make_every_move(move: tuple[Status, Status], role: Role) -> None:
    check_transition(current=move[0], target=move[1], role=role)


@pytest.mark.parametrize("move", TECHNICIAN_MOVES, ids=_id)
def test_technician_makes_his_moves(move: tuple[Status, Status]) -> None:
    check_transition(current=move[0], target=move[1], role=Role.TECHNICIAN)


@pytest.mark.parametrize("move", DESK_ONLY_MOVES, ids=_id)
def test_technician_may_not_make_desk_moves(move: tuple[Status, Status]) -> None:
    with pytest.raises(Forbidden):
        check_transition(current=move[0], target=move[1], role=Role.TECHNICIAN)


@pytest.mark.parametrize("move", ALLOWED, ids=_id)
def test_supervisor_only_reads(move: tuple[Status, Status]) -> None:
    with pytest.raises(Forbidden):
        check_transition(current=move[0], target=move[1], role=Role.SUPERVISOR)


@pytest.mark.parametrize("move", REFUSED, ids=_id)
def test_moves_outside_the_table_are_refused(move: tuple[Status, Status]) -> None:
    with pytest.raises(InvalidTransition) as caught:
        check_transition(current=move[0], target=move[1], role=Role.ADMIN)
    assert caught.value.code == "INVALID_TRANSITION"


def test_refusal_names_both_statuses() -> None:
    with pytest.raises(InvalidTransition, match=r"A work order that is on site cannot become closed\."):
        check_transition(current=Status.ON_SITE, target=Status.CLOSED, role=Role.DISPATCHER)


def test_main_path_is_allowed_in_order() -> None:
    path = [
        Status.RECEIVED,
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.APPOINTMENT_CONFIRMED,
        Status.EN_ROUTE,
        Status.ON_SITE,
        Status.WORK_DONE,
        Status.CUSTOMER_SIGNED,
        Status.CALLED_BACK,
        Status.CLOSED,
    ]
    for current, target in itertools.pairwise(path):
        assert (current, target) in TRANSITIONS


def test_terminal_statuses_lead_nowhere() -> None:
    assert not [move for move in TRANSITIONS if move[0] in TERMINAL]


@pytest.mark.parametrize(
    ("current", "target"),
    [
        (Status.EN_ROUTE, Status.APPOINTMENT_CONFIRMED),
        (Status.WORK_DONE, Status.ON_SITE),
        (Status.CUSTOMER_SIGNED, Status.CLOSED),
        (Status.CANNOT_FINISH, Status.APPOINTMENT_CONFIRMED),
        (Status.CANNOT_FINISH, Status.DISPATCHED),
    ],
)
def test_side_paths_exist(current: Status, target: Status) -> None:
    assert (current, target) in TRANSITIONS


@pytest.mark.parametrize("held", sorted(HOLDABLE))
def test_resume_returns_to_the_held_status_only(held: Status) -> None:
    check_transition(current=Status.ON_HOLD, target=held, role=Role.DISPATCHER, held_from=held)
    other = next(s for s in sorted(HOLDABLE) if s not in {held, Status.DISPATCHED})
    with pytest.raises(InvalidTransition):
        check_transition(current=Status.ON_HOLD, target=other, role=Role.DISPATCHER, held_from=held)


def test_held_order_may_still_be_reassigned_or_cancelled() -> None:
    for target in (Status.DISPATCHED, Status.CANCELLED):
        check_transition(
            current=Status.ON_HOLD, target=target, role=Role.DISPATCHER, held_from=Status.ON_SITE
        )


def test_allowed_targets_follow_role_and_hold() -> None:
    assert allowed_targets(current=Status.ON_SITE, role=Role.TECHNICIAN) == [
        Status.WORK_DONE,
        Status.CANNOT_FINISH,
    ]
    assert allowed_targets(current=Status.ON_SITE, role=Role.SUPERVISOR) == []
    assert allowed_targets(current=Status.ON_HOLD, role=Role.DISPATCHER, held_from=Status.ACCEPTED) == [
        Status.DISPATCHED,
        Status.ACCEPTED,
        Status.CANCELLED,
    ]
