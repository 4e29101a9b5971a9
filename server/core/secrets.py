"""Server secrets: generated on first run into the data directory, never committed.

`<data_dir>/secrets.json` holds the JWT signing keyring and the upload-signing secret:

    {"jwt_keys": {"<kid>": "<base64url>", ...}, "jwt_active_kid": "<kid>", "upload_secret": "<base64url>"}

Keys in `jwt_keys` are ordered oldest first. The file is written atomically with mode 0600.
A damaged file is an error for the operator to resolve, never a reason to regenerate: new keys
would silently log everyone out and could hide tampering.
"""

from __future__ import annotations

import base64
import binascii
import contextlib
import json
import logging
import os
import stat
import tempfile
from collections.abc import Container, Mapping
from dataclasses import dataclass
from pathlib import Path
from secrets import token_bytes, token_hex
from types import MappingProxyType
from typing import Any

from server.core.clock import utcnow

SECRETS_FILE_NAME = "secrets.json"
MIN_KEY_BYTES = 32  # RFC 7518 §3.2: an HS256 key must be at least as long as the hash output
_JWT_KEY_BYTES = 48
_UPLOAD_SECRET_BYTES = 32

log = logging.getLogger(__name__)


class SecretsError(Exception):
    """The secrets file exists but cannot be used; the message names the file and the problem."""


@dataclass(frozen=True)
class Secrets:
    jwt_keys: Mapping[str, bytes]  # kid -> key, oldest first
    active_kid: str
    upload_secret: bytes

    @property
    def active_jwt_key(self) -> bytes:
        return self.jwt_keys[self.active_kid]


def load_or_create_secrets(*, data_dir: Path) -> Secrets:
    """Read `<data_dir>/secrets.json`, creating it (and `data_dir`) on first run."""
    path = data_dir / SECRETS_FILE_NAME
    existing = _read(path)
    if existing is not None:
        return existing
    data_dir.mkdir(parents=True, exist_ok=True)
    kid = _new_kid(existing=())
    fresh = Secrets(
        jwt_keys=MappingProxyType({kid: token_bytes(_JWT_KEY_BYTES)}),
        active_kid=kid,
        upload_secret=token_bytes(_UPLOAD_SECRET_BYTES),
    )
    if _write(path, fresh, overwrite=False):
        log.info("created %s with a new JWT signing key (kid %s)", path, kid)
        return fresh
    # Another process created the file between our read and our write: use theirs.
    winner = _read(path)
    if winner is None:
        raise SecretsError(f"Secrets file {path} disappeared while it was being created")
    return winner


def rotate_jwt_key(*, data_dir: Path, keep: int = 2) -> Secrets:
    """Add a new signing key and make it active, keeping the newest `keep` keys.

    With the default `keep=2`, tokens signed with the previous key keep verifying until they
    expire; rotating again drops that key.
    """
    if keep < 1:
        raise ValueError("keep must be at least 1")
    current = load_or_create_secrets(data_dir=data_dir)
    # Insertion order is age order, so the newest `keep` keys are the last ones.
    kid = _new_kid(existing=current.jwt_keys.keys())
    keys = [*current.jwt_keys.items(), (kid, token_bytes(_JWT_KEY_BYTES))][-keep:]
    rotated = Secrets(
        jwt_keys=MappingProxyType(dict(keys)),
        active_kid=kid,
        upload_secret=current.upload_secret,
    )
    _write(data_dir / SECRETS_FILE_NAME, rotated, overwrite=True)
    log.info("rotated JWT signing key; active kid is now %s", kid)
    return rotated


def _new_kid(*, existing: Container[str]) -> str:
    # The date prefix shows operators how old a key is; the random part keeps kids unique.
    while True:
        kid = f"{utcnow():%Y%m%d}-{token_hex(4)}"
        if kid not in existing:
            return kid


