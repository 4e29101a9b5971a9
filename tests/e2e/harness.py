"""The pieces the browser tests and the PWA benches share: a built PWA, a real server process on a
free loopback port, the system Chromium under Playwright, and read-only looks at the server's
SQLite file.

Nothing here downloads a browser: Playwright drives Debian's /usr/bin/chromium.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import sqlite3
import subprocess
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

REPO = Path(__file__).resolve().parents[2]
PWA = REPO / "pwa"
DOORSTEP = REPO / ".venv" / "bin" / "doorstep"
CHROMIUM = os.environ.get("DOORSTEP_E2E_CHROMIUM", "/usr/bin/chromium")
PASSWORD = "e2e-demo-password"
# The closed network makes Chromium's own background services flood the log and burn CPU.
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
PHONE = {"width": 360, "height": 740}
DESK = {"width": 1280, "height": 800}
# The demo data is laid out in the server's default time zone; the phone lives there too, so
# "today" means the same day on both sides.
TIMEZONE = "Asia/Shanghai"
# What the Makefile treats as build inputs (everything under pwa/ but these).
_NOT_SOURCES = {"node_modules", "dist", "test-results", "playwright-report"}


class HarnessError(RuntimeError):
    """The environment could not be set up (build failed, server did not start)."""


# --- the PWA build ------------------------------------------------------------------------------


def _newest_source(root: Path) -> float:
    newest = 0.0
    for dirpath, dirnames, filenames in os.walk(root):
        if Path(dirpath) == root:
            dirnames[:] = [d for d in dirnames if d not in _NOT_SOURCES]
        for name in filenames:
            with contextlib.suppress(FileNotFoundError):  # an editor's swap file that just went
                newest = max(newest, (Path(dirpath) / name).stat().st_mtime)
    return newest


def pwa_dist() -> Path:
    """The built app: `DOORSTEP_E2E_PWA_DIST` when set (used as is), else pwa/dist, rebuilt with
    `npm run build` when it is missing or older than any source file."""
    override = os.environ.get("DOORSTEP_E2E_PWA_DIST")
    if override:
        dist = Path(override).resolve()
        if not (dist / "index.html").is_file():
            raise HarnessError(f"DOORSTEP_E2E_PWA_DIST={override} has no index.html")
        return dist
    dist = PWA / "dist"
    index = dist / "index.html"
    if not index.is_file() or index.stat().st_mtime < _newest_source(PWA):
        if not (PWA / "node_modules").is_dir():
            _run(["npm", "ci", "--no-audit", "--no-fund"], cwd=PWA, what="npm ci")
        _run(["npm", "run", "build"], cwd=PWA, what="npm run build")
        index.touch()  # like the Makefile: an unchanged tree is not rebuilt next time
    return dist


def _run(command: list[str], *, cwd: Path, what: str, env: dict[str, str] | None = None) -> str:
    done = subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)  # noqa: S603
    if done.returncode != 0:
        tail = (done.stdout + done.stderr)[-4000:]
        raise HarnessError(f"{what} failed (exit {done.returncode}):\n{tail}")
    return done.stdout


# --- the server ---------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def server_env(data_dir: Path, dist: Path, port: int) -> dict[str, str]:
    # The developer's own DOORSTEP_* settings (a PostgreSQL URL, S3) must not leak in.
    env = {k: v for k, v in os.environ.items() if not k.startswith("DOORSTEP_")}
    env.update(
        DOORSTEP_DATA_DIR=str(data_dir),
        DOORSTEP_PWA_DIST=str(dist),
        DOORSTEP_PUBLIC_BASE_URL=f"http://127.0.0.1:{port}",
        DOORSTEP_DEMO_PASSWORD=PASSWORD,
    )
    return env


@dataclass
class Server:
    """A `doorstep serve` process with the demo data (and whatever a caller adds before start)."""

    data_dir: Path
    dist: Path
    port: int = field(default_factory=free_port)
    proc: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def db_path(self) -> Path:
        return self.data_dir / "doorstep.db"

    @property
    def log_path(self) -> Path:
        return self.data_dir / "server.log"

    def env(self) -> dict[str, str]:
        return server_env(self.data_dir, self.dist, self.port)

    def prepare(self) -> None:
        """Migrate and load the demo data (argon2 makes the seeding take a few seconds)."""
        self.data_dir.mkdir(parents=True, exist_ok=True)
        _run([str(DOORSTEP), "migrate"], cwd=REPO, env=self.env(), what="doorstep migrate")
        _run([str(DOORSTEP), "seed-demo"], cwd=REPO, env=self.env(), what="doorstep seed-demo")
        # The seeded orders' report facts (what the dashboard counts) are not computed by the seed.
        _run([str(DOORSTEP), "report", "backfill"], cwd=REPO, env=self.env(), what="doorstep report backfill")

    def start(self, timeout: float = 60) -> None:
        command = [
            str(DOORSTEP),
            "serve",
            "--host",
            "127.0.0.1",
            "--port",
            str(self.port),
            "--log-level",
            "warning",
        ]
        log = self.log_path.open("ab")
        self.proc = subprocess.Popen(command, cwd=REPO, env=self.env(), stdout=log, stderr=subprocess.STDOUT)  # noqa: S603
        log.close()
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                raise HarnessError(f"the server exited with {self.proc.returncode}:\n{self.log_tail()}")
            with contextlib.suppress(httpx.TransportError):
                if httpx.get(f"{self.url}/readyz", timeout=2).status_code == 200:
                    return
            time.sleep(0.2)
        self.stop()
        raise HarnessError(f"the server was not ready within {timeout:.0f} s:\n{self.log_tail()}")

    def stop(self) -> None:
        if self.proc is None:
            return
        self.proc.terminate()
        try:
            self.proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            self.proc.wait()
        self.proc = None

    def log_tail(self, chars: int = 4000) -> str:
        try:
            return self.log_path.read_text(errors="replace")[-chars:]
        except FileNotFoundError:
            return "(no log)"

    # --- looking at what the server holds --------------------------------------------------

    def query(self, sql: str, params: tuple[Any, ...] = ()) -> list[sqlite3.Row]:
        """Rows from the server's SQLite file, opened read-only (the server keeps writing)."""
        conn = sqlite3.connect(f"file:{self.db_path}?mode=ro", uri=True, timeout=10)
        try:
            conn.row_factory = sqlite3.Row
            return list(conn.execute(sql, params))
        finally:
            conn.close()

    def gql(
        self, query: str, variables: dict[str, Any] | None = None, *, token: str | None = None
    ) -> dict[str, Any]:
        headers = {"authorization": f"Bearer {token}"} if token else {}
        response = httpx.post(
            f"{self.url}/graphql",
            json={"query": query, "variables": variables or {}},
            headers=headers,
            timeout=30,
        )
        body = response.json()
        if response.status_code != 200 or body.get("errors"):
            raise HarnessError(f"GraphQL HTTP {response.status_code}: {body.get('errors')}")
        return dict(body["data"])

    def token(self, username: str) -> str:
        login = (
            "mutation($u: String!, $p: String!) "
            '{ login(username: $u, password: $p, deviceName: "e2e") { accessToken } }'
        )
        return str(self.gql(login, {"u": username, "p": PASSWORD})["login"]["accessToken"])

    def get(self, path: str, token: str) -> httpx.Response:
        return httpx.get(f"{self.url}{path}", headers={"authorization": f"Bearer {token}"}, timeout=60)


