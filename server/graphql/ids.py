"""Record ids at the GraphQL boundary: UUIDs inside, strings outside."""

from __future__ import annotations

import uuid

import strawberry

from server.core.errors import NotFound


def to_id(value: object) -> strawberry.ID:
    return strawberry.ID(str(value))


def to_opt_id(value: object | None) -> strawberry.ID | None:
    return None if value is None else to_id(value)


def parse_id(value: str) -> uuid.UUID:
    """A GraphQL id as a UUID; anything else names no record (NOT_FOUND, like an unseen one)."""
    try:
        return uuid.UUID(str(value))
    except ValueError:
        raise NotFound("No record with that id.") from None


def optional_id(value: str | None) -> uuid.UUID | None:
    return None if value is None else parse_id(value)