def _read(path: Path) -> Secrets | None:
    """Parse the secrets file; None if it does not exist yet."""
    try:
        raw = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        return None
    except (OSError, UnicodeDecodeError) as exc:
        raise SecretsError(f"Cannot read secrets file {path}: {exc}") from exc
    _warn_if_exposed(path)
    try:
        data = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise SecretsError(
            f"Secrets file {path} is not valid JSON ({exc}). Restore it from a backup; deleting it "
            "generates new keys and signs every user out."
        ) from exc
    try:
        return _parse(data)
    except ValueError as exc:
        raise SecretsError(f"Secrets file {path} is invalid: {exc}") from exc


def _parse(data: Any) -> Secrets:
    if not isinstance(data, dict):
        raise ValueError("expected a JSON object at the top level")
    keys_field = data.get("jwt_keys")
    if not isinstance(keys_field, dict) or not keys_field:
        raise ValueError('"jwt_keys" must be a non-empty object of kid -> base64url key')
    jwt_keys: dict[str, bytes] = {}
    for kid, encoded in keys_field.items():
        if not kid:
            raise ValueError('"jwt_keys" contains an empty kid')
        jwt_keys[kid] = _decode_key(encoded, field=f'jwt_keys["{kid}"]')
    active_kid = data.get("jwt_active_kid")
    if not isinstance(active_kid, str) or active_kid not in jwt_keys:
        raise ValueError('"jwt_active_kid" must name one of the keys in "jwt_keys"')
    return Secrets(
        jwt_keys=MappingProxyType(jwt_keys),
        active_kid=active_kid,
        upload_secret=_decode_key(data.get("upload_secret"), field="upload_secret"),
    )


def _decode_key(encoded: Any, *, field: str) -> bytes:
    if not isinstance(encoded, str):
        raise ValueError(f"{field} must be a base64url string")
    try:
        # validate=True rejects stray characters instead of silently skipping them.
        key = base64.b64decode(encoded + "=" * (-len(encoded) % 4), altchars=b"-_", validate=True)
    except (binascii.Error, ValueError) as exc:
        raise ValueError(f"{field} is not valid base64url") from exc
    if len(key) < MIN_KEY_BYTES:
        raise ValueError(f"{field} is {len(key)} bytes; at least {MIN_KEY_BYTES} are required")
    return key


def _encode_key(key: bytes) -> str:
    return base64.urlsafe_b64encode(key).rstrip(b"=").decode("ascii")


def _serialize(secrets: Secrets) -> bytes:
    data = {
        "jwt_keys": {kid: _encode_key(key) for kid, key in secrets.jwt_keys.items()},
        "jwt_active_kid": secrets.active_kid,
        "upload_secret": _encode_key(secrets.upload_secret),
    }
    return (json.dumps(data, indent=2) + "\n").encode("utf-8")


def _write(path: Path, secrets: Secrets, *, overwrite: bool) -> bool:
    """Write atomically with mode 0600. Returns False if `overwrite` is off and the file exists."""
    fd, tmp_name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    tmp = Path(tmp_name)
    try:
        with os.fdopen(fd, "wb") as fh:
            os.chmod(tmp, 0o600)  # mkstemp already does this on POSIX; be explicit
            fh.write(_serialize(secrets))
            fh.flush()
            os.fsync(fh.fileno())
        if overwrite:
            os.replace(tmp, path)
        elif not _publish_if_absent(tmp, path):
            return False
        _fsync_dir(path.parent)
        return True
    finally:
        tmp.unlink(missing_ok=True)


def _publish_if_absent(tmp: Path, path: Path) -> bool:
    # A hard link fails if the target exists, so concurrent first starts cannot overwrite each
    # other's keys. Filesystems without hard links fall back to a plain atomic replace.
    try:
        os.link(tmp, path)
    except FileExistsError:
        return False
    except OSError:
        os.replace(tmp, path)
    return True


def _fsync_dir(directory: Path) -> None:
    # Makes the rename durable across power loss; not supported on every platform.
    with contextlib.suppress(OSError):
        dir_fd = os.open(directory, os.O_RDONLY)
        try:
            os.fsync(dir_fd)
        finally:
            os.close(dir_fd)


def _warn_if_exposed(path: Path) -> None:
    with contextlib.suppress(OSError):
        if path.stat().st_mode & (stat.S_IRWXG | stat.S_IRWXO):
            log.warning("secrets file %s is readable by other users; run: chmod 600 %s", path, path)
