"""Property tests: adding business time and measuring it are inverse operations."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from hypothesis import given, settings
from hypothesis import strategies as st

from server.sla.calendar import BusinessCalendar
from server.sla.engine import Pause, compute_sla
from server.sla.policy import DEFAULT_TIERS
from tests.server.sla._support import CHINA

BERLIN_CAL = BusinessCalendar(
    tz="Europe/Berlin", holidays=CHINA.holidays, extra_workdays=CHINA.extra_workdays
)

# Spans 2025-2027 so New Year and every 2026 holiday and make-up day are exercised.
instants = st.datetimes(
    min_value=datetime(2025, 12, 1),
    max_value=datetime(2026, 12, 31),
    timezones=st.just(UTC),
)
durations = st.timedeltas(min_value=timedelta(0), max_value=timedelta(hours=400))


@settings(deadline=None)
@given(start=instants, duration=durations)
def test_between_inverts_add_china(start: datetime, duration: timedelta) -> None:
    end = CHINA.add_business_time(start, duration)
    assert end >= start
    assert CHINA.business_time_between(start, end) == duration


@settings(deadline=None)
@given(start=instants, duration=durations)
def test_between_inverts_add_berlin_dst(start: datetime, duration: timedelta) -> None:
    end = BERLIN_CAL.add_business_time(start, duration)
    assert BERLIN_CAL.business_time_between(start, end) == duration


@settings(deadline=None)
@given(a=instants, b=instants)
def test_add_inverts_between_up_to_idle_time(a: datetime, b: datetime) -> None:
    # Measuring then adding back lands at or before `end`, with no business time left over.
    start, end = min(a, b), max(a, b)
    reached = CHINA.add_business_time(start, CHINA.business_time_between(start, end))
    assert start <= reached <= end
    assert CHINA.business_time_between(reached, end) == timedelta(0)


@settings(deadline=None)
@given(
    start=instants,
    pause_offsets=st.lists(
        st.tuples(
            st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=5)),
            st.timedeltas(min_value=timedelta(0), max_value=timedelta(days=2)),
        ),
        max_size=4,
    ),
)
def test_resolve_deadline_consumes_exactly_the_target(
    start: datetime, pause_offsets: list[tuple[timedelta, timedelta]]
) -> None:
    # Evaluated at its own deadline, an order has spent exactly its target and is not breached.
    tier = DEFAULT_TIERS["standard"]
    pauses = tuple(Pause(start=start + a, end=start + a + b) for a, b in pause_offsets)
    horizon = start + timedelta(days=60)
    projected = compute_sla(received_at=start, tier=tier, calendar=CHINA, pauses=pauses, now=horizon)
    at_due = compute_sla(
        received_at=start, tier=tier, calendar=CHINA, pauses=pauses, now=projected.resolve_by
    )
    assert at_due.elapsed_business == tier.resolve
    assert not at_due.resolve_breached
