"""The `doorstep` command: serve, migrate, seed-demo, create-user, import, rotate-jwt-key,
export-schema, report.

Exit codes: 0 success, 1 failure (the reason on one line of stderr, no traceback), 2 bad usage.
Settings come from DOORSTEP_* environment variables, checked before anything else runs.
"""

from __future__ import annotations

import argparse
import logging
import sys
from collections.abc import Callable, Sequence

from tortoise.exceptions import BaseORMException

from server import cli_commands
from server.cli_commands import CommandFailed
from server.core.errors import DomainError
from server.core.roles import Role
from server.core.secrets import SecretsError
from server.core.settings import Settings, SettingsError

PROG = "doorstep"
Handler = Callable[[argparse.Namespace, Settings | None], int]
# Kept here rather than imported, so `migrate` or `serve` never load the import machinery.
IMPORT_KINDS = ("customers", "sites", "assets")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog=PROG,
        description="Doorstep field-service server. Settings come from DOORSTEP_* environment variables.",
    )
    commands = parser.add_subparsers(dest="command", metavar="COMMAND", required=True)

    serve = commands.add_parser("serve", help="apply migrations, then run the web server")
    serve.add_argument("--host", default="127.0.0.1", help="address to listen on (default 127.0.0.1)")
    serve.add_argument("--port", type=int, default=8000, help="port to listen on (default 8000)")
    serve.add_argument(
        "--proxy-headers",
        action="store_true",
        help="trust X-Forwarded-For/-Proto from --forwarded-allow-ips (only behind a reverse proxy)",
    )
    serve.add_argument(
        "--forwarded-allow-ips", default="127.0.0.1", help="proxy addresses trusted with --proxy-headers"
    )
    serve.add_argument("--log-level", default="info", choices=["debug", "info", "warning", "error"])

    commands.add_parser("migrate", help="apply database migrations")

    seed = commands.add_parser("seed-demo", help="load demo data into an empty database; print the logins")
    seed.add_argument("--seed", type=int, default=None, help="random seed for the demo data")

    user = commands.add_parser("create-user", help="create a user account")
    user.add_argument("--username", required=True)
    user.add_argument("--role", required=True, choices=[r.value for r in Role])
    user.add_argument("--display-name", required=True)
    user.add_argument(
        "--password",
        help="the password (else DOORSTEP_NEW_PASSWORD, else asked for on the terminal)",
    )

    imp = commands.add_parser("import", help="import customers, sites or assets from a CSV file")
    imp.add_argument("kind", choices=IMPORT_KINDS)
    imp.add_argument("file", metavar="FILE.csv")
    imp.add_argument("--dry-run", action="store_true", help="check every row, write nothing")
    imp.add_argument("--as", dest="as_user", metavar="USERNAME", help="record the import as this admin")

    rotate = commands.add_parser("rotate-jwt-key", help="add a new token signing key (restart to use it)")
    rotate.add_argument("--keep", type=int, default=2, help="how many newest keys stay valid (default 2)")

    schema = commands.add_parser("export-schema", help="write schema/schema.graphql from the code")
    schema.add_argument("--check", action="store_true", help="exit 1 with a diff when the file is stale")
    schema.add_argument(
        "--output", metavar="PATH", help="file to write or check (default schema/schema.graphql)"
    )

    report = commands.add_parser("report", help="supervisor reports: the monthly PDF and CSV, report facts")
    reports = report.add_subparsers(dest="report", metavar="REPORT", required=True)
    monthly = reports.add_parser("monthly", help="write a month's report as PDF and CSV")
    monthly.add_argument("--month", required=True, metavar="YYYY-MM", help="the month, e.g. 2026-10")
    monthly.add_argument("--lang", default="zh-CN", choices=["zh-CN", "en"], help="language (default zh-CN)")
    monthly.add_argument("--out", default=".", metavar="DIR", help="directory for the files (default .)")
    reports.add_parser("backfill", help="compute the report facts of work orders that lack them or are stale")
    return parser


# Commands that never touch the settings (so a broken environment does not stop them).
NO_SETTINGS = frozenset({"export-schema"})


def main(argv: Sequence[str] | None = None) -> int:
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse exits 2 on bad usage, 0 for --help
        return exc.code if isinstance(exc.code, int) else 2
    # Our own messages at INFO; libraries (the ORM's start/stop chatter) only when something is wrong.
    logging.basicConfig(level=logging.WARNING, format="%(levelname)s %(name)s: %(message)s")
    for name in ("doorstep", "server"):
        logging.getLogger(name).setLevel(logging.INFO)
    settings: Settings | None = None
    try:
        if args.command not in NO_SETTINGS:
            settings = Settings.from_env()
        return _handler(args.command)(args, settings)
    except (SettingsError, SecretsError, CommandFailed) as exc:
        return _fail(str(exc))
    except DomainError as exc:
        return _fail(exc.message)
    except BaseORMException as exc:
        return _fail(f"database error: {exc}")
    except OSError as exc:
        return _fail(f"{exc.strerror or exc}" + (f": {exc.filename}" if exc.filename else ""))
    except KeyboardInterrupt:
        return _fail("interrupted", code=130)


def _fail(message: str, *, code: int = 1) -> int:
    print(f"{PROG}: {message}", file=sys.stderr)
    return code


def _handler(command: str) -> Handler:
    handlers: dict[str, Handler] = {
        "serve": cli_commands.serve,
        "migrate": cli_commands.migrate,
        "seed-demo": cli_commands.seed_demo,
        "create-user": cli_commands.create_user,
        "import": cli_commands.import_file,
        "rotate-jwt-key": cli_commands.rotate_jwt_key,
        "export-schema": cli_commands.export_schema,
        "report": cli_commands.report,
    }
    return handlers[command]


if __name__ == "__main__":
    sys.exit(main())
