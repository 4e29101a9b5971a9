from __future__ import annotations

import asyncio
from datetime import timedelta
from typing import Any

from server.core.jobs import JOBS, Job, JobRunner, run_once


async def test_every_housekeeping_job_runs_on_an_empty_database(db: Any) -> None:
    await run_once(JOBS)  # each job is safe to run at any time; failures would be logged, so check directly
    for job in JOBS:
        await job.run()


async def test_a_failing_job_does_not_stop_the_others(db: Any) -> None:
    ran: list[str] = []

    async def boom() -> None:
        raise RuntimeError("broken")

    async def fine() -> None:
        ran.append("fine")

    await run_once((Job("boom", timedelta(seconds=1), boom), Job("fine", timedelta(seconds=1), fine)))
    assert ran == ["fine"]


async def test_runner_repeats_and_stops() -> None:
    ran: list[int] = []

    async def tick() -> None:
        ran.append(1)

    runner = JobRunner((Job("tick", timedelta(milliseconds=10), tick),))
    runner.start()
    while len(ran) < 2:  # noqa: ASYNC110 - polling a list filled by the job
        await asyncio.sleep(0.01)
    await runner.stop()
    count = len(ran)
    await asyncio.sleep(0.05)
    assert len(ran) == count