@contextlib.contextmanager
def running_server(data_dir: Path, dist: Path) -> Iterator[Server]:
    server = Server(data_dir=data_dir, dist=dist)
    server.prepare()
    server.start()
    try:
        yield server
    finally:
        server.stop()


# --- the browser --------------------------------------------------------------------------------


def camera_args(y4m: Path) -> list[str]:
    """Chromium flags that make getUserMedia return the frames of `y4m` without asking."""
    return [
        "--use-fake-ui-for-media-stream",
        "--use-fake-device-for-media-stream",
        f"--use-file-for-fake-video-capture={y4m.resolve()}",
    ]


def have_chromium() -> bool:
    return Path(CHROMIUM).is_file() or shutil.which(CHROMIUM) is not None


def launch_context(
    playwright: Any,
    user_data_dir: Path,
    *,
    base_url: str,
    viewport: dict[str, int] | None = None,
    extra_args: list[str] | None = None,
    locale: str = "en-US",
    permissions: list[str] | None = None,
    app_language: str | None = "en",
) -> Any:
    """A persistent Chromium profile: the service worker, IndexedDB and the install checks
    behave as on a phone only in a real profile, not in an incognito-like context."""
    viewport = viewport or PHONE
    context = playwright.chromium.launch_persistent_context(
        str(user_data_dir),
        executable_path=CHROMIUM,
        args=[*CHROMIUM_ARGS, *(extra_args or [])],
        headless=True,
        base_url=base_url,
        viewport=viewport,
        screen=viewport,
        device_scale_factor=1,
        is_mobile=viewport["width"] < 600,
        has_touch=viewport["width"] < 600,
        locale=locale,
        timezone_id=TIMEZONE,
        permissions=permissions or [],
        service_workers="allow",
    )
    if app_language:
        # As if this phone had chosen the language once: sign-in then keeps it instead of
        # adopting the user's own (the demo technicians' is Chinese). A later switch in the
        # settings still sticks, since this only fills an empty choice.
        context.add_init_script(
            "try { if (!localStorage.getItem('doorstep.locale')) "
            f"localStorage.setItem('doorstep.locale', '{app_language}'); }} catch {{}}"
        )
    return context


def first_page(context: Any) -> Any:
    """A persistent profile opens with one blank tab: use it rather than a second one."""
    return context.pages[0] if context.pages else context.new_page()
