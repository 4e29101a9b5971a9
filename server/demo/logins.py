"""The demo users' password: chosen by the operator, or generated once and kept in the data dir.

`<data_dir>/demo-logins.txt` (mode 0600) keeps a generated password so every later
`doorstep seed-demo` prints the same sign-ins. DOORSTEP_DEMO_PASSWORD wins over the file and is
never written to disk.
"""

from __future__ import annotations

import os
import secrets
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from server.core.settings import Settings
from server.demo.data import PASSWORD_WORDS, USERS

LOGINS_FILE = "demo-logins.txt"
_PASSWORD_KEY = "password:"  # noqa: S105 (the label in the file, not a secret)


@dataclass(frozen=True)
class Login:
    username: str
    role: str
    display_name: str


@dataclass(frozen=True)
class DemoLogins:
    password: str | None  # None when neither the setting nor the file knows it
    logins: tuple[Login, ...]

    def lines(self) -> list[str]:
        if not self.logins:
            return []
        shown = self.password or "(unknown: set DOORSTEP_DEMO_PASSWORD or see demo-logins.txt)"
        out = [f"Demo sign-ins (password for all: {shown}):"]
        out += [f"  {x.username:<11} {x.role:<11} {x.display_name}" for x in self.logins]
        return out


def logins_path(settings: Settings) -> Path:
    return settings.data_dir / LOGINS_FILE


def generate_password() -> str:
    return "-".join(secrets.choice(PASSWORD_WORDS) for _ in range(4))


def known_password(settings: Settings) -> str | None:
    """The setting, else the password kept in the logins file, else None."""
    if settings.demo_password:
        return settings.demo_password
    try:
        text = logins_path(settings).read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    for line in text.splitlines():
        if line.startswith(_PASSWORD_KEY):
            return line.removeprefix(_PASSWORD_KEY).strip() or None
    return None


def password_for_seeding(settings: Settings) -> str:
    """The password to give the demo users; a generated one is written down before it is used."""
    known = known_password(settings)
    if known is not None:
        return known
    password = generate_password()
    write_logins_file(settings, password)
    return password


def write_logins_file(settings: Settings, password: str) -> None:
    path = logins_path(settings)
    path.parent.mkdir(parents=True, exist_ok=True)
    body = [
        "# Doorstep demo sign-ins, written by `doorstep seed-demo`.",
        "# Every demo user has this password. Delete this file and the database to start over.",
        f"{_PASSWORD_KEY} {password}",
        *(f"{u.username:<11} {u.role.value:<11} {u.display_name}" for u in USERS),
    ]
    tmp = path.with_name(f".{path.name}.tmp")
    # Created with 0600 from the start so the password is never readable by others, not even briefly.
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(fd, "w", encoding="utf-8") as fh:
        fh.write("\n".join(body) + "\n")
    os.chmod(tmp, 0o600)
    os.replace(tmp, path)


def demo_logins(settings: Settings, existing_usernames: Iterable[str]) -> DemoLogins:
    present = set(existing_usernames)
    logins = tuple(Login(u.username, u.role.value, u.display_name) for u in USERS if u.username in present)
    return DemoLogins(known_password(settings) if logins else None, logins)
