"""What each `doorstep` sub-command does (argument parsing and error reporting live in cli.py)."""

from __future__ import annotations

import argparse
import asyncio
import difflib
import getpass
import os
import sys
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import TypeVar

from server.core import db
from server.core.actor import Actor
from server.core.settings import Settings

T = TypeVar("T")
NEW_PASSWORD_ENV = "DOORSTEP_NEW_PASSWORD"  # noqa: S105 (a variable name, not a secret)


class CommandFailed(Exception):
    """A command could not do its job; the message is shown to the operator as is."""


def _settings(settings: Settings | None) -> Settings:
    assert settings is not None, "this command needs the settings"
    return settings


def _with_database(settings: Settings, work: Callable[[], Awaitable[T]]) -> T:
    """Apply migrations, open the database, run `work`, close it again."""

    async def run() -> T:
        await db.migrate(settings)
        await db.init_db(settings)
        try:
            return await work()
        finally:
            await db.close_db()

    return asyncio.run(run())


def serve(args: argparse.Namespace, settings: Settings | None) -> int:
    import uvicorn

    from server.core.secrets import load_or_create_secrets

    settings = _settings(settings)
    if not 0 < args.port < 65536:
        raise CommandFailed(f"--port must be between 1 and 65535, got {args.port}")
    asyncio.run(db.migrate(settings))
    # Read (or create) the secrets now, so a damaged file stops start-up with one clear line.
    load_or_create_secrets(data_dir=settings.data_dir)
    print(f"Doorstep listening on http://{args.host}:{args.port} ({db.describe_url(settings)})", flush=True)
    uvicorn.run(
        "server.app:create_app",
        factory=True,
        host=args.host,
        port=args.port,
        workers=1,  # SQLite has a single writer; scale out with PostgreSQL and more containers
        proxy_headers=args.proxy_headers,
        forwarded_allow_ips=args.forwarded_allow_ips if args.proxy_headers else None,
        log_level=args.log_level,
        server_header=False,
    )
    return 0


def migrate(args: argparse.Namespace, settings: Settings | None) -> int:
    settings = _settings(settings)
    asyncio.run(db.migrate(settings))
    print(f"Migrations applied to {db.describe_url(settings)}")
    return 0


def seed_demo(args: argparse.Namespace, settings: Settings | None) -> int:
    from server.demo import DEFAULT_SEED
    from server.demo import seed_demo as run_seed

    settings = _settings(settings)
    seed = DEFAULT_SEED if args.seed is None else args.seed
    report = _with_database(settings, lambda: run_seed(settings=settings, rng_seed=seed))
    if report.seeded:
        counts = ", ".join(f"{n} {name.replace('_', ' ')}" for name, n in report.counts.items())
        print(f"Demo data loaded: {counts}.")
    elif report.logins.logins:
        print("Demo data is already loaded.")
    else:
        print("Users already exist, so the demo data was not loaded.")
    for line in report.logins.lines():
        print(line)
    return 0


def create_user(args: argparse.Namespace, settings: Settings | None) -> int:
    from server.auth.service import create_user as create
    from server.core.roles import Role

    settings = _settings(settings)
    password = args.password or os.environ.get(NEW_PASSWORD_ENV) or _ask_password()
    user = _with_database(
        settings,
        lambda: create(
            actor=None,
            username=args.username,
            display_name=args.display_name,
            role=Role(args.role),
            password=password,
        ),
    )
    print(f"Created {user.role.value} {user.username!r} ({user.display_name}).")
    return 0


def _ask_password() -> str:
    if not sys.stdin.isatty():
        raise CommandFailed(
            f"no password given: use --password, set {NEW_PASSWORD_ENV}, or run on a terminal"
        )
    first = getpass.getpass("Password: ")
    if getpass.getpass("Repeat password: ") != first:
        raise CommandFailed("the passwords do not match")
    return first


def import_file(args: argparse.Namespace, settings: Settings | None) -> int:
    from server.imports import import_csv
    from server.imports.progress import ProgressBar

    settings = _settings(settings)
    path = Path(args.file)
    if not path.is_file():
        raise CommandFailed(f"no such file: {path}")

    async def work() -> int:
        actor = await _admin_actor(args.as_user) if args.as_user else None
        result = await import_csv(
            actor=actor,
            kind=args.kind,
            path=path,
            dry_run=args.dry_run,
            progress=lambda total: ProgressBar(total, label=f"{args.kind}"),
        )
        print(result.summary())
        return 1 if result.failed else 0

    return _with_database(settings, work)


async def _admin_actor(username: str) -> Actor:
    from server.auth.models import User
    from server.core.roles import Role

    user = await User.filter(username=username, active=True).first()
    if user is None or user.role is not Role.ADMIN:
        raise CommandFailed(f"--as needs an active admin user; {username!r} is not one")
    return Actor(user_id=user.id, role=user.role, username=user.username)


def rotate_jwt_key(args: argparse.Namespace, settings: Settings | None) -> int:
    from server.core.secrets import rotate_jwt_key as rotate

    settings = _settings(settings)
    if args.keep < 1:
        raise CommandFailed("--keep must be at least 1")
    secrets = rotate(data_dir=settings.data_dir, keep=args.keep)
    print(
        f"New signing key {secrets.active_kid} in {settings.data_dir / 'secrets.json'}; "
        f"{len(secrets.jwt_keys)} key(s) accepted. Restart the server to sign with it."
    )
    return 0


def export_schema(args: argparse.Namespace, settings: Settings | None) -> int:
    from server.graphql.schema import SDL_PATH, export_sdl

    path = Path(args.output) if args.output else SDL_PATH
    sdl = export_sdl()
    if args.check:
        current = path.read_text(encoding="utf-8") if path.exists() else ""
        if current == sdl:
            print(f"{path} is up to date.")
            return 0
        sys.stdout.writelines(
            difflib.unified_diff(
                current.splitlines(keepends=True),
                sdl.splitlines(keepends=True),
                fromfile=str(path),
                tofile="generated from the code",
            )
        )
        print(f"doorstep: {path} is out of date; run `doorstep export-schema`.", file=sys.stderr)
        return 1
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(sdl, encoding="utf-8")
    print(f"Wrote {path}.")
    return 0


def report(args: argparse.Namespace, settings: Settings | None) -> int:
    """`report monthly` writes a month's PDF and CSV; `report backfill` brings report facts up to date."""
    from server.imports.progress import ProgressBar
    from server.reports import facts, monthly

    settings = _settings(settings)
    tz = settings.default_timezone

    def progress(total: int) -> ProgressBar | None:
        return ProgressBar(total, label="report facts") if total else None

    async def backfill() -> int:
        bar = progress(await facts.count_stale())
        done = await facts.refresh_stale(actor=None, advance=bar.advance if bar else None)
        if bar:
            bar.finish()
        print(f"Report facts refreshed for {done} work order(s).")
        return 0

    async def month_report() -> int:
        bar = progress(await monthly.stale_in_month(args.month, tz))
        made = await monthly.monthly_report(
            actor=None, month=args.month, lang=args.lang, tz=tz, advance=bar.advance if bar else None
        )
        if bar:
            bar.finish()
        pdf, csv = monthly.write_report(made, Path(args.out))
        print(monthly.summary(made))
        print(f"Wrote {pdf} and {csv} ({len(made.rows)} rows).")
        return 0

    if args.report == "backfill":
        return _with_database(settings, backfill)
    monthly.parse_month(args.month)  # a typo stops here, before the database is touched
    return _with_database(settings, month_report)
