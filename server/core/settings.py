"""Settings come from environment variables, checked once at start-up.

A bad value stops the process with a message naming the variable, instead of failing later
in some request.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

PREFIX = "DOORSTEP_"
_TRUE = {"1", "true", "yes", "on"}
_FALSE = {"0", "false", "no", "off", ""}
_MB = 1024 * 1024
_S3_REQUIRED = ("S3_ENDPOINT", "S3_BUCKET", "S3_ACCESS_KEY", "S3_SECRET_KEY")


class SettingsError(ValueError):
    """A configuration value is wrong; the message names the variable."""


@dataclass(frozen=True)
class S3Config:
    """An S3-compatible bucket for the media store (path-style requests, SigV4)."""

    endpoint: str
    bucket: str
    access_key: str = field(repr=False)
    secret_key: str = field(repr=False)
    region: str = "us-east-1"


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite://data/doorstep.db"
    data_dir: Path = Path("data")
    dev: bool = False
    public_base_url: str = "http://127.0.0.1:8000"
    jwt_issuer: str = "doorstep"
    jwt_audience: str = "doorstep-api"
    access_token_ttl: timedelta = timedelta(minutes=15)
    refresh_token_ttl: timedelta = timedelta(days=30)
    default_timezone: str = "Asia/Shanghai"
    pwa_dist: Path = Path("pwa/dist")
    demo_password: str | None = field(default=None, repr=False)
    max_query_depth: int = 12
    max_query_tokens: int = 4000
    max_query_aliases: int = 30
    max_upload_bytes: int = 25 * 1024 * 1024
    upload_quota_bytes: int = 2 * 1024 * 1024 * 1024
    s3: S3Config | None = None  # None: media live under <data_dir>/media

    @property
    def is_sqlite(self) -> bool:
        return self.database_url.startswith("sqlite:")

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        env = os.environ if env is None else env

        def get(name: str) -> str | None:
            return env.get(PREFIX + name)

        defaults = cls()
        data_dir = Path(get("DATA_DIR") or defaults.data_dir)
        database_url = get("DATABASE_URL") or f"sqlite://{data_dir / 'doorstep.db'}"
        _check_database_url(database_url)
        public_base_url = (get("PUBLIC_BASE_URL") or defaults.public_base_url).rstrip("/")
        _check_http_url("PUBLIC_BASE_URL", public_base_url)
        return cls(
            database_url=database_url,
            data_dir=data_dir,
            dev=_parse_bool("DEV", get("DEV"), default=False),
            public_base_url=public_base_url,
            access_token_ttl=timedelta(
                minutes=_parse_int("ACCESS_TOKEN_MINUTES", get("ACCESS_TOKEN_MINUTES"), 15, low=1, high=1440)
            ),
            refresh_token_ttl=timedelta(
                days=_parse_int("REFRESH_TOKEN_DAYS", get("REFRESH_TOKEN_DAYS"), 30, low=1, high=365)
            ),
            default_timezone=_parse_timezone(get("TIMEZONE") or defaults.default_timezone),
            pwa_dist=Path(get("PWA_DIST") or defaults.pwa_dist),
            demo_password=get("DEMO_PASSWORD") or None,
            max_upload_bytes=_parse_int("MAX_UPLOAD_MB", get("MAX_UPLOAD_MB"), 25, low=1, high=2047) * _MB,
            upload_quota_bytes=_parse_int(
                "UPLOAD_QUOTA_MB", get("UPLOAD_QUOTA_MB"), 2048, low=1, high=10_000_000
            )
            * _MB,
            s3=_parse_s3(get),
        )


def _parse_bool(name: str, raw: str | None, *, default: bool) -> bool:
    if raw is None:
        return default
    value = raw.strip().lower()
    if value in _TRUE:
        return True
    if value in _FALSE:
        return False
    raise SettingsError(f"{PREFIX}{name} must be one of true/false/1/0/yes/no, got {raw!r}")


def _parse_int(name: str, raw: str | None, default: int, *, low: int, high: int) -> int:
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise SettingsError(f"{PREFIX}{name} must be a whole number, got {raw!r}") from None
    if not low <= value <= high:
        raise SettingsError(f"{PREFIX}{name} must be between {low} and {high}, got {value}")
    return value


def _parse_timezone(raw: str) -> str:
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(raw)
    except (ZoneInfoNotFoundError, ValueError):
        raise SettingsError(
            f"{PREFIX}TIMEZONE must be an IANA time zone such as Asia/Shanghai, got {raw!r}"
        ) from None
    return raw


def _check_database_url(url: str) -> None:
    scheme = url.split(":", 1)[0]
    if scheme not in {"sqlite", "postgres", "asyncpg", "postgresql"}:
        raise SettingsError(
            f"{PREFIX}DATABASE_URL must start with sqlite:// or postgres://, got scheme {scheme!r}"
        )
    if scheme == "sqlite" and not url.startswith("sqlite://"):
        raise SettingsError(
            f"{PREFIX}DATABASE_URL for SQLite looks like sqlite://data/doorstep.db, got {url!r}"
        )


def _check_http_url(name: str, url: str) -> None:
    parts = urlsplit(url)
    if parts.scheme not in {"http", "https"} or not parts.netloc:
        raise SettingsError(f"{PREFIX}{name} must be an http(s) URL, got {url!r}")


def _parse_s3(get: Callable[[str], str | None]) -> S3Config | None:
    values = {name: (get(name) or "").strip() for name in (*_S3_REQUIRED, "S3_REGION")}
    if not any(values[name] for name in _S3_REQUIRED):
        return None
    missing = [PREFIX + name for name in _S3_REQUIRED if not values[name]]
    if missing:
        raise SettingsError(f"The S3 media store also needs {', '.join(missing)}")
    endpoint = values["S3_ENDPOINT"].rstrip("/")
    _check_http_url("S3_ENDPOINT", endpoint)
    bucket = values["S3_BUCKET"]
    if not re.fullmatch(r"[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]", bucket):
        raise SettingsError(f"{PREFIX}S3_BUCKET must be a valid bucket name, got {bucket!r}")
    return S3Config(
        endpoint=endpoint,
        bucket=bucket,
        access_key=values["S3_ACCESS_KEY"],
        secret_key=values["S3_SECRET_KEY"],
        region=values["S3_REGION"] or "us-east-1",
    )
