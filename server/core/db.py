"""Database configuration, start-up and migrations (SQLite by default, PostgreSQL to scale out)."""

from __future__ import annotations

from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

from tortoise import Tortoise
from tortoise.connection import get_connection
from tortoise.migrations.api import migrate as tortoise_migrate

from server.core.settings import Settings

APP_LABEL = "doorstep"
MODEL_MODULES = [
    "server.auth.models",
    "server.customers.models",
    "server.assets.models",
    "server.workorders.models",
    "server.appointments.models",
    "server.checklists.models",
    "server.sla.models",
    "server.feedback.models",
    "server.followup.models",
    "server.problems.models",
    "server.knowledge.models",
    "server.audit.models",
    "server.worklog.models",
    "server.media.models",
    "server.signatures.models",
    "server.reports.models",
    "sync.models",
]
# Pragmas for the embedded database: WAL lets readers run beside the single writer, and the
# busy timeout makes a second writer wait instead of failing at once.
SQLITE_PRAGMAS = "journal_mode=WAL&busy_timeout=5000&synchronous=NORMAL&foreign_keys=ON"


def database_url(settings: Settings) -> str:
    url = settings.database_url
    if url.startswith("postgresql://"):
        url = "postgres://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite://"):
        path = url.removeprefix("sqlite://").split("?", 1)[0]
        if path != ":memory:":
            Path(path).parent.mkdir(parents=True, exist_ok=True)
        if "?" not in url:
            url = f"{url}?{SQLITE_PRAGMAS}"
    return url


def tortoise_config(settings: Settings) -> dict[str, Any]:
    return {
        "connections": {"default": database_url(settings)},
        "apps": {
            APP_LABEL: {
                "models": MODEL_MODULES,
                "default_connection": "default",
                "migrations": "server.migrations",
            }
        },
        "use_tz": True,
        "timezone": "UTC",
    }


async def init_db(settings: Settings) -> None:
    await Tortoise.init(config=tortoise_config(settings), _enable_global_fallback=True)


async def close_db() -> None:
    await Tortoise.close_connections()


async def migrate(settings: Settings) -> None:
    """Apply every committed migration; safe to run on each start."""
    await tortoise_migrate(config=tortoise_config(settings))
    await Tortoise.close_connections()


async def is_ready() -> tuple[bool, str]:
    """Database reachable and the latest migration applied."""
    try:
        conn = get_connection("default")
        rows = await conn.execute_query_dict("SELECT value FROM sync_counter WHERE name = 'global'")
    except Exception as exc:  # any failure means "not ready": reported, not raised
        return False, f"database not ready: {type(exc).__name__}"
    if not rows:
        return False, "migrations not applied"
    return True, "ok"


def describe_url(settings: Settings) -> str:
    """The database URL without credentials, for logs."""
    parts = urlsplit(settings.database_url)
    host = parts.hostname or ""
    return f"{parts.scheme}://{host}{parts.path}"


def asyncpg_dsn(settings: Settings) -> str:
    """A plain libpq URL for a dedicated LISTEN connection."""
    url = database_url(settings)
    for scheme in ("postgres://", "asyncpg://"):
        if url.startswith(scheme):
            return "postgresql://" + url.removeprefix(scheme)
    return url
