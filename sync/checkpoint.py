"""Checkpoints are `{"version": N}`: every stamped version is unique and commit-ordered
(see sync/stamp.py), so "everything after N" never skips a late commit."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from sync.errors import BadCheckpoint


def after_version(checkpoint: Mapping[str, Any] | None) -> int:
    if not checkpoint:
        return 0
    version = checkpoint.get("version")
    if (
        isinstance(version, bool)
        or not isinstance(version, int | float)
        or version < 0
        or version != int(version)
    ):
        raise BadCheckpoint("checkpoint.version must be a whole number ≥ 0")
    return int(version)


def make(version: int) -> dict[str, Any]:
    return {"version": version}
