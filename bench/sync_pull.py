"""Goal 1: initial sync of a 10,000-document working set in pages of 1,000.

Pulls the whole set through the real `/graphql` endpoint of a live server (`uvicorn
server.app:create_app --factory` on loopback, a separate process whose CPU time is read from
/proc) and compares it with a raw baseline that reads the same rows with the stdlib driver
(`sqlite3`, or `asyncpg` with --pg) and serialises them with `orjson`. Server throughput is
documents per CPU-second of the server process; the elapsed-time rate seen by the (sequential)
client is printed beside it. For diagnosis it also times the same pull in-process, through the
ASGI app (httpx ASGITransport, client work included) and through the sync engine alone.

    .venv/bin/python -m bench.sync_pull            # 10,000 assets, then 10,000 workNotes
    .venv/bin/python -m bench.sync_pull --quick    # 2,000 of each, 3 rounds
    .venv/bin/python -m bench.sync_pull --pg       # the same on a fresh PostgreSQL database
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import asyncpg
import httpx
import orjson

from bench.common import (
    BenchError,
    Gql,
    Sample,
    Scope,
    arg_parser,
    backend_label,
    bulk_assets,
    bulk_notes,
    cap,
    connected,
    in_process_http,
    live_server,
    machine_load,
    make_scope,
    pg_dsn,
    print_table,
    pull_query,
    sample,
    sqlite_path,
    temp_settings,
    verdict,
)
from server.core.actor import Actor
from server.core.settings import Settings
from server.syncing.adapter import ModelAdapter
from server.syncing.collections import ADAPTERS, build_engine

GOAL_RATIO = 0.5
PAGE = 1000
SEEDERS: dict[str, Callable[[Scope, int], Any]] = {"assets": bulk_assets, "workNotes": bulk_notes}


@dataclass
class Round:
    live: Sample  # cpu: the server process's
    asgi: Sample
    engine: Sample
    baseline: Sample


def _adapter(name: str) -> ModelAdapter:
    return next(a for a in ADAPTERS if a.spec.name == name)


def _select(adapter: ModelAdapter, placeholder: Callable[[int], str]) -> str:
    columns = ["id", "version", "deleted", "updated_at", *(f.column for f in adapter.fields.values())]
    table = adapter.model._meta.db_table
    return (
        f'SELECT {", ".join(columns)} FROM "{table}" '
        f"WHERE version > {placeholder(1)} ORDER BY version LIMIT {placeholder(2)}"
    )


def _check(pages: list[list[dict[str, Any]]], total: int) -> None:
    docs = [d for page in pages for d in page]
    versions = [int(d["version"]) for d in docs]
    if len(docs) != total or len({d["id"] for d in docs}) != total or versions != sorted(versions):
        raise BenchError(f"expected {total} distinct documents in version order, got {len(docs)}")


async def pull_graphql(client: Gql, collection: str, total: int) -> None:
    query, checkpoint = pull_query(collection), None
    pages: list[list[dict[str, Any]]] = []
    while sum(len(p) for p in pages) < total:
        batch = (await client.call(query, {"c": checkpoint, "l": PAGE}))[f"pull{cap(collection)}"]
        if not batch["documents"]:
            break
        pages.append(batch["documents"])
        checkpoint = batch["checkpoint"]
    _check(pages, total)


async def pull_engine(actor: Actor, collection: str, total: int) -> None:
    engine = build_engine()
    checkpoint: dict[str, Any] | None = None
    pages: list[list[dict[str, Any]]] = []
    while sum(len(p) for p in pages) < total:
        result = await engine.pull(collection=collection, principal=actor, checkpoint=checkpoint, limit=PAGE)
        if not result.documents:
            break
        # Encoded too, as the endpoint does, so the two figures cover the same work.
        result.encoded  # noqa: B018
        pages.append(orjson.loads(result.encoded))
        checkpoint = result.checkpoint
    _check(pages, total)


def baseline_sqlite(path: str, adapter: ModelAdapter, total: int) -> None:
    sql = _select(adapter, lambda _: "?")
    con = sqlite3.connect(path)
    try:
        after, pages = 0, list[list[dict[str, Any]]]()
        while sum(len(p) for p in pages) < total:
            cursor = con.execute(sql, (after, PAGE))
            names = [d[0] for d in cursor.description]
            rows = [dict(zip(names, r, strict=True)) for r in cursor.fetchall()]
            if not rows:
                break
            orjson.dumps(rows)
            pages.append(rows)
            after = rows[-1]["version"]
    finally:
        con.close()
    _check(pages, total)


async def baseline_pg(conn: asyncpg.Connection, adapter: ModelAdapter, total: int) -> None:
    sql = _select(adapter, lambda n: f"${n}")
    after, pages = 0, list[list[dict[str, Any]]]()
    while sum(len(p) for p in pages) < total:
        rows = [dict(r) for r in await conn.fetch(sql, after, PAGE)]
        if not rows:
            break
        orjson.dumps(rows, default=str)  # asyncpg's own UUID type
        pages.append(rows)
        after = rows[-1]["version"]
    _check(pages, total)


async def measure(settings: Settings, collection: str, total: int, rounds: int) -> list[Round]:
    adapter = _adapter(collection)
    scope = await make_scope(1)
    await SEEDERS[collection](scope, total)
    actor = Actor(user_id=scope.technician.pk, role=scope.technician.role, username=scope.technician.username)
    pg = None if settings.is_sqlite else await asyncpg.connect(pg_dsn(settings))

    async def baseline() -> None:
        if pg is None:
            baseline_sqlite(sqlite_path(settings), adapter, total)
        else:
            await baseline_pg(pg, adapter, total)

    results: list[Round] = []
    async with (
        live_server(settings) as server,
        httpx.AsyncClient(base_url=server.url, timeout=60) as remote_http,
        in_process_http(settings) as local_http,
    ):
        remote = await Gql(remote_http).login(scope.technician.username)
        local = await Gql(local_http).login(scope.technician.username)

        async def live() -> Sample:
            cpu = server.cpu_seconds()
            measured = await sample(lambda: pull_graphql(remote, collection, total))
            return Sample(wall=measured.wall, cpu=server.cpu_seconds() - cpu)

        # Round 0 warms caches (page cache, prepared statements, schema) and is not reported.
        for n in range(rounds + 1):
            measured = Round(
                live=await live(),
                asgi=await sample(lambda: pull_graphql(local, collection, total)),
                engine=await sample(lambda: pull_engine(actor, collection, total)),
                baseline=await sample(baseline),
            )
            if n:
                results.append(measured)
    if pg is not None:
        await pg.close()
    return results


def report(collection: str, total: int, rounds: list[Round], backend: str) -> bool:
    # Best against best: noise on a shared machine only ever adds time, so minima compare fairly.
    def best(pick: Callable[[Round], Sample]) -> Sample:
        return Sample(wall=min(pick(r).wall for r in rounds), cpu=min(pick(r).cpu for r in rounds))

    live, asgi = best(lambda r: r.live), best(lambda r: r.asgi)
    engine, base = best(lambda r: r.engine), best(lambda r: r.baseline)

    def rates(s: Sample) -> str:
        return f"{total / s.cpu:>9,.0f} docs/CPU-s {total / s.wall:>9,.0f} docs/s elapsed"

    ratio = base.cpu / live.cpu
    print_table(
        f"pull {collection}: {total:,} documents in pages of {PAGE:,} ({backend}, best of {len(rounds)})",
        [
            ("/graphql, live server (server CPU)", rates(live)),
            ("/graphql, in-process ASGI + client", rates(asgi)),
            ("sync engine only, in-process", rates(engine)),
            ("raw baseline (driver + orjson)", rates(base)),
            ("ratio live server : baseline", f"{ratio:.2f}"),
            ("ratio in-process ASGI : baseline", f"{base.cpu / asgi.cpu:.2f}"),
            ("ratio engine only : baseline", f"{base.cpu / engine.cpu:.2f}"),
            machine_load(),
            (f"goal: live server ratio >= {GOAL_RATIO}", verdict(ratio >= GOAL_RATIO)),
        ],
    )
    return ratio >= GOAL_RATIO


async def main() -> None:
    args = arg_parser(__doc__ or "").parse_args()
    total, rounds = (2000, 3) if args.quick else (10_000, 5)
    for collection in SEEDERS:
        async with temp_settings(pg=args.pg) as settings, connected(settings):
            results = await measure(settings, collection, total, rounds)
            report(collection, total, results, backend_label(settings))


if __name__ == "__main__":
    asyncio.run(main())
