"""Shared pieces of the bench scripts: a throw-away database, fast seeding, a GraphQL client,
statistics and the printed table.

Every figure a script prints is compared with something measured in the same run, because the
machines these run on are shared and noisy: absolute numbers move, ratios much less.
"""

from __future__ import annotations

import argparse
import asyncio
import math
import os
import shutil
import socket
import sys
import tempfile
import time
import uuid
from collections.abc import AsyncIterator, Awaitable, Callable, Sequence
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import timedelta
from functools import cache
from pathlib import Path
from typing import Any

import asyncpg
import httpx
import orjson
from tortoise.transactions import in_transaction

from server.assets.models import Asset
from server.auth.models import Device, User
from server.auth.passwords import hash_password
from server.auth.tokens import issue_access_token
from server.core import db, persist
from server.core.clock import utcnow
from server.core.roles import Role
from server.core.secrets import load_or_create_secrets
from server.core.settings import Settings
from server.customers.models import Customer, Site
from server.worklog.models import WorkNote
from server.workorders.models import Status, WorkOrder
from sync.stamp import next_versions

PG_URL = os.environ.get("DOORSTEP_BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432")
PASSWORD = "bench-password-not-secret"  # noqa: S105 (a throw-away database)
WORDS = ("光猫", "ONU", "机顶盒", "交换机", "路由器", "AP", "NVR", "UPS")


class BenchError(RuntimeError):
    """The system under test answered wrongly: a figure measured on wrong answers means nothing."""


def arg_parser(description: str) -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--quick", action="store_true", help="a small smoke run (seconds, not minutes)")
    parser.add_argument(
        "--pg",
        action="store_true",
        help=f"use a fresh PostgreSQL database on {PG_URL} (created and dropped; "
        "set DOORSTEP_BENCH_PG_URL to change)",
    )
    return parser


# --- database -----------------------------------------------------------------------------------


async def _pg_admin(sql: str) -> None:
    conn = await asyncpg.connect(f"{PG_URL}/postgres")
    try:
        await conn.execute(sql)
    finally:
        await conn.close()


@asynccontextmanager
async def temp_settings(*, pg: bool) -> AsyncIterator[Settings]:
    """Settings for a new, migrated database in a temporary data dir; removed afterwards."""
    data_dir = Path(tempfile.mkdtemp(prefix="doorstep-bench-"))
    name = f"doorstep_bench_{os.getpid()}_{uuid.uuid4().hex[:6]}"
    url = f"{PG_URL}/{name}" if pg else f"sqlite://{data_dir / 'bench.db'}"
    settings = Settings(database_url=url, data_dir=data_dir)
    try:
        if pg:
            await _pg_admin(f'CREATE DATABASE "{name}"')
        await db.migrate(settings)
        yield settings
    finally:
        if pg:
            await _pg_admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        shutil.rmtree(data_dir, ignore_errors=True)


@asynccontextmanager
async def connected(settings: Settings) -> AsyncIterator[None]:
    await db.init_db(settings)
    try:
        yield
    finally:
        await db.close_db()


def sqlite_path(settings: Settings) -> str:
    return settings.database_url.removeprefix("sqlite://").split("?", 1)[0]


def pg_dsn(settings: Settings) -> str:
    return "postgresql://" + settings.database_url.removeprefix("postgres://")


# --- seeding ------------------------------------------------------------------------------------


@cache
def _password_hash() -> str:
    return hash_password(PASSWORD)  # slow on purpose, so once per process


@dataclass(frozen=True)
class Scope:
    """One technician with one assigned work order at one site: his replication scope."""

    technician: User
    customer: Customer
    site: Site
    order: WorkOrder


async def make_scope(n: int) -> Scope:
    tech = User(
        username=f"tech{n:04d}",
        display_name=f"技术员 {n}",
        role=Role.TECHNICIAN,
        password_hash=_password_hash(),
        phone=f"139{n:08d}",
    )
    await persist.save(tech, actor=None)
    customer = Customer(name=f"客户 {n}", phone=f"138{n:08d}", language="zh-CN")
    await persist.save(customer, actor=None)
    site = Site(customer=customer, name=f"站点 {n}", address=f"人民路 {n} 号", city="Hangzhou")
    await persist.save(site, actor=None)
    now = utcnow()
    order = WorkOrder(
        number=f"WO-B-{n:06d}",
        customer=customer,
        site=site,
        symptom="宽带无法上网 / no internet since this morning",
        fault_level=2,
        received_at=now,
        dispatched_at=now,
        assigned_to=tech,
        status=Status.DISPATCHED,
    )
    await persist.save(order, actor=None)
    return Scope(technician=tech, customer=customer, site=site, order=order)


