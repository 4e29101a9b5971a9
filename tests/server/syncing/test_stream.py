"""The stream subscription over graphql-transport-ws against a real server on loopback."""

from __future__ import annotations

import asyncio
import json
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn
import websockets

from server.app import create_app
from tests.client import GqlClient
from tests.factories import make_user, make_work_order
from tests.server.syncing.helpers import note, push


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def live(db: Any) -> AsyncIterator[tuple[str, Any]]:
    app = create_app(db, manage_db=False)
    port = _free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.02)
    yield f"ws://127.0.0.1:{port}/graphql", app
    server.should_exit = True
    await task


async def _recv(ws: Any) -> dict[str, Any]:
    raw = await asyncio.wait_for(ws.recv(), timeout=5)
    assert isinstance(raw, str), "graphql-transport-ws messages must be text frames"
    return dict(json.loads(raw))


async def test_stream_sends_resync_then_new_documents(live: tuple[str, Any]) -> None:
    url, app = live
    tech = await make_user()
    order = await make_work_order(assigned_to=tech)
    device = await GqlClient(app).login(tech.username)  # same process as the stream
    async with websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]) as ws:
        await ws.send(
            json.dumps({"type": "connection_init", "payload": {"authorization": f"Bearer {device.token}"}})
        )
        assert (await _recv(ws))["type"] == "connection_ack"
        query = "subscription { streamWorkNotes { documents checkpoint resync } }"
        await ws.send(json.dumps({"id": "1", "type": "subscribe", "payload": {"query": query}}))
        first = await _recv(ws)
        assert first["payload"]["data"]["streamWorkNotes"]["resync"] is True
        doc = note(order.id)
        await push(device, "workNotes", [{"newDocumentState": doc}])
        while True:
            message = await _recv(ws)
            if message["type"] == "ping":
                continue
            batch = message["payload"]["data"]["streamWorkNotes"]
            break
        assert [d["id"] for d in batch["documents"]] == [doc["id"]]
        assert batch["checkpoint"]["version"] == batch["documents"][0]["version"]
    await device.aclose()


async def test_stream_without_token_is_refused(live: tuple[str, Any]) -> None:
    url, _ = live
    async with websockets.connect(url, subprotocols=[websockets.Subprotocol("graphql-transport-ws")]) as ws:
        await ws.send(json.dumps({"type": "connection_init", "payload": {}}))
        assert (await _recv(ws))["type"] == "connection_ack"
        await ws.send(
            json.dumps(
                {
                    "id": "1",
                    "type": "subscribe",
                    "payload": {"query": "subscription { streamWorkNotes { resync } }"},
                }
            )
        )
        message = await _recv(ws)
        errors = message["payload"] if message["type"] == "error" else message["payload"]["errors"]
        assert errors[0]["extensions"]["code"] == "UNAUTHENTICATED"
