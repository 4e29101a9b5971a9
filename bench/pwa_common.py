"""Shared pieces of the PWA benches: a server seeded for one technician, the system Chromium with
a persistent profile, and in-page timing.

The server, the build and the browser come from the browser tests' harness (tests/e2e/harness.py),
so the benches measure exactly what the tests drive. Seeding goes straight into the database
(bench/common.py's bulk helpers) before the server starts.
"""

from __future__ import annotations

import asyncio
import contextlib
import os
import shutil
import statistics
import tempfile
import uuid
from collections.abc import Awaitable, Callable, Iterator
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from bench import common
from server.core import db, persist
from server.core.clock import utcnow
from server.core.settings import Settings
from server.workorders.models import Status, WorkOrder
from tests.e2e import harness

Seeder = Callable[[common.Scope], Awaitable[None]]


@dataclass(frozen=True)
class Prepared:
    server: harness.Server
    username: str
    password: str
    scope_site_id: str


async def _seed(data_dir: Path, seed: Seeder) -> tuple[str, str]:
    settings = Settings(database_url=f"sqlite://{data_dir / 'doorstep.db'}", data_dir=data_dir)
    await db.migrate(settings)
    await db.init_db(settings)
    try:
        scope = await common.make_scope(1)
        await seed(scope)
        return scope.technician.username, str(scope.site.pk)
    finally:
        await db.close_db()


@contextlib.contextmanager
def prepared_server(seed: Seeder) -> Iterator[Prepared]:
    """A live server whose database holds one technician (one order at one site) plus whatever
    `seed` adds for him."""
    dist = harness.pwa_dist()
    data_dir = Path(tempfile.mkdtemp(prefix="doorstep-pwa-bench-"))
    try:
        username, site_id = asyncio.run(_seed(data_dir, seed))
        server = harness.Server(data_dir=data_dir, dist=dist)
        # The bench's own users: no demo password (harness.Server sets one; it is unused here).
        server.start()
        try:
            yield Prepared(server=server, username=username, password=common.PASSWORD, scope_site_id=site_id)
        finally:
            server.stop()
    finally:
        shutil.rmtree(data_dir, ignore_errors=True)


async def more_visits(scope: common.Scope, total: int) -> None:
    """Work orders for the scope's technician up to `total`, all for today in the phone's zone."""
    today = datetime.now(ZoneInfo(harness.TIMEZONE)).date()
    # No device has pulled yet, so a plain update (no new version) is safe here.
    await WorkOrder.filter(pk=scope.order.pk).update(scheduled_date=today)
    now = utcnow()
    for i in range(1, total):
        order = WorkOrder(
            id=uuid.uuid4(),
            number=f"WO-V-{i:06d}",
            customer=scope.customer,
            site=scope.site,
            symptom=f"第 {i} 单：宽带无法上网 / no internet (visit {i})",
            fault_level=1 + i % 3,
            received_at=now - timedelta(minutes=i),
            dispatched_at=now,
            assigned_to=scope.technician,
            status=Status.DISPATCHED,
            scheduled_date=today,
        )
        await persist.save(order, actor=None)


# --- the browser --------------------------------------------------------------------------------


@contextlib.contextmanager
def browser_profile() -> Iterator[tuple[Any, Path]]:
    """(Playwright, profile dir): contexts are launched by the caller, so one profile can be
    closed and launched again (a cold start)."""
    from playwright.sync_api import sync_playwright

    profile = Path(tempfile.mkdtemp(prefix="doorstep-pwa-profile-"))
    try:
        with sync_playwright() as pw:
            yield pw, profile
    finally:
        shutil.rmtree(profile, ignore_errors=True)


def launch(pw: Any, profile: Path, server: harness.Server, **kwargs: Any) -> Any:
    context = harness.launch_context(pw, profile, base_url=server.url, **kwargs)
    context.set_default_timeout(120_000)
    return context


def sign_in(page: Any, username: str, password: str) -> None:
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()


def browser_cpu_seconds(profile: Path) -> float:
    """CPU time (user + system) of the Chromium process tree using `profile`: the browser, its
    renderers, and its network and storage services. On a shared machine this is what the work
    cost, where elapsed time mostly tells how busy the machine was."""
    tick = os.sysconf("SC_CLK_TCK")
    parents: dict[int, int] = {}
    cpu: dict[int, int] = {}
    roots: list[int] = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            stat = (entry / "stat").read_text()
            cmdline = (entry / "cmdline").read_bytes()
        except (FileNotFoundError, ProcessLookupError, PermissionError):
            continue
        fields = stat[stat.rindex(")") + 2 :].split()
        pid = int(entry.name)
        parents[pid] = int(fields[1])
        cpu[pid] = int(fields[11]) + int(fields[12])
        if f"--user-data-dir={profile}".encode() in cmdline and b"--type=" not in cmdline:
            roots.append(pid)
    tree = set(roots)
    grew = True
    while grew:
        grew = False
        for pid, parent in parents.items():
            if parent in tree and pid not in tree:
                tree.add(pid)
                grew = True
    return sum(cpu[p] for p in tree) / tick


# --- figures ------------------------------------------------------------------------------------


def ms(seconds: float) -> str:
    return f"{seconds * 1000:,.0f} ms"


def summary(values: list[float], unit: Callable[[float], str] = ms) -> str:
    """best / median / worst: on a shared machine the best is the cost, the rest is the noise."""
    if not values:
        return "n/a"
    return f"best {unit(min(values))}, median {unit(statistics.median(values))}, worst {unit(max(values))}"
