"""SLA clocks for one work order, and the service-desk timers.

Policy:
- The respond and resolve clocks both start at `received_at`. Only business time counts
  (per the calendar), minus time the order was on hold (pauses: waiting for the customer or
  for parts). Overlapping pauses count once. A pause still open is treated as ending `now`.
- The respond clock stops at `responded_at`; if no response was recorded but the order is
  resolved, the resolution counts as the response. The resolve clock stops at `resolved_at`.
- `respond_by` / `resolve_by` are wall-clock instants at which the target is reached given
  the pauses so far; while paused they are projected as if the pause ended `now`, so they
  move later for as long as the order stays on hold.
- A clock is breached when it stops (or, still running, when `now` is) after its deadline
  instant. `*_left` is remaining business time: negative once business time beyond the
  target has elapsed; it can be zero with `breached` true, e.g. a deadline of Friday 17:00
  seen on Saturday.
- Tier changes: call `compute_sla` with the new tier. Targets are always measured from
  `received_at` with the current tier, so an upgrade or downgrade applies retroactively and
  the elapsed business time is kept; an upgrade can make an order breached at once.
- The tier's `calendar_mode` decides: a "24x7" tier runs on wall-clock time whatever the
  calendar says; a "5x8" tier uses the site calendar as configured.
- Events before `received_at` are rejected; a `now` earlier than `received_at` (clock skew)
  counts as no time elapsed.
- Desk timers run on wall-clock time. A completion earlier than its start event belongs to
  an earlier cycle (e.g. a re-dispatch before the latest late report) and does not count.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from server.core.clock import utcnow
from server.core.errors import ValidationFailed
from server.sla._convert import iso, optional_utc, require_utc, seconds
from server.sla.calendar import BusinessCalendar
from server.sla.policy import DISPATCH_WITHIN, ESCALATE_WITHIN, REDISPATCH_WITHIN, SlaTier

DeskTimerName = Literal["dispatch", "redispatch", "escalation"]

_ZERO = timedelta(0)
_Span = tuple[datetime, datetime]


@dataclass(frozen=True)
class Pause:
    """An on-hold period; `end=None` means the order is still on hold."""

    start: datetime
    end: datetime | None = None

    def __post_init__(self) -> None:
        start = require_utc(self.start, field="pause.start")
        end = optional_utc(self.end, field="pause.end")
        if end is not None and end < start:
            raise ValidationFailed("pause.end is before pause.start", field="pause.end")
        object.__setattr__(self, "start", start)
        object.__setattr__(self, "end", end)


@dataclass(frozen=True)
class SlaState:
    tier_code: str
    received_at: datetime
    as_of: datetime
    respond_by: datetime
    resolve_by: datetime
    respond_left: timedelta
    resolve_left: timedelta
    respond_breached: bool
    resolve_breached: bool
    responded_at: datetime | None
    resolved_at: datetime | None
    paused_now: bool
    paused_total: timedelta  # paused business time on the resolve clock
    elapsed_business: timedelta  # counted (unpaused) business time on the resolve clock

    def to_dict(self) -> dict[str, object]:
        """JSON payload: instants as ISO 8601 UTC strings, durations as whole seconds."""
        return {
            "tier_code": self.tier_code,
            "received_at": iso(self.received_at),
            "as_of": iso(self.as_of),
            "respond_by": iso(self.respond_by),
            "resolve_by": iso(self.resolve_by),
            "respond_left_seconds": seconds(self.respond_left),
            "resolve_left_seconds": seconds(self.resolve_left),
            "respond_breached": self.respond_breached,
            "resolve_breached": self.resolve_breached,
            "responded_at": iso(self.responded_at),
            "resolved_at": iso(self.resolved_at),
            "paused_now": self.paused_now,
            "paused_total_seconds": seconds(self.paused_total),
            "elapsed_business_seconds": seconds(self.elapsed_business),
        }


@dataclass(frozen=True)
class _Clock:
    due_at: datetime
    left: timedelta
    breached: bool
    elapsed: timedelta
    paused: timedelta


def compute_sla(
    *,
    received_at: datetime,
    tier: SlaTier,
    calendar: BusinessCalendar,
    pauses: Sequence[Pause] = (),
    responded_at: datetime | None = None,
    resolved_at: datetime | None = None,
    now: datetime | None = None,
) -> SlaState:
    received = require_utc(received_at, field="received_at")
    responded = _event(responded_at, received=received, field="responded_at")
    resolved = _event(resolved_at, received=received, field="resolved_at")
    current = max(require_utc(now if now is not None else utcnow(), field="now"), received)
    cal = calendar if tier.calendar_mode == "5x8" else dataclasses.replace(calendar, mode="24x7")
    respond_stop = min((t for t in (responded, resolved) if t is not None), default=None)

    respond = _run_clock(
        cal, start=received, target=tier.respond, pauses=pauses, stop=respond_stop, now=current
    )
    resolve = _run_clock(cal, start=received, target=tier.resolve, pauses=pauses, stop=resolved, now=current)
    on_hold = any(p.start <= current and (p.end is None or p.end > current) for p in pauses)
    return SlaState(
        tier_code=tier.code,
        received_at=received,
        as_of=current,
        respond_by=respond.due_at,
        resolve_by=resolve.due_at,
        respond_left=respond.left,
        resolve_left=resolve.left,
        respond_breached=respond.breached,
        resolve_breached=resolve.breached,
        responded_at=responded,
        resolved_at=resolved,
        paused_now=on_hold and resolved is None,
        paused_total=resolve.paused,
        elapsed_business=resolve.elapsed,
    )


def _event(value: datetime | None, *, received: datetime, field: str) -> datetime | None:
    moment = optional_utc(value, field=field)
    if moment is not None and moment < received:
        raise ValidationFailed(f"{field} is before received_at", field=field)
    return moment


def _run_clock(
    cal: BusinessCalendar,
    *,
    start: datetime,
    target: timedelta,
    pauses: Sequence[Pause],
    stop: datetime | None,
    now: datetime,
) -> _Clock:
    horizon = stop if stop is not None else now
    spans = _merged_spans(pauses, low=start, high=horizon, now=now)
    paused = sum((cal.business_time_between(a, b) for a, b in spans), _ZERO)
    elapsed = cal.business_time_between(start, horizon) - paused
    due = _due_at(cal, start=start, target=target, spans=spans)
    return _Clock(due_at=due, left=target - elapsed, breached=horizon > due, elapsed=elapsed, paused=paused)


def _merged_spans(pauses: Sequence[Pause], *, low: datetime, high: datetime, now: datetime) -> list[_Span]:
    """Pauses clipped to [low, high] and merged, so overlaps are counted once."""
    clipped = sorted((max(p.start, low), min(p.end if p.end is not None else now, high)) for p in pauses)
    merged: list[_Span] = []
    for a, b in clipped:
        if b <= a:
            continue
        if merged and a <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], b))
        else:
            merged.append((a, b))
    return merged


def _due_at(cal: BusinessCalendar, *, start: datetime, target: timedelta, spans: Sequence[_Span]) -> datetime:
    """Walk the gaps between pauses, spending the target's business time until it runs out."""
    cursor, remaining = start, target
    for pause_start, pause_end in spans:
        candidate = cal.add_business_time(cursor, remaining)
        if candidate <= pause_start:
            return candidate
        remaining -= cal.business_time_between(cursor, pause_start)
        cursor = pause_end
    return cal.add_business_time(cursor, remaining)


