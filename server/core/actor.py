"""Who is asking: every service function that reads or changes data takes an `Actor`."""

from __future__ import annotations

import uuid
from dataclasses import dataclass

from server.core.errors import Forbidden, Unauthenticated
from server.core.roles import STAFF, Role


@dataclass(frozen=True)
class Actor:
    user_id: uuid.UUID
    role: Role
    username: str = ""
    device_id: uuid.UUID | None = None

    @property
    def principal_key(self) -> str:
        # How the sync engine names this caller in idempotency and scope records.
        return str(self.user_id)

    @property
    def is_technician(self) -> bool:
        return self.role is Role.TECHNICIAN

    @property
    def is_staff(self) -> bool:
        return self.role in STAFF


def require(actor: Actor | None, *roles: Role) -> Actor:
    """The signed-in actor, if it holds one of `roles` (any role when none are given)."""
    if actor is None:
        raise Unauthenticated("Sign in first.")
    if roles and actor.role not in roles:
        raise Forbidden("Your role may not do this.")
    return actor
