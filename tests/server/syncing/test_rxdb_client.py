"""A stock RxDB client (tests/rxdb, run with `node --test`) replicates every registered collection
against a real server on loopback: initial pull, push, live stream, deletes, conflicts, rejections.
This side seeds the data, hands the Node tests what they need in one JSON variable, and checks the
database once they are done."""

from __future__ import annotations

import asyncio
import fcntl
import json
import os
import re
import shutil
import socket
import subprocess
import tempfile
import uuid
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import uvicorn
from starlette.applications import Starlette

from server.app import create_app
from server.core import persist
from server.core.clock import utcnow
from server.core.roles import Role
from server.syncing.collections import ADAPTERS
from server.worklog.models import TimeEntry, WorkNote
from sync.models import SyncConflict
from tests.client import GqlClient
from tests.factories import actor_of, make_asset, make_site, make_user, make_work_order

RXDB_DIR = Path(__file__).resolve().parents[2] / "rxdb"
NODE_TIMEOUT = 120.0


def _installed(directory: Path) -> bool:
    """Every pinned dependency is in node_modules at its pinned version."""
    wanted = json.loads((directory / "package.json").read_text())["dependencies"]
    for name, version in wanted.items():
        manifest = directory / "node_modules" / name / "package.json"
        if not manifest.exists() or json.loads(manifest.read_text())["version"] != version:
            return False
    return True


@pytest.fixture(scope="session")
def node_client() -> Path:
    """tests/rxdb with its dependencies installed (`npm ci` on a fresh clone)."""
    if shutil.which("node") is None:
        pytest.skip("node is not installed: the RxDB client test needs Node.js 20 or later")
    # The lock keeps a parallel run (the other database backend) from installing at the same time.
    with (RXDB_DIR / "package-lock.json").open() as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if not _installed(RXDB_DIR):
            npm = shutil.which("npm")
            assert npm is not None, "npm is needed to install tests/rxdb"
            # A throw-away cache: nothing is left behind outside the repository.
            with tempfile.TemporaryDirectory() as cache:
                done = subprocess.run(  # noqa: S603 - fixed argv, no shell
                    [npm, "ci", "--no-audit", "--no-fund", "--cache", cache],
                    cwd=RXDB_DIR,
                    capture_output=True,
                    text=True,
                    check=False,
                )
            assert done.returncode == 0, f"npm ci failed:\n{done.stdout}\n{done.stderr}"
    return RXDB_DIR


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def live(db: Any) -> AsyncIterator[tuple[str, Starlette]]:
    app = create_app(db, manage_db=False)
    port = _free_port()
    config = uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    server = uvicorn.Server(config)
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers only this flag
        await asyncio.sleep(0.02)
    yield f"127.0.0.1:{port}", app
    server.should_exit = True
    await task


@dataclass
class Seeded:
    technician: Any
    dispatcher: Any
    order_ids: list[str]
    foreign_order_id: str
    known: dict[str, set[str]]  # collection -> ids the technician must see
    hidden_ids: set[str]  # ids of another technician's rows, or deleted rows


async def _seed() -> Seeded:
    tech = await make_user()
    other = await make_user()
    dispatcher = await make_user(Role.DISPATCHER)
    site_a, site_b = await make_site(), await make_site()
    orders = [await make_work_order(site=s, assigned_to=tech) for s in (site_a, site_b)]
    assets = [await make_asset(site_a), await make_asset(site_a), await make_asset(site_b)]
    foreign_site = await make_site()
    foreign = await make_work_order(site=foreign_site, assigned_to=other)
    foreign_asset = await make_asset(foreign_site)
    notes = [await _note(orders[i % 2], tech, f"Visit note {i}") for i in range(5)]
    gone = await _note(orders[0], tech, "Deleted before the device ever synced", deleted=True)
    foreign_note = await _note(foreign, other, "Not for this technician")
    entry = TimeEntry(work_order=orders[0], technician=tech, kind="travel", started_at=utcnow())
    await persist.save(entry, actor=None)
    return Seeded(
        technician=tech,
        dispatcher=dispatcher,
        order_ids=[str(o.id) for o in orders],
        foreign_order_id=str(foreign.id),
        known={
            "customers": {str(s.customer_id) for s in (site_a, site_b)},  # type: ignore[attr-defined]
            "sites": {str(site_a.id), str(site_b.id)},
            "assets": {str(a.id) for a in assets},
            "workNotes": {str(n.id) for n in notes},
            "timeEntries": {str(entry.id)},
            "workOrders": {str(o.id) for o in orders},
        },
        hidden_ids={str(x.id) for x in (foreign, foreign_asset, foreign_note, gone)},
    )


