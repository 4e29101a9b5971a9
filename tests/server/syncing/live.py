"""A real server in a child process, for tests that must crash it (SIGKILL) or restart it.

The child runs `python -m uvicorn server.app:create_app --factory` on loopback with
DOORSTEP_DATA_DIR / DOORSTEP_DATABASE_URL taken from the test's settings, so it shares the test
database (already migrated by the harness) and the signing secrets: a token obtained before a
restart stays valid after it. The test process keeps its own ORM connection for seeding and checks.
"""

from __future__ import annotations

import asyncio
import os
import signal
import socket
import sys
from pathlib import Path
from types import TracebackType

import httpx

from server.core.settings import PREFIX, Settings

REPO_ROOT = Path(__file__).resolve().parents[3]
START_TIMEOUT = 30.0


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


class ServerFailed(RuntimeError):
    """The child exited or never became ready; the message carries the end of its log."""


class LiveServer:
    def __init__(self, settings: Settings, *, log_path: Path, port: int | None = None) -> None:
        self.settings = settings
        self.log_path = log_path
        self.port = port or free_port()  # kept across restarts so clients need not reconnect elsewhere
        self.process: asyncio.subprocess.Process | None = None
        self.starts = 0

    @property
    def base_url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/graphql"

    @property
    def ws_url(self) -> str:
        return f"ws://127.0.0.1:{self.port}/graphql"

    @property
    def pid(self) -> int:
        if self.process is None:
            raise ServerFailed("the server is not running")
        return self.process.pid

    def _env(self) -> dict[str, str]:
        # Drop inherited DOORSTEP_* settings so only the test's database and data dir apply.
        env = {k: v for k, v in os.environ.items() if not k.startswith(PREFIX)}
        env.update(
            {
                f"{PREFIX}DATA_DIR": str(self.settings.data_dir),
                f"{PREFIX}DATABASE_URL": self.settings.database_url,
                f"{PREFIX}PUBLIC_BASE_URL": self.base_url,
                "PYTHONUNBUFFERED": "1",
            }
        )
        return env

    async def start(self) -> None:
        if self.process is not None:
            raise ServerFailed("already running")
        command = [
            sys.executable,
            "-m",
            "uvicorn",
            "server.app:create_app",
            "--factory",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
        ]
        self.starts += 1
        with self.log_path.open("ab") as log:
            log.write(f"--- start {self.starts}\n".encode())
            log.flush()
            self.process = await asyncio.create_subprocess_exec(
                *command, cwd=REPO_ROOT, env=self._env(), stdout=log, stderr=asyncio.subprocess.STDOUT
            )
        await self._wait_ready()

    async def _wait_ready(self) -> None:
        loop = asyncio.get_running_loop()
        deadline = loop.time() + START_TIMEOUT
        async with httpx.AsyncClient(timeout=2.0) as http:
            while loop.time() < deadline:
                if self.process is not None and self.process.returncode is not None:
                    self.process = None
                    raise ServerFailed(f"server exited during start-up:\n{self.log_tail()}")
                try:
                    response = await http.get(f"{self.base_url}/readyz")
                    if response.status_code == 200:
                        return
                except httpx.TransportError:
                    pass
                await asyncio.sleep(0.05)
        await self.kill()
        raise ServerFailed(f"server not ready after {START_TIMEOUT:.0f} s:\n{self.log_tail()}")

    async def kill(self) -> None:
        """SIGKILL: no shutdown hooks, no transaction cleanup; the database must cope."""
        if self.process is None:
            return
        process, self.process = self.process, None
        process.send_signal(signal.SIGKILL)
        await process.wait()

    async def restart(self) -> None:
        await self.kill()
        await self.start()

    async def stop(self) -> None:
        """A graceful stop (SIGTERM), falling back to SIGKILL."""
        if self.process is None:
            return
        process, self.process = self.process, None
        process.send_signal(signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), timeout=10)
        except TimeoutError:
            process.kill()
            await process.wait()

    def log_tail(self, lines: int = 40) -> str:
        try:
            text = self.log_path.read_text(errors="replace")
        except OSError:
            return "(no log)"
        return "\n".join(text.splitlines()[-lines:])

    async def __aenter__(self) -> LiveServer:
        await self.start()
        return self

    async def __aexit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        await self.stop()
