from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta

import pytest

from server.core.clock import set_clock
from server.core.errors import ValidationFailed
from server.sla.calendar import BusinessCalendar
from server.sla.engine import Pause, SlaState, compute_sla
from server.sla.policy import DEFAULT_TIERS, SlaTier
from tests.server.sla._support import CHINA, berlin, hours, minutes, sh

STANDARD = DEFAULT_TIERS["standard"]
VIP = DEFAULT_TIERS["vip"]
PLAIN = BusinessCalendar()
MONDAY_9 = sh(2026, 3, 9, 9)  # an ordinary Monday in Shanghai


def sla(
    *,
    received_at: datetime = MONDAY_9,
    now: datetime,
    tier: SlaTier = STANDARD,
    calendar: BusinessCalendar = PLAIN,
    pauses: tuple[Pause, ...] = (),
    responded_at: datetime | None = None,
    resolved_at: datetime | None = None,
) -> SlaState:
    return compute_sla(
        received_at=received_at,
        tier=tier,
        calendar=calendar,
        pauses=pauses,
        responded_at=responded_at,
        resolved_at=resolved_at,
        now=now,
    )


@pytest.fixture
def frozen_clock() -> Iterator[datetime]:
    moment = sh(2026, 3, 9, 10)
    set_clock(lambda: moment)
    yield moment
    set_clock(None)


def test_fresh_ticket() -> None:
    state = sla(now=sh(2026, 3, 9, 9, 30))
    assert state.respond_by == sh(2026, 3, 9, 11)
    assert state.resolve_by == sh(2026, 3, 9, 13)
    assert state.respond_left == minutes(90)
    assert state.resolve_left == minutes(210)
    assert not state.respond_breached
    assert not state.resolve_breached
    assert not state.paused_now
    assert state.paused_total == timedelta(0)
    assert state.elapsed_business == minutes(30)
    assert state.respond_by.tzinfo == UTC


def test_friday_half_past_four_seen_on_saturday() -> None:
    state = sla(received_at=sh(2026, 3, 13, 16, 30), now=sh(2026, 3, 14, 12))
    assert state.respond_by == sh(2026, 3, 16, 10, 30)
    assert state.resolve_by == sh(2026, 3, 16, 12, 30)
    assert state.respond_left == minutes(90)
    assert not state.respond_breached


def test_received_during_holiday() -> None:
    state = sla(received_at=sh(2026, 10, 3, 10), calendar=CHINA, now=sh(2026, 10, 5, 10))
    assert state.respond_by == sh(2026, 10, 8, 11)
    assert state.resolve_by == sh(2026, 10, 8, 13)
    assert state.elapsed_business == timedelta(0)


def test_received_before_opening_hours() -> None:
    state = sla(received_at=sh(2026, 3, 10, 7), now=sh(2026, 3, 10, 8))
    assert state.respond_by == sh(2026, 3, 10, 11)
    assert state.respond_left == hours(2)


def test_responded_in_time_freezes_respond_clock() -> None:
    state = sla(now=sh(2026, 3, 20, 12), responded_at=sh(2026, 3, 9, 10))
    assert not state.respond_breached
    assert state.respond_left == hours(1)
    assert state.responded_at == sh(2026, 3, 9, 10)
    assert state.resolve_breached  # the resolve clock kept running


def test_responded_late() -> None:
    state = sla(now=sh(2026, 3, 9, 12), responded_at=sh(2026, 3, 9, 11, 30))
    assert state.respond_breached
    assert state.respond_left == -minutes(30)


def test_not_responded_after_deadline() -> None:
    state = sla(now=sh(2026, 3, 9, 11, 1))
    assert state.respond_breached
    assert state.respond_left == -minutes(1)


def test_exactly_at_deadline_is_not_breached() -> None:
    state = sla(now=sh(2026, 3, 9, 11), responded_at=sh(2026, 3, 9, 11))
    assert not state.respond_breached
    assert state.respond_left == timedelta(0)


def test_deadline_friday_close_is_breached_on_saturday() -> None:
    # No business time passes over the weekend, yet the deadline instant has gone by.
    state = sla(received_at=sh(2026, 3, 13, 15), now=sh(2026, 3, 14, 10))
    assert state.respond_by == sh(2026, 3, 13, 17)
    assert state.respond_left == timedelta(0)
    assert state.respond_breached


