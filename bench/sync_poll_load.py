"""Goal 3: 500 devices polling every 10 s with nothing new, 5 % of them pushing: p99 < 100 ms and
no errors against ONE server process.

The server is `uvicorn server.app:create_app --factory` on loopback (a separate process, SQLite in
a temporary data dir, or PostgreSQL with --pg). This process is the load generator: one asyncio
task per device, each with its own session token (one technician per device), on an open-loop
schedule: every `--interval` seconds from a random start, whatever the previous answer took. On
each tick a device pulls each polled collection from its checkpoint (already up to date, so
nothing comes back unless it pushed), and with probability `--push-share` first pushes one new
work note. Latency is measured by the client, from sending a request to its parsed answer.

    .venv/bin/python -m bench.sync_poll_load                 # 500 devices, 60 s
    .venv/bin/python -m bench.sync_poll_load --quick         # 50 devices, 15 s
    .venv/bin/python -m bench.sync_poll_load --collections workOrders,workNotes,appointments
"""

from __future__ import annotations

import asyncio
import contextlib
import random
import time
import uuid
from dataclasses import dataclass, field
from typing import Any

import httpx
import orjson

from bench.common import (
    Scope,
    arg_parser,
    backend_label,
    cap,
    connected,
    live_server,
    machine_load,
    make_scope,
    mint_tokens,
    percentile,
    print_table,
    pull_query,
    push_query,
    temp_settings,
    verdict,
)
from server.worklog.models import WorkNote
from sync.stamp import current_version

GOAL_P99_MS = 100.0
TIMEOUT = 10.0


@dataclass
class Tally:
    polls: list[float] = field(default_factory=list)
    pushes: list[float] = field(default_factory=list)
    errors: dict[str, int] = field(default_factory=dict)
    pushed_notes: int = 0
    server_cpu: float = 0.0
    client_cpu: float = 0.0

    def error(self, kind: str) -> None:
        self.errors[kind] = self.errors.get(kind, 0) + 1


@dataclass
class Device:
    token: str
    scope: Scope
    checkpoints: dict[str, Any]


async def _request(http: httpx.AsyncClient, device: Device, query: str, variables: dict[str, Any]) -> Any:
    body = orjson.dumps({"query": query, "variables": variables})
    headers = {"content-type": "application/json", "authorization": f"Bearer {device.token}"}
    response = await http.post("/graphql", content=body, headers=headers)
    if response.status_code != 200:
        raise RuntimeError(f"HTTP {response.status_code}")
    answer = orjson.loads(response.content)
    if answer.get("errors"):
        raise RuntimeError(str(answer["errors"][0].get("extensions", {}).get("code", "GRAPHQL")))
    return answer["data"]


async def _timed(tally: Tally, into: list[float], kind: str, call: Any) -> Any:
    start = time.perf_counter()
    try:
        result = await call
    except (httpx.HTTPError, RuntimeError) as exc:
        tally.error(f"{kind}: {type(exc).__name__} {exc}"[:120])
        return None
    into.append(time.perf_counter() - start)
    return result


async def _tick(
    http: httpx.AsyncClient, device: Device, collections: list[str], push: bool, tally: Tally
) -> None:
    if push:
        doc = {
            "id": str(uuid.uuid4()),
            "workOrderId": str(device.scope.order.pk),
            "authorId": None,
            "body": "客户试用正常，已签字 / customer tested and signed",
            "writtenAt": "2026-11-23T02:00:00Z",
            "deleted": False,
        }
        rows = [{"newDocumentState": doc, "assumedMasterState": None, "mutationId": str(uuid.uuid4())}]
        done = await _timed(
            tally, tally.pushes, "push", _request(http, device, push_query("workNotes"), {"r": rows})
        )
        if done is not None:
            tally.pushed_notes += 1
    for collection in collections:
        variables = {"c": device.checkpoints[collection], "l": 100}
        data = await _timed(
            tally, tally.polls, "pull", _request(http, device, pull_query(collection), variables)
        )
        if data is not None:
            device.checkpoints[collection] = data[f"pull{cap(collection)}"]["checkpoint"]


async def _run_device(
    http: httpx.AsyncClient,
    device: Device,
    collections: list[str],
    *,
    start: float,
    end: float,
    interval: float,
    push_share: float,
    rng: random.Random,
    tally: Tally,
) -> None:
    loop = asyncio.get_running_loop()
    due = start + rng.uniform(0, interval)
    while due < end:
        await asyncio.sleep(max(0.0, due - loop.time()))
        await _tick(http, device, collections, rng.random() < push_share, tally)
        due += interval


@dataclass(frozen=True)
class Plan:
    devices: int
    duration: float
    interval: float
    push_share: float
    collections: list[str]


