from __future__ import annotations

import json
from datetime import datetime

import pytest

from server.core.errors import ValidationFailed
from server.sla.engine import DeskTimer, compute_desk_timers
from tests.server.sla._support import minutes, sh

RECEIVED = sh(2026, 3, 9, 9)


def by_name(timers: list[DeskTimer]) -> dict[str, DeskTimer]:
    return {t.name: t for t in timers}


def test_only_started_timers_are_listed() -> None:
    timers = compute_desk_timers(received_at=RECEIVED, now=sh(2026, 3, 9, 9, 4))
    assert [t.name for t in timers] == ["dispatch"]
    dispatch = timers[0]
    assert dispatch.due_at == sh(2026, 3, 9, 9, 10)
    assert dispatch.met_at is None
    assert not dispatch.breached
    assert dispatch.left == minutes(6)


def test_dispatch_met_in_time() -> None:
    (dispatch,) = compute_desk_timers(
        received_at=RECEIVED, dispatched_at=sh(2026, 3, 9, 9, 8), now=sh(2026, 3, 9, 12)
    )
    assert dispatch.met_at == sh(2026, 3, 9, 9, 8)
    assert not dispatch.breached
    assert dispatch.left == minutes(2)


def test_dispatch_met_late() -> None:
    (dispatch,) = compute_desk_timers(
        received_at=RECEIVED, dispatched_at=sh(2026, 3, 9, 9, 12), now=sh(2026, 3, 9, 12)
    )
    assert dispatch.breached
    assert dispatch.left == -minutes(2)


def test_dispatch_pending_and_overdue() -> None:
    (dispatch,) = compute_desk_timers(received_at=RECEIVED, now=sh(2026, 3, 9, 9, 15))
    assert dispatch.met_at is None
    assert dispatch.breached
    assert dispatch.left == -minutes(5)


def test_desk_timers_run_on_wall_clock_at_weekends() -> None:
    (dispatch,) = compute_desk_timers(received_at=sh(2026, 3, 14, 3), now=sh(2026, 3, 14, 3, 1))
    assert dispatch.due_at == sh(2026, 3, 14, 3, 10)


def test_redispatch_and_escalation() -> None:
    timers = by_name(
        compute_desk_timers(
            received_at=RECEIVED,
            dispatched_at=sh(2026, 3, 9, 9, 5),
            late_reported_at=sh(2026, 3, 9, 13),
            redispatched_at=sh(2026, 3, 9, 13, 5),
            escalation_raised_at=sh(2026, 3, 9, 15),
            now=sh(2026, 3, 9, 15, 25),
        )
    )
    assert list(timers) == ["dispatch", "redispatch", "escalation"]
    assert not timers["redispatch"].breached
    assert timers["redispatch"].left == minutes(5)
    escalation = timers["escalation"]
    assert escalation.due_at == sh(2026, 3, 9, 15, 20)
    assert escalation.met_at is None
    assert escalation.breached
    assert escalation.left == -minutes(5)


def test_escalation_met() -> None:
    timers = by_name(
        compute_desk_timers(
            received_at=RECEIVED,
            escalation_raised_at=sh(2026, 3, 9, 15),
            escalated_at=sh(2026, 3, 9, 15, 20),
            now=sh(2026, 3, 9, 16),
        )
    )
    assert not timers["escalation"].breached
    assert timers["escalation"].met_at == sh(2026, 3, 9, 15, 20)


def test_redispatch_from_an_earlier_cycle_does_not_count() -> None:
    timers = by_name(
        compute_desk_timers(
            received_at=RECEIVED,
            late_reported_at=sh(2026, 3, 9, 14),
            redispatched_at=sh(2026, 3, 9, 11),  # answered a previous late report
            now=sh(2026, 3, 9, 14, 3),
        )
    )
    assert timers["redispatch"].met_at is None
    assert timers["redispatch"].left == minutes(7)


def test_to_dict_is_json_ready() -> None:
    (dispatch,) = compute_desk_timers(received_at=RECEIVED, now=sh(2026, 3, 9, 9, 15))
    data = json.loads(json.dumps(dispatch.to_dict()))
    assert data == {
        "name": "dispatch",
        "started_at": "2026-03-09T01:00:00+00:00",
        "due_at": "2026-03-09T01:10:00+00:00",
        "met_at": None,
        "breached": True,
        "left_seconds": -300,
    }


def test_naive_datetime_rejected() -> None:
    with pytest.raises(ValidationFailed, match="escalated_at"):
        compute_desk_timers(
            received_at=RECEIVED,
            escalation_raised_at=sh(2026, 3, 9, 15),
            escalated_at=datetime(2026, 3, 9, 15, 5),
            now=sh(2026, 3, 9, 16),
        )
