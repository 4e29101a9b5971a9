"""The rows of uploads in progress (`media_upload`), in written-out SQL.

Every tus request reads or writes one, and the ORM's query building and model instances cost
more than running the statements (about 0.4 ms of CPU each on SQLite, several per photo). Values
are written in the stored forms the ORM uses (datetimes through the driver's adapter, UUIDs as
text), so the ORM reads these rows as its own (the expiry sweep and the tests do).
"""

from __future__ import annotations

import functools
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

import orjson
from tortoise import connections
from tortoise.backends.base.client import BaseDBAsyncClient

_SELECT_UPLOAD = (
    'SELECT "id", "user_id", "length", "offset", "sha256", "metadata", "expires_at", "completed_at",'
    ' EXISTS (SELECT 1 FROM "media_blob" b WHERE b."sha256" = u."sha256") AS "stored"'
    ' FROM "media_upload" u WHERE "id" = {} AND "user_id" = {}'
)
# The new row only if the user's stored bytes, plus what his unfinished uploads reserve, plus
# this upload stay within his quota: the check and the insert in one statement.
_INSERT_WITHIN_QUOTA = (
    'INSERT INTO "media_upload" ("id", "created_at", "updated_at", "user_id", "length", "offset",'
    ' "sha256", "metadata", "expires_at", "completed_at") SELECT {}, {}, {}, {}, {}, {}, {}, {}, {}, {}'
    ' WHERE (SELECT COALESCE(SUM("size"), 0) FROM "media_blob" WHERE "uploader_id" = {})'
    ' + (SELECT COALESCE(SUM("length"), 0) FROM "media_upload" WHERE "user_id" = {}'
    ' AND "completed_at" IS NULL) + {} <= {} RETURNING "id"'
)
# PostgreSQL cannot tell the types of a SELECT list's parameters from the insert's columns.
_PG_CASTS = (
    "::uuid", "::timestamptz", "::timestamptz", "::uuid", "::bigint", "::bigint", "::varchar",
    "::jsonb", "::timestamptz", "::timestamptz", "::uuid", "::uuid", "::bigint", "::bigint",
)  # fmt: skip
_RECORD_OFFSET = 'UPDATE "media_upload" SET "offset" = {}, "expires_at" = {} WHERE "id" = {}'
_COMPLETE = 'UPDATE "media_upload" SET "completed_at" = {}, "offset" = {} WHERE "id" = {}'
_BLOB_EXISTS = 'SELECT 1 FROM "media_blob" WHERE "sha256" = {}'


def _connection(conn: BaseDBAsyncClient | None) -> BaseDBAsyncClient:
    return conn if conn is not None else connections.get("default")


def _numbered(conn: BaseDBAsyncClient, template: str) -> str:
    """`template` with each `{}` replaced by the dialect's placeholder, in order."""
    return _format(conn.capabilities.dialect, template)


@functools.cache
def _format(dialect: str, template: str) -> str:
    count = template.count("{}")
    if dialect != "postgres":
        return template.format(*("?" * count))
    casts = _PG_CASTS if template is _INSERT_WITHIN_QUOTA else ("",) * count
    return template.format(*(f"${n}{cast}" for n, cast in zip(range(1, count + 1), casts, strict=True)))


def _id(value: uuid.UUID) -> str:
    return str(value)  # SQLite keeps UUIDs as text, and asyncpg accepts them so


@dataclass
class UploadRow:
    """One upload in progress: the columns of `Upload` that the protocol uses."""

    id: uuid.UUID
    user_id: uuid.UUID
    length: int
    offset: int
    sha256: str  # declared by the client; checked on completion
    metadata: dict[str, str]
    expires_at: datetime
    completed_at: datetime | None = None
    # Whether the declared bytes were stored already when the row was read (None: not asked).
    # Read along with the row to save a query; a blob stored meanwhile is still found on insert.
    stored: bool | None = None


def _when(raw: Any) -> datetime | None:
    if raw is None or isinstance(raw, datetime):
        return raw
    value = datetime.fromisoformat(str(raw))  # SQLite: "YYYY-MM-DD HH:MM:SS.ffffff+00:00"
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _uuid(raw: Any) -> uuid.UUID:
    return raw if isinstance(raw, uuid.UUID) else uuid.UUID(str(raw))


async def insert_upload(upload: UploadRow, *, now: datetime, quota: int) -> bool:
    """Insert the row unless the upload would exceed its user's `quota` (then False)."""
    conn = _connection(None)
    user = _id(upload.user_id)
    values = [
        _id(upload.id),
        now,
        now,
        user,
        upload.length,
        upload.offset,
        upload.sha256,
        orjson.dumps(upload.metadata).decode(),
        upload.expires_at,
        upload.completed_at,
        user,
        user,
        upload.length,
        quota,
    ]
    # Fetched, not executed: Tortoise's PostgreSQL client drops RETURNING rows of an INSERT.
    return bool(await conn.execute_query_dict(_numbered(conn, _INSERT_WITHIN_QUOTA), values))


async def fetch_upload(*, upload_id: uuid.UUID, user_id: uuid.UUID) -> UploadRow | None:
    conn = _connection(None)
    _, rows = await conn.execute_query(_numbered(conn, _SELECT_UPLOAD), [_id(upload_id), _id(user_id)])
    if not rows:
        return None
    row = rows[0]
    metadata = row["metadata"]
    expires_at = _when(row["expires_at"])
    assert expires_at is not None  # NOT NULL
    return UploadRow(
        id=_uuid(row["id"]),
        user_id=_uuid(row["user_id"]),
        length=int(row["length"]),
        offset=int(row["offset"]),
        sha256=row["sha256"],
        metadata=orjson.loads(metadata) if isinstance(metadata, str | bytes) else dict(metadata or {}),
        expires_at=expires_at,
        completed_at=_when(row["completed_at"]),
        stored=bool(row["stored"]),
    )


async def record_offset(*, upload_id: uuid.UUID, offset: int, expires_at: datetime) -> None:
    conn = _connection(None)
    await conn.execute_query(_numbered(conn, _RECORD_OFFSET), [offset, expires_at, _id(upload_id)])


async def complete_upload(
    *, upload_id: uuid.UUID, length: int, completed_at: datetime, conn: BaseDBAsyncClient
) -> None:
    await conn.execute_query(_numbered(conn, _COMPLETE), [completed_at, length, _id(upload_id)])


async def blob_exists(sha256: str) -> bool:
    conn = _connection(None)
    _, rows = await conn.execute_query(_numbered(conn, _BLOB_EXISTS), [sha256])
    return bool(rows)