async def bulk_assets(scope: Scope, n: int) -> None:
    """`n` assets at the scope's site, versions taken from the real counter (fast: no audit rows)."""
    now = utcnow()
    async with in_transaction() as conn:
        first = await next_versions(conn, n) - n + 1
        rows = [
            Asset(
                id=uuid.uuid4(),
                tag_code=f"B{scope.site.pk.hex[:8]}{i:07d}",
                name=f"{WORDS[i % len(WORDS)]} #{i}",
                category="network",
                customer_id=scope.customer.pk,
                site_id=scope.site.pk,
                contract_no=f"HT-2026-{i % 97:04d}",
                serial_no=f"SN{i:010d}",
                system_serial=f"SYS-{i:08d}",
                warranty_end=(now + timedelta(days=365 + i % 700)).date(),
                ip_address=f"10.{i // 65536 % 256}.{i // 256 % 256}.{i % 256}",
                supplier="华为技术有限公司",
                contact_name="王工",
                contact_phone="0571-88888888",
                responsible_person="李经理",
                shared=i % 5 == 0,
                notes="机柜 A 第三层；封条完好",
                version=first + i,
                created_at=now,
                updated_at=now,
            )
            for i in range(n)
        ]
        await Asset.bulk_create(rows, batch_size=1000, using_db=conn)


async def bulk_notes(scope: Scope, n: int) -> list[WorkNote]:
    """`n` notes on the scope's work order, written by its technician."""
    now = utcnow()
    async with in_transaction() as conn:
        first = await next_versions(conn, n) - n + 1
        rows = [
            WorkNote(
                id=uuid.uuid4(),
                work_order_id=scope.order.pk,
                author_id=scope.technician.pk,
                body=f"第 {i} 条：更换光猫电源适配器，客户试用正常 (note {i})",
                written_at=now - timedelta(minutes=i),
                version=first + i,
                created_at=now,
                updated_at=now,
            )
            for i in range(n)
        ]
        await WorkNote.bulk_create(rows, batch_size=1000, using_db=conn)
    return rows


async def mint_tokens(settings: Settings, user: User, devices: int) -> list[str]:
    """Access tokens for `devices` new devices of `user`, signed with the server's own key.

    The load test measures polling, not sign-in (argon2 is slow on purpose), so sessions are
    issued here exactly as `login` would issue them.
    """
    secrets = load_or_create_secrets(data_dir=settings.data_dir)
    tokens: list[str] = []
    now = utcnow()
    for _ in range(devices):
        device = await Device.create(id=uuid.uuid4(), user=user, name="bench", last_seen_at=now)
        tokens.append(
            issue_access_token(
                secrets=secrets,
                user_id=str(user.pk),
                role=user.role.value,
                device_id=str(device.pk),
                session_id=str(uuid.uuid4()),
                issuer=settings.jwt_issuer,
                audience=settings.jwt_audience,
                ttl=timedelta(hours=2),
            )
        )
    return tokens


# --- GraphQL ------------------------------------------------------------------------------------


def cap(name: str) -> str:
    return name[0].upper() + name[1:]


def in_process_http(settings: Settings) -> httpx.AsyncClient:
    """The real ASGI app, called in this process (no sockets); the ORM must already be connected."""
    from server.app import create_app

    app = create_app(settings, manage_db=False)
    return httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench", timeout=60)


class Gql:
    def __init__(self, http: httpx.AsyncClient, token: str | None = None) -> None:
        self.http = http
        self.token = token

    async def call(self, query: str, variables: dict[str, Any] | None = None) -> dict[str, Any]:
        headers = {"content-type": "application/json"}
        if self.token:
            headers["authorization"] = f"Bearer {self.token}"
        body = orjson.dumps({"query": query, "variables": variables or {}})
        response = await self.http.post("/graphql", content=body, headers=headers)
        answer = orjson.loads(response.content)
        if response.status_code != 200 or answer.get("errors"):
            raise BenchError(f"HTTP {response.status_code}: {answer.get('errors')}")
        return dict(answer["data"])

    async def login(self, username: str) -> Gql:
        query = "mutation($u: String!, $p: String!) { login(username: $u, password: $p) { accessToken } }"
        self.token = (await self.call(query, {"u": username, "p": PASSWORD}))["login"]["accessToken"]
        return self


