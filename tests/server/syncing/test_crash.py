"""Crash safety: the server is SIGKILLed in the middle of a 100-row push, restarted, and the device
retries the same batch. The batch is one transaction and every row carries a mutation id, so the
database holds either none or all of it after the crash, and exactly all of it after the retry."""

from __future__ import annotations

import asyncio
import uuid
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from tortoise.connection import get_connection

from server.audit.models import AuditEntry
from server.core.settings import Settings
from server.worklog.models import WorkNote
from sync.models import SyncMutation
from tests.client import LOGIN
from tests.conftest import backend
from tests.factories import PASSWORD, make_user, make_work_order
from tests.server.syncing.live import LiveServer

BATCH = 100
ATTEMPTS = 5  # each attempt restarts the server; one kill inside the transaction is enough
PUSH = "mutation($r: [PushRow!]!) { pushWorkNotes(rows: $r) }"
# SQLite's WAL write lock: an exclusive POSIX lock on byte 120 of the -shm file, held by the
# writing connection from its first write until commit or rollback.
WAL_WRITE_LOCK_BYTE = 120
PROC_LOCKS = Path("/proc/locks")
HAS_PROC_LOCKS = PROC_LOCKS.exists()


class WriteProbe:
    """Tells, without taking any lock itself, whether the server process has a write
    transaction open: proof that a kill right now lands inside the push transaction."""

    def __init__(self, settings: Settings, server: LiveServer) -> None:
        self.settings = settings
        self.server = server

    async def write_open(self) -> bool:
        if backend() == "postgres":
            return await self._postgres()
        return self._sqlite()

    async def _postgres(self) -> bool:
        # backend_xid is assigned at a transaction's first write and cleared when it ends; only
        # client sessions count (autoanalyze writes too). This process does not write meanwhile.
        rows = await get_connection("default").execute_query_dict(
            "SELECT count(*) AS n FROM pg_stat_activity WHERE datname = current_database() "
            "AND backend_type = 'client backend' AND pid <> pg_backend_pid() AND backend_xid IS NOT NULL"
        )
        return int(rows[0]["n"]) > 0

    def _sqlite(self) -> bool:
        # Probing by taking the lock would make the server's own write fail with SQLITE_BUSY
        # (no busy wait when a reader upgrades), so read the kernel's lock table instead.
        shm = Path(self.settings.database_url.removeprefix("sqlite://").split("?", 1)[0] + "-shm")
        try:
            inode = shm.stat().st_ino
            table = PROC_LOCKS.read_text()
        except OSError:
            return False
        for line in table.splitlines():
            parts = line.split()
            if len(parts) < 8 or parts[1] != "POSIX" or parts[3] != "WRITE":
                continue
            pid, ino, start = parts[4], parts[5].rsplit(":", 1)[-1], parts[6]
            if pid == str(self.server.pid) and ino == str(inode) and start == str(WAL_WRITE_LOCK_BYTE):
                return True
        return False


@pytest.fixture
async def server(db: Settings, tmp_path: Path) -> AsyncIterator[LiveServer]:
    if backend() != "postgres" and not HAS_PROC_LOCKS:
        pytest.skip("the SQLite write probe reads /proc/locks (Linux)")
    live = LiveServer(db, log_path=tmp_path / "server.log")
    await live.start()
    yield live
    await live.stop()


def _batch(work_order_id: uuid.UUID) -> list[dict[str, Any]]:
    # Times as a browser writes them (milliseconds), so the server answers every row with the
    # normalised master: a replay must return those same documents, versions included.
    return [
        {
            "newDocumentState": {
                "id": str(uuid.uuid4()),
                "workOrderId": str(work_order_id),
                "authorId": None,
                "body": f"Step {i}: checked the drop cable and the ONU lights",
                "writtenAt": f"2026-11-23T02:{i % 60:02d}:00.000Z",
                "deleted": False,
            },
            "assumedMasterState": None,
            "mutationId": f"crash-{uuid.uuid4()}",
        }
        for i in range(BATCH)
    ]


async def _login(http: httpx.AsyncClient, server: LiveServer, username: str) -> str:
    response = await http.post(
        server.graphql_url, json={"query": LOGIN, "variables": {"u": username, "p": PASSWORD}}
    )
    return str(response.json()["data"]["login"]["accessToken"])


async def _push(http: httpx.AsyncClient, server: LiveServer, token: str, rows: list[dict[str, Any]]) -> Any:
    response = await http.post(
        server.graphql_url,
        json={"query": PUSH, "variables": {"r": rows}},
        headers={"authorization": f"Bearer {token}"},
    )
    body = response.json()
    assert not body.get("errors"), body
    return body["data"]["pushWorkNotes"]


def _ids(rows: list[dict[str, Any]]) -> list[str]:
    return [r["newDocumentState"]["id"] for r in rows]


