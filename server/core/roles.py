from __future__ import annotations

from enum import StrEnum


class Role(StrEnum):
    TECHNICIAN = "technician"
    DISPATCHER = "dispatcher"
    SUPERVISOR = "supervisor"
    ADMIN = "admin"


STAFF = frozenset({Role.DISPATCHER, Role.SUPERVISOR, Role.ADMIN})
DESK = frozenset({Role.DISPATCHER, Role.ADMIN})