def test_resolved_stops_resolve_clock_and_respond_clock() -> None:
    state = sla(now=sh(2026, 3, 16, 9), resolved_at=sh(2026, 3, 9, 10, 30))
    assert not state.resolve_breached
    assert state.resolve_left == minutes(150)
    assert state.elapsed_business == minutes(90)
    assert not state.respond_breached  # resolving counts as responding
    assert state.respond_left == minutes(30)


def test_pause_inside_business_day() -> None:
    pause = Pause(start=sh(2026, 3, 9, 10), end=sh(2026, 3, 9, 11))
    state = sla(now=sh(2026, 3, 9, 12), pauses=(pause,))
    assert state.respond_by == sh(2026, 3, 9, 12)
    assert state.resolve_by == sh(2026, 3, 9, 14)
    assert state.paused_total == hours(1)
    assert state.elapsed_business == hours(2)
    assert not state.paused_now


def test_pause_across_business_days() -> None:
    # Mon 16:00 to Tue 10:00 on hold: one business hour each side of the night.
    pause = Pause(start=sh(2026, 3, 9, 16), end=sh(2026, 3, 10, 10))
    state = sla(received_at=sh(2026, 3, 9, 15), now=sh(2026, 3, 10, 12), pauses=(pause,))
    assert state.paused_total == hours(2)
    assert state.elapsed_business == hours(3)
    assert state.resolve_by == sh(2026, 3, 10, 13)
    assert state.respond_by == sh(2026, 3, 10, 11)


def test_overlapping_pauses_counted_once() -> None:
    pauses = (
        Pause(start=sh(2026, 3, 9, 10, 30), end=sh(2026, 3, 9, 11, 30)),
        Pause(start=sh(2026, 3, 9, 10), end=sh(2026, 3, 9, 11)),
        Pause(start=sh(2026, 3, 9, 10, 15), end=sh(2026, 3, 9, 10, 45)),  # nested
    )
    state = sla(now=sh(2026, 3, 9, 15), pauses=pauses)
    assert state.paused_total == minutes(90)
    assert state.resolve_by == sh(2026, 3, 9, 14, 30)


def test_open_pause_projects_deadline_from_now() -> None:
    pause = Pause(start=sh(2026, 3, 9, 10))
    state = sla(now=sh(2026, 3, 9, 12), pauses=(pause,))
    assert state.paused_now
    assert state.paused_total == hours(2)
    assert state.elapsed_business == hours(1)
    assert state.respond_by == sh(2026, 3, 9, 13)
    assert state.resolve_by == sh(2026, 3, 9, 15)
    assert state.respond_left == hours(1)
    # The projection moves with `now` while the order stays on hold.
    later = sla(now=sh(2026, 3, 9, 15), pauses=(pause,))
    assert later.resolve_by == sh(2026, 3, 10, 10)
    assert later.resolve_left == hours(3)


def test_open_pause_over_a_weekend_keeps_clock_still() -> None:
    pause = Pause(start=sh(2026, 3, 13, 10))
    state = sla(received_at=sh(2026, 3, 13, 9), now=sh(2026, 3, 16, 9), pauses=(pause,))
    assert state.paused_total == hours(7)
    assert state.resolve_left == hours(3)
    assert not state.resolve_breached


def test_pause_after_response_does_not_move_respond_deadline() -> None:
    pause = Pause(start=sh(2026, 3, 9, 10, 30), end=sh(2026, 3, 9, 12))
    state = sla(now=sh(2026, 3, 9, 13), responded_at=sh(2026, 3, 9, 10), pauses=(pause,))
    assert state.respond_by == sh(2026, 3, 9, 11)
    assert state.resolve_by == sh(2026, 3, 9, 14, 30)


def test_future_pause_is_ignored_and_resolved_order_is_not_paused() -> None:
    future = Pause(start=sh(2026, 3, 9, 15))
    state = sla(now=sh(2026, 3, 9, 10), pauses=(future,))
    assert state.paused_total == timedelta(0)
    assert not state.paused_now
    resolved = sla(
        now=sh(2026, 3, 9, 12), pauses=(Pause(start=sh(2026, 3, 9, 10)),), resolved_at=sh(2026, 3, 9, 11)
    )
    assert not resolved.paused_now
    assert resolved.paused_total == hours(1)