async def _visible(rows: list[dict[str, Any]]) -> tuple[int, int]:
    """(notes, mutation records) of this batch that a reader sees now.

    One statement, hence one snapshot: two separate counts could straddle the server's commit."""
    conn = get_connection("default")
    ids = _ids(rows)
    if conn.capabilities.dialect == "postgres":
        marks = [f"${i}" for i in range(1, 2 * len(ids) + 1)]
    else:
        marks = ["?"] * (2 * len(ids))
    notes = f"SELECT count(*) FROM work_note WHERE id IN ({', '.join(marks[: len(ids)])})"
    # Mutation records are keyed by user and client id; each note of the batch has exactly one.
    mutations = f"SELECT count(*) FROM sync_mutation WHERE doc_id IN ({', '.join(marks[len(ids) :])})"
    found = await conn.execute_query_dict(
        f"SELECT ({notes}) AS notes, ({mutations}) AS mutations", [*ids, *[str(i) for i in ids]]
    )
    return int(found[0]["notes"]), int(found[0]["mutations"])


def _all_or_nothing(seen: tuple[int, int]) -> None:
    assert seen in {(0, 0), (BATCH, BATCH)}, f"half a batch is visible: {seen}"


async def _push_and_kill(
    http: httpx.AsyncClient,
    server: LiveServer,
    token: str,
    rows: list[dict[str, Any]],
    probe: WriteProbe,
    delay: float | None,
) -> tuple[bool, BaseException | None, float]:
    """Send the batch and SIGKILL the server once its write transaction has been open for
    `delay` seconds (never, when None), checking all along that no part of the batch shows.

    Returns (killed, the client's error, how long the write transaction was seen open)."""
    loop = asyncio.get_running_loop()
    request = asyncio.create_task(_push(http, server, token, rows))
    killed = False
    opened: float | None = None
    try:
        while not request.done():
            _all_or_nothing(await _visible(rows))
            if await probe.write_open():
                opened = loop.time() if opened is None else opened
                if delay is not None and loop.time() - opened >= delay:
                    await server.kill()
                    killed = True
                    break
            await asyncio.sleep(0.001)
    except BaseException:
        request.cancel()
        raise
    span = loop.time() - opened if opened is not None else 0.0
    try:
        await request
    except httpx.TransportError as exc:
        return killed, exc, span
    return killed, None, span


async def _counters() -> dict[str, int]:
    conn = get_connection("default")
    version = await conn.execute_query_dict("SELECT value FROM sync_counter WHERE name = 'global'")
    return {
        "version": int(version[0]["value"]),
        "notes": await WorkNote.all().count(),
        "mutations": await SyncMutation.all().count(),
        "audit": await AuditEntry.all().count(),
    }


async def test_kill_mid_push_then_retry_gives_exact_state(db: Settings, server: LiveServer) -> None:
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    probe = WriteProbe(db, server)
    async with httpx.AsyncClient(timeout=30.0) as http:
        token = await _login(http, server, tech.username)
        # One batch goes through untouched: it shows how long the write transaction stays open,
        # so the kills below can land well inside it rather than at its first statement.
        first = _batch(order.id)
        killed, error, span = await _push_and_kill(http, server, token, first, probe, delay=None)
        assert (killed, error) == (False, None)
        assert await _visible(first) == (BATCH, BATCH)
        committed = [first]  # batches that reached the database whole
        interrupted: list[dict[str, Any]] | None = None
        delay = span / 2
        for _ in range(ATTEMPTS):
            rows = _batch(order.id)
            killed, error, _ = await _push_and_kill(http, server, token, rows, probe, delay)
            if killed:
                await server.start()
            seen = await _visible(rows)
            _all_or_nothing(seen)  # right after the restart, before any retry
            if killed and seen == (0, 0):
                assert error is not None, "the client got an answer for a batch that was rolled back"
                interrupted = rows
                break
            committed.append(rows)
            delay /= 2  # the commit came first: strike earlier next time
        assert interrupted is not None, f"no kill landed inside the push transaction in {ATTEMPTS} attempts"

        answer = await _push(http, server, token, interrupted)
        assert await _visible(interrupted) == (BATCH, BATCH)
        assert not [d for d in answer if "rejected" in d], answer
        assert sorted(d["id"] for d in answer) == sorted(_ids(interrupted))
        stored = {str(n.id): n for n in await WorkNote.filter(work_order_id=order.id)}
        assert len(stored) == BATCH * (len(committed) + 1)  # nothing doubled, nothing from elsewhere
        for row in interrupted:
            doc = row["newDocumentState"]
            assert stored[doc["id"]].body == doc["body"]
            assert stored[doc["id"]].author_id == tech.id  # type: ignore[attr-defined]
        for doc in answer:
            assert doc["version"] == stored[doc["id"]].version

        before = await _counters()
        assert before["mutations"] == before["notes"] == BATCH * (len(committed) + 1)
        again = await _push(http, server, token, interrupted)
        assert again == answer
        assert await _counters() == before
