from __future__ import annotations

import asyncio
import contextlib
import socket
from collections.abc import AsyncIterator
from typing import Any

import pytest
import uvicorn

from server.app import create_app


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
async def live(db: Any) -> AsyncIterator[tuple[int, Any]]:
    """A real HTTP server on loopback in this event loop: (port, app)."""
    app = create_app(db, manage_db=False)
    port = free_port()
    server = uvicorn.Server(
        uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning", lifespan="on")
    )
    task = asyncio.create_task(server.serve())
    while not server.started:  # noqa: ASYNC110 - uvicorn offers a flag, not an event
        await asyncio.sleep(0.02)
    yield port, app
    server.should_exit = True
    await task


class CuttingProxy:
    """A TCP proxy that hard-resets both sides once `cut_after` request bytes have passed,
    as a phone losing its network mid-upload does; later connections pass untouched."""

    def __init__(self, target_port: int, *, cut_after: int) -> None:
        self.target_port = target_port
        self.cut_after = cut_after
        self.sent = 0  # request bytes forwarded to the server, over all connections
        self.cuts = 0
        self.server: asyncio.Server | None = None

    async def start(self) -> int:
        self.server = await asyncio.start_server(self._handle, "127.0.0.1", 0)
        return int(self.server.sockets[0].getsockname()[1])

    async def close(self) -> None:
        if self.server is not None:
            self.server.close()
            await self.server.wait_closed()

    async def _handle(self, client_r: asyncio.StreamReader, client_w: asyncio.StreamWriter) -> None:
        server_r, server_w = await asyncio.open_connection("127.0.0.1", self.target_port)
        cut = asyncio.Event()

        async def upstream() -> None:
            with contextlib.suppress(ConnectionError, OSError):
                await _upstream()

        async def _upstream() -> None:
            while data := await client_r.read(65536):
                if self.cuts == 0 and self.sent + len(data) >= self.cut_after:
                    keep = self.cut_after - self.sent
                    server_w.write(data[:keep])
                    await server_w.drain()
                    self.sent += keep
                    self.cuts += 1
                    cut.set()
                    return
                server_w.write(data)
                await server_w.drain()
                self.sent += len(data)
            server_w.write_eof()

        async def downstream() -> None:
            with contextlib.suppress(ConnectionError, OSError):
                while data := await server_r.read(65536):
                    client_w.write(data)
                    await client_w.drain()

        pumps = [asyncio.create_task(upstream()), asyncio.create_task(downstream())]
        cutter = asyncio.create_task(cut.wait())
        try:
            await asyncio.wait([*pumps, cutter], return_when=asyncio.FIRST_COMPLETED)
            if cut.is_set():
                for writer in (client_w, server_w):
                    writer.transport.abort()
            else:
                await asyncio.wait(pumps)
        finally:
            for task in (*pumps, cutter):
                task.cancel()
            for writer in (client_w, server_w):
                writer.close()