def pull_query(collection: str) -> str:
    return (
        f"query($c: JSON, $l: Int!) {{ pull{cap(collection)}(checkpoint: $c, limit: $l) "
        "{ documents checkpoint } }"
    )


def push_query(collection: str) -> str:
    return f"mutation($r: [PushRow!]!) {{ push{cap(collection)}(rows: $r) }}"


# --- a real server process ---------------------------------------------------------------------

REPO = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class LiveServer:
    url: str
    pid: int

    def cpu_seconds(self) -> float:
        """CPU time of every thread of the server process (the SQLite driver runs in its own)."""
        total = 0
        for task in Path(f"/proc/{self.pid}/task").iterdir():
            try:
                total += int((task / "schedstat").read_text().split()[0])
            except (FileNotFoundError, ProcessLookupError):
                continue  # a thread that just ended
        return total / 1e9


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def live_server(settings: Settings) -> AsyncIterator[LiveServer]:
    """`uvicorn server.app:create_app --factory` on a free loopback port, as `doorstep serve` runs it."""
    port = free_port()
    env = {
        **os.environ,
        "DOORSTEP_DATA_DIR": str(settings.data_dir),
        "DOORSTEP_DATABASE_URL": settings.database_url,
    }
    command = [
        sys.executable, "-m", "uvicorn", "server.app:create_app", "--factory",
        "--host", "127.0.0.1", "--port", str(port), "--log-level", "warning", "--no-access-log",
    ]  # fmt: skip
    proc = await asyncio.create_subprocess_exec(*command, env=env, cwd=REPO)
    url = f"http://127.0.0.1:{port}"
    try:
        await _wait_ready(url, proc)
        yield LiveServer(url=url, pid=proc.pid)
    finally:
        proc.terminate()
        try:
            await asyncio.wait_for(proc.wait(), timeout=15)
        except TimeoutError:
            proc.kill()
            await proc.wait()


async def _wait_ready(url: str, proc: asyncio.subprocess.Process) -> None:
    deadline = time.monotonic() + 60
    async with httpx.AsyncClient(base_url=url, timeout=2) as http:
        while time.monotonic() < deadline:
            if proc.returncode is not None:
                raise BenchError(f"the server exited with code {proc.returncode}")
            try:
                if (await http.get("/readyz")).status_code == 200:
                    return
            except httpx.TransportError:
                pass
            await asyncio.sleep(0.2)
    raise BenchError("the server did not become ready within 60 s")


# --- measuring and reporting --------------------------------------------------------------------


@dataclass(frozen=True)
class Sample:
    """Elapsed time and this process's CPU time (all threads) of one measured action.

    On a shared machine other processes stretch the elapsed time at random; the CPU time this
    process spent is what the work costs, and it moves far less.
    """

    wall: float
    cpu: float


async def sample(action: Callable[[], Awaitable[Any]]) -> Sample:
    wall, cpu = time.perf_counter(), time.process_time()
    await action()
    return Sample(wall=time.perf_counter() - wall, cpu=time.process_time() - cpu)


def percentile(values: Sequence[float], p: float) -> float:
    """Nearest-rank percentile (p in 0..100); NaN for no values."""
    if not values:
        return math.nan
    ordered = sorted(values)
    rank = max(1, math.ceil(p / 100 * len(ordered)))
    return ordered[rank - 1]


def print_table(title: str, rows: Sequence[tuple[str, str]]) -> None:
    width = max(len(k) for k, _ in rows)
    print(f"\n{title}")
    print("-" * len(title))
    for key, value in rows:
        print(f"{key:<{width}}  {value}")


def verdict(met: bool) -> str:
    return "MET" if met else "MISSED"


def machine_load() -> tuple[str, str]:
    """A table row: other work on a shared machine moves every figure, so each table says how busy it was."""
    return ("machine load (1-min average)", f"{os.getloadavg()[0]:.2f} on {os.cpu_count()} cores")


def backend_label(settings: Settings) -> str:
    return "PostgreSQL" if not settings.is_sqlite else "SQLite"