@dataclass(frozen=True)
class DeskTimer:
    name: DeskTimerName
    started_at: datetime
    due_at: datetime
    met_at: datetime | None
    breached: bool
    left: timedelta  # wall-clock time to the deadline; negative when late

    def to_dict(self) -> dict[str, object]:
        return {
            "name": self.name,
            "started_at": iso(self.started_at),
            "due_at": iso(self.due_at),
            "met_at": iso(self.met_at),
            "breached": self.breached,
            "left_seconds": seconds(self.left),
        }


def compute_desk_timers(
    *,
    received_at: datetime,
    dispatched_at: datetime | None = None,
    late_reported_at: datetime | None = None,
    redispatched_at: datetime | None = None,
    escalation_raised_at: datetime | None = None,
    escalated_at: datetime | None = None,
    now: datetime | None = None,
) -> list[DeskTimer]:
    """Desk timers whose start event has happened, in life-cycle order."""
    current = require_utc(now if now is not None else utcnow(), field="now")
    plan: tuple[tuple[DeskTimerName, str, datetime | None, str, datetime | None, timedelta], ...] = (
        ("dispatch", "received_at", received_at, "dispatched_at", dispatched_at, DISPATCH_WITHIN),
        (
            "redispatch",
            "late_reported_at",
            late_reported_at,
            "redispatched_at",
            redispatched_at,
            REDISPATCH_WITHIN,
        ),
        (
            "escalation",
            "escalation_raised_at",
            escalation_raised_at,
            "escalated_at",
            escalated_at,
            ESCALATE_WITHIN,
        ),
    )
    timers: list[DeskTimer] = []
    for name, start_field, start, end_field, end, within in plan:
        started = optional_utc(start, field=start_field)
        if started is None:
            continue
        ended = optional_utc(end, field=end_field)
        met = ended if ended is not None and ended >= started else None
        stop = met if met is not None else current
        due = started + within
        timers.append(
            DeskTimer(
                name=name, started_at=started, due_at=due, met_at=met, breached=stop > due, left=due - stop
            )
        )
    return timers