async def run(plan: Plan, *, pg: bool, seed: int) -> tuple[Tally, float, str, int]:
    rng = random.Random(seed)
    async with temp_settings(pg=pg) as settings, connected(settings):
        scopes = [await make_scope(n) for n in range(plan.devices)]
        tokens = [(await mint_tokens(settings, s.technician, 1))[0] for s in scopes]
        # Every device has synced everything already: its checkpoint is the newest version.
        newest = {"version": await current_version()}
        devices = [
            Device(t, s, dict.fromkeys(plan.collections, newest)) for t, s in zip(tokens, scopes, strict=True)
        ]
        tally = Tally()
        async with live_server(settings) as server, contextlib.AsyncExitStack() as stack:
            # One client per device, as each phone has its own connection. Its idle connection
            # expires before the server's 5 s keep-alive does, so every poll connects afresh.
            limits = httpx.Limits(max_connections=1, keepalive_expiry=4)
            clients = [
                await stack.enter_async_context(
                    httpx.AsyncClient(base_url=server.url, timeout=TIMEOUT, limits=limits)
                )
                for _ in devices
            ]
            loop = asyncio.get_running_loop()
            start = loop.time() + 0.5
            end = start + plan.duration
            cpu, own_cpu = server.cpu_seconds(), time.process_time()
            await asyncio.gather(
                *(
                    _run_device(
                        http,
                        d,
                        plan.collections,
                        start=start,
                        end=end,
                        interval=plan.interval,
                        push_share=plan.push_share,
                        rng=random.Random(rng.random()),
                        tally=tally,
                    )
                    for http, d in zip(clients, devices, strict=True)
                )
            )
            elapsed = loop.time() - start
            tally.server_cpu = server.cpu_seconds() - cpu
            tally.client_cpu = time.process_time() - own_cpu
        stored = await WorkNote.all().count()
        return tally, elapsed, backend_label(settings), stored


def report(plan: Plan, tally: Tally, elapsed: float, backend: str, stored: int) -> None:
    requests = len(tally.polls) + len(tally.pushes)
    errors = sum(tally.errors.values())
    every = tally.polls + tally.pushes
    p99 = percentile(every, 99) * 1000

    def ms(values: list[float], p: float) -> str:
        return f"{percentile(values, p) * 1000:7.1f} ms"

    rows = [
        ("devices / technicians", f"{plan.devices} / {plan.devices}"),
        ("polled collections", ", ".join(plan.collections)),
        ("interval, push share", f"{plan.interval:g} s, {plan.push_share:.0%}"),
        ("requests (polls + pushes)", f"{requests:,} ({len(tally.polls):,} + {len(tally.pushes):,})"),
        ("requests/s", f"{requests / elapsed:,.1f}"),
        ("errors", f"{errors}" + (f" {tally.errors}" if errors else "")),
        ("poll p50 / p95 / p99", f"{ms(tally.polls, 50)} {ms(tally.polls, 95)} {ms(tally.polls, 99)}"),
        ("push p50 / p95 / p99", f"{ms(tally.pushes, 50)} {ms(tally.pushes, 95)} {ms(tally.pushes, 99)}"),
        ("all p50 / p95 / p99 / max", f"{ms(every, 50)} {ms(every, 95)} {ms(every, 99)} {ms(every, 100)}"),
        (
            "CPU busy: server / load generator",
            f"{tally.server_cpu / elapsed:.0%} / {tally.client_cpu / elapsed:.0%} of one core",
        ),
        ("pushed notes stored", f"{stored:,} (answered {tally.pushed_notes:,})"),
        machine_load(),
        (f"goal p99 < {GOAL_P99_MS:.0f} ms", verdict(p99 < GOAL_P99_MS)),
        ("goal zero errors", verdict(errors == 0 and stored == tally.pushed_notes)),
    ]
    print_table(
        f"poll load: {plan.devices} devices for {elapsed:.0f} s ({backend}, one server process)", rows
    )


async def main() -> None:
    parser = arg_parser(__doc__ or "")
    parser.add_argument("--devices", type=int, help="simulated devices (default 500; --quick 50)")
    parser.add_argument("--duration", type=float, help="seconds of load (default 60; --quick 15)")
    parser.add_argument("--interval", type=float, default=10.0, help="seconds between polls (default 10)")
    parser.add_argument("--push-share", type=float, default=0.05, help="share of ticks that push (0.05)")
    parser.add_argument(
        "--collections", default="workNotes", help="comma-separated collections each poll pulls"
    )
    parser.add_argument("--seed", type=int, default=1, help="random seed for start offsets and pushes")
    args = parser.parse_args()
    plan = Plan(
        devices=args.devices or (50 if args.quick else 500),
        duration=args.duration or (15.0 if args.quick else 60.0),
        interval=args.interval,
        push_share=args.push_share,
        collections=[c.strip() for c in args.collections.split(",") if c.strip()],
    )
    tally, elapsed, backend, stored = await run(plan, pg=args.pg, seed=args.seed)
    report(plan, tally, elapsed, backend, stored)


if __name__ == "__main__":
    asyncio.run(main())
