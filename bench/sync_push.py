"""Goal 2: push 1,000 mutations with merge; a replayed batch costs at most 20 % of the first.

A technician's device edits 1,000 of its work notes offline and pushes them in batches of 100
rows, each with `assumedMasterState`, so every row goes through the three-way merge, the domain
check, the versioned write and its audit entry. The batches go to the `/graphql` endpoint of a
live server (`uvicorn server.app:create_app --factory` on loopback). Then the very same batches
are sent again (same mutation ids: the device never got the answers) and must be answered from
the idempotency log without writing anything.

    .venv/bin/python -m bench.sync_push            # 1,000 mutations, 5 rounds
    .venv/bin/python -m bench.sync_push --quick    # 200 mutations, 2 rounds
    .venv/bin/python -m bench.sync_push --pg       # on a fresh PostgreSQL database
"""

from __future__ import annotations

import asyncio
import uuid
from dataclasses import dataclass
from typing import Any

import httpx

from bench.common import (
    BenchError,
    Gql,
    LiveServer,
    Sample,
    arg_parser,
    backend_label,
    bulk_notes,
    connected,
    live_server,
    machine_load,
    make_scope,
    print_table,
    pull_query,
    push_query,
    sample,
    temp_settings,
    verdict,
)
from server.worklog.models import WorkNote
from sync.models import SyncCounter

GOAL_RATE = 2000.0
GOAL_REPLAY = 0.20
BATCH = 100
COLLECTION = "workNotes"


@dataclass
class Round:
    first: Sample  # cpu: the server process's
    replay: Sample


async def _pull_all(client: Gql, total: int) -> list[dict[str, Any]]:
    docs: list[dict[str, Any]] = []
    checkpoint = None
    while len(docs) < total:
        batch = (await client.call(pull_query(COLLECTION), {"c": checkpoint, "l": 1000}))["pullWorkNotes"]
        docs.extend(batch["documents"])
        checkpoint = batch["checkpoint"]
        if not batch["documents"]:
            break
    if len(docs) != total:
        raise BenchError(f"expected {total} notes, pulled {len(docs)}")
    return docs


def _edits(masters: list[dict[str, Any]], n: int) -> list[list[dict[str, Any]]]:
    """Batches of push rows: each note's body edited on the device, against its known master."""
    rows = [
        {
            "newDocumentState": {**doc, "body": f"{doc['body']} / 复查 {n}"},
            "assumedMasterState": doc,
            "mutationId": str(uuid.uuid4()),
        }
        for doc in masters
    ]
    return [rows[i : i + BATCH] for i in range(0, len(rows), BATCH)]


async def _push(client: Gql, batches: list[list[dict[str, Any]]]) -> list[Any]:
    answers = []
    for rows in batches:
        answers.append((await client.call(push_query(COLLECTION), {"r": rows}))["pushWorkNotes"])
    return answers


async def _counter() -> int:
    return int((await SyncCounter.get(name="global")).value)


async def _timed_push(server: LiveServer, client: Gql, batches: list[list[dict[str, Any]]]) -> Sample:
    cpu = server.cpu_seconds()
    answers: list[Any] = []

    async def run() -> None:
        answers.extend(await _push(client, batches))

    measured = await sample(run)
    # Every row merges cleanly and is stored exactly as sent, so no row needs an answer.
    if any(answers):
        raise BenchError(f"unexpected push answers: {next(a for a in answers if a)[:1]}")
    return Sample(wall=measured.wall, cpu=server.cpu_seconds() - cpu)


async def measure(total: int, rounds: int, *, pg: bool) -> tuple[list[Round], str]:
    async with temp_settings(pg=pg) as settings, connected(settings):
        scope = await make_scope(1)
        await bulk_notes(scope, total)
        async with (
            live_server(settings) as server,
            httpx.AsyncClient(base_url=server.url, timeout=60) as http,
        ):
            client = await Gql(http).login(scope.technician.username)
            masters = await _pull_all(client, total)
            results: list[Round] = []
            # Round 0 warms the server (schema, statement caches) and is not reported.
            for n in range(rounds + 1):
                batches = _edits(masters, n)
                before = await _counter()
                first = await _timed_push(server, client, batches)
                if await _counter() - before < total:
                    raise BenchError("the first push did not write every row")
                stamped = await _counter()
                replay = await _timed_push(server, client, batches)
                if await _counter() != stamped:
                    raise BenchError("the replay wrote something")
                if n:
                    results.append(Round(first=first, replay=replay))
                # RxDB's next assumed master is the state it pushed.
                masters = [row["newDocumentState"] for rows in batches for row in rows]
            edited = await WorkNote.filter(body__contains=f"/ 复查 {rounds}").count()
            if edited != total:
                raise BenchError(f"expected {total} notes with the last edit, found {edited}")
        return results, backend_label(settings)


def report(total: int, rounds: list[Round], backend: str) -> None:
    first_wall = min(r.first.wall for r in rounds)
    first_cpu = min(r.first.cpu for r in rounds)
    replay_wall = min(r.replay.wall for r in rounds)
    replay_cpu = min(r.replay.cpu for r in rounds)
    rate = total / first_wall
    replay_ratio = replay_wall / first_wall
    print_table(
        f"push {COLLECTION}: {total:,} merged updates, batches of {BATCH} ({backend}, best of {len(rounds)})",
        [
            ("first push, elapsed", f"{rate:>8,.0f} mutations/s ({first_wall * 1000:,.0f} ms)"),
            ("first push, server CPU", f"{total / first_cpu:>8,.0f} mutations/CPU-s"),
            ("replay, elapsed", f"{total / replay_wall:>8,.0f} mutations/s ({replay_wall * 1000:,.0f} ms)"),
            ("replay : first, elapsed", f"{replay_ratio:.2f}"),
            ("replay : first, server CPU", f"{replay_cpu / first_cpu:.2f}"),
            machine_load(),
            (f"goal >= {GOAL_RATE:,.0f} mutations/s", verdict(rate >= GOAL_RATE)),
            (f"goal replay <= {GOAL_REPLAY:.0%} of first", verdict(replay_ratio <= GOAL_REPLAY)),
        ],
    )


async def main() -> None:
    args = arg_parser(__doc__ or "").parse_args()
    total, rounds = (200, 2) if args.quick else (1000, 5)
    results, backend = await measure(total, rounds, pg=args.pg)
    report(total, results, backend)


if __name__ == "__main__":
    asyncio.run(main())