async def _note(order: Any, author: Any, body: str, *, deleted: bool = False) -> WorkNote:
    row = WorkNote(work_order=order, author=author, body=body, written_at=utcnow(), deleted=deleted)
    await persist.save(row, actor=None)
    return row


async def _expected(app: Starlette, seeded: Seeded) -> dict[str, list[dict[str, Any]]]:
    """What the server itself replicates to the technician, live documents only."""
    actor = actor_of(seeded.technician)
    expected: dict[str, list[dict[str, Any]]] = {}
    for adapter in ADAPTERS:
        name = adapter.spec.name
        result = await app.state.sync.pull(collection=name, principal=actor, checkpoint=None, limit=1000)
        docs = [d for d in result.documents if not d["deleted"]]
        ids = {d["id"] for d in docs}
        # Guard against a vacuous comparison: the scope must hold what was seeded, and no more.
        assert ids == seeded.known.get(name, ids), name
        assert not ids & seeded.hidden_ids, name
        expected[name] = docs
    return expected


def _collections() -> list[dict[str, Any]]:
    return [
        {"name": a.spec.name, "fields": list(a.spec.fields), "writable": not a.spec.read_only}
        for a in ADAPTERS
    ]


async def _token(app: Starlette, user: Any) -> str:
    client = GqlClient(app)
    try:
        await client.login(user.username)
        assert client.token is not None
        return client.token
    finally:
        await client.aclose()


async def _run_node(directory: Path, fixture: dict[str, Any]) -> tuple[int, str]:
    env = {**os.environ, "DOORSTEP_RXDB_FIXTURE": json.dumps(fixture)}
    # Async: the server under test runs in this very event loop.
    node = shutil.which("node")
    assert node is not None
    process = await asyncio.create_subprocess_exec(
        node,
        "--test",
        "--test-concurrency=1",
        str(directory),
        cwd=directory,
        env=env,
        stdout=asyncio.subprocess.PIPE,
        stderr=asyncio.subprocess.STDOUT,
    )
    try:
        out, _ = await asyncio.wait_for(process.communicate(), timeout=NODE_TIMEOUT)
    except TimeoutError:
        process.kill()
        out, _ = await process.communicate()
        return -1, out.decode(errors="replace") + "\n(node --test timed out)"
    return int(process.returncode or 0), out.decode(errors="replace")


async def test_stock_rxdb_client_replicates_every_collection(
    node_client: Path, live: tuple[str, Starlette]
) -> None:
    host, app = live
    seeded = await _seed()
    script = {
        "insertNoteId": str(uuid.uuid4()),
        "insertTimeEntryId": str(uuid.uuid4()),
        "rejectNoteId": str(uuid.uuid4()),
        "conflictNoteId": sorted(seeded.known["workNotes"])[0],
        "bodyA": "Phone: ONU reset, signal back at -19 dBm",
        "bodyB": "Tablet: replaced the fibre patch cord",
    }
    fixture = {
        "httpUrl": f"http://{host}/graphql",
        "wsUrl": f"ws://{host}/graphql",
        "technicianToken": await _token(app, seeded.technician),
        "dispatcherToken": await _token(app, seeded.dispatcher),
        "collections": _collections(),
        "expected": await _expected(app, seeded),
        "workOrderId": seeded.order_ids[0],
        "foreignWorkOrderId": seeded.foreign_order_id,
        "script": script,
    }

    code, output = await _run_node(node_client, fixture)

    assert code == 0, output
    assert "# fail 0" in output, output
    assert "# SKIP" not in output, output  # the suite skips itself when it gets no fixture
    passed = re.search(r"# pass (\d+)", output)
    assert passed is not None, output
    assert int(passed[1]) > 0, output
    inserted = await WorkNote.get(id=script["insertNoteId"])
    assert inserted.deleted  # inserted by one device, deleted by the other
    assert inserted.author_id == seeded.technician.id  # type: ignore[attr-defined]
    assert inserted.body == "Replaced the splitter in the hallway box"
    assert (await TimeEntry.get(id=script["insertTimeEntryId"])).kind == "work"
    assert (await WorkNote.get(id=script["conflictNoteId"])).body == script["bodyB"]
    conflict = await SyncConflict.get(doc_id=script["conflictNoteId"])
    assert (conflict.field, conflict.values["lost"]) == ("body", script["bodyA"])
    assert not await WorkNote.filter(id=script["rejectNoteId"]).exists()
