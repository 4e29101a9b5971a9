"""Periodic housekeeping inside the server process: no cron to install, and on SQLite there is
only one process anyway. Each job is idempotent, so on PostgreSQL several processes running the
same job at once only repeat work, never duplicate its effects."""

from __future__ import annotations

import asyncio
import contextlib
import logging
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta

from server.core.clock import utcnow

log = logging.getLogger("doorstep.jobs")


@dataclass(frozen=True)
class Job:
    name: str
    every: timedelta
    run: Callable[[], Awaitable[object]]


async def _close_unsampled() -> object:
    from server.followup.queue import close_unsampled

    return await close_unsampled()


async def _repeat_faults() -> object:
    from server.problems.detection import detect_repeat_faults

    # Orders are flagged when created; this catches any created while detection was failing.
    return await detect_repeat_faults(since=utcnow() - timedelta(days=2))


async def _suggest_problems() -> object:
    from server.problems.detection import suggest_problems

    return await suggest_problems(month=utcnow().date())


async def _report_facts() -> object:
    from server.reports.facts import refresh_stale

    # Status moves refresh an order's report facts at once; this catches edits without a move
    # (a changed tier) so the dashboard never lags by more than an hour.
    return await refresh_stale(actor=None, since=utcnow() - timedelta(days=35))


JOBS = (
    Job("close orders left out of the call-back sample", timedelta(minutes=5), _close_unsampled),
    Job("flag repeat faults", timedelta(hours=1), _repeat_faults),
    Job("suggest problem records", timedelta(hours=6), _suggest_problems),
    Job("bring report facts up to date", timedelta(hours=1), _report_facts),
)


async def run_once(jobs: tuple[Job, ...] = JOBS) -> None:
    for job in jobs:
        try:
            result = await job.run()
            log.info("job %r done: %s", job.name, result)
        except Exception:  # a failing job is logged and retried next time; it must not stop the others
            log.exception("job %r failed", job.name)


async def _loop(job: Job) -> None:
    while True:
        await asyncio.sleep(job.every.total_seconds())
        await run_once((job,))


class JobRunner:
    def __init__(self, jobs: tuple[Job, ...] = JOBS) -> None:
        self.jobs = jobs
        self._tasks: list[asyncio.Task[None]] = []

    def start(self) -> None:
        self._tasks = [asyncio.create_task(_loop(job), name=f"job: {job.name}") for job in self.jobs]

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for task in self._tasks:
            with contextlib.suppress(asyncio.CancelledError):
                await task
        self._tasks = []