def test_tier_upgrade_makes_order_breached() -> None:
    now = sh(2026, 3, 9, 10, 30)
    assert not sla(now=now, tier=STANDARD).respond_breached
    upgraded = sla(now=now, tier=VIP)
    assert upgraded.respond_breached
    assert upgraded.respond_left == -minutes(30)
    assert upgraded.respond_by == sh(2026, 3, 9, 10)
    assert upgraded.tier_code == "vip"


def test_tier_downgrade_lifts_breach_keeping_elapsed_time() -> None:
    now = sh(2026, 3, 9, 10, 30)
    assert sla(now=now, tier=VIP).elapsed_business == sla(now=now, tier=STANDARD).elapsed_business
    assert not sla(now=now, tier=STANDARD).respond_breached


def test_24x7_tier_ignores_business_hours() -> None:
    hotline = SlaTier(
        code="h", name_en="H", name_zh="H", respond=hours(1), resolve=hours(4), calendar_mode="24x7"
    )
    saturday_night = sh(2026, 10, 3, 22)
    pause = Pause(start=sh(2026, 10, 3, 23), end=sh(2026, 10, 3, 23, 30))
    state = sla(
        received_at=saturday_night, tier=hotline, calendar=CHINA, now=sh(2026, 10, 4, 1), pauses=(pause,)
    )
    assert state.respond_by == sh(2026, 10, 3, 23)
    assert state.resolve_by == sh(2026, 10, 4, 2, 30)
    assert state.elapsed_business == minutes(150)


def test_berlin_dst_weekend() -> None:
    cal = BusinessCalendar(tz="Europe/Berlin")
    state = sla(received_at=berlin(2026, 3, 27, 16, 30), calendar=cal, now=berlin(2026, 3, 28, 12))
    assert state.respond_by == berlin(2026, 3, 30, 10, 30)
    assert state.respond_by == datetime(2026, 3, 30, 8, 30, tzinfo=UTC)


def test_now_defaults_to_server_clock(frozen_clock: datetime) -> None:
    state = compute_sla(received_at=MONDAY_9, tier=STANDARD, calendar=PLAIN)
    assert state.as_of == frozen_clock
    assert state.elapsed_business == hours(1)


def test_now_before_received_counts_nothing() -> None:
    state = sla(now=sh(2026, 3, 9, 8))
    assert state.elapsed_business == timedelta(0)
    assert state.as_of == MONDAY_9


def test_to_dict_is_json_ready() -> None:
    state = sla(now=sh(2026, 3, 9, 11, 30), responded_at=sh(2026, 3, 9, 11, 15))
    data = json.loads(json.dumps(state.to_dict()))
    assert data["respond_by"] == "2026-03-09T03:00:00+00:00"
    assert data["respond_left_seconds"] == -15 * 60
    assert data["respond_breached"] is True
    assert data["resolve_left_seconds"] == 90 * 60
    assert data["resolved_at"] is None
    assert data["paused_total_seconds"] == 0
    assert data["tier_code"] == "standard"


def test_naive_received_at_rejected() -> None:
    with pytest.raises(ValidationFailed, match="received_at must be timezone-aware"):
        sla(received_at=datetime(2026, 3, 9, 9), now=sh(2026, 3, 9, 10))


def test_naive_now_rejected() -> None:
    with pytest.raises(ValidationFailed, match="now"):
        sla(now=datetime(2026, 3, 9, 10))


def test_event_before_received_rejected() -> None:
    with pytest.raises(ValidationFailed, match="responded_at is before received_at"):
        sla(now=sh(2026, 3, 9, 10), responded_at=sh(2026, 3, 9, 8))


def test_bad_pauses_rejected() -> None:
    with pytest.raises(ValidationFailed, match=r"pause\.start"):
        Pause(start=datetime(2026, 3, 9, 10))
    with pytest.raises(ValidationFailed, match=r"before pause\.start"):
        Pause(start=sh(2026, 3, 9, 10), end=sh(2026, 3, 9, 9))
