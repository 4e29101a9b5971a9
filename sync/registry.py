"""Collection declarations: what a domain tells the sync engine about the documents it syncs.

The engine knows no domain. A domain describes each synced collection with a `CollectionSpec`:
its name, the document fields the merge knows about and who owns each of them, whether clients
may push at all, and two hooks the engine calls later (pull scope and domain validation).

Field ownership decides a field only when BOTH sides changed it since the client's base:

- ``dispatcher``: the master (server / dispatcher) value wins.
- ``technician``: the device's value wins.
- ``server``: server-maintained; client values are never applied, even if only the client changed it.
- ``immutable``: once the master holds a non-null value it never changes; a client may set it once
  while the master value is null, any other client change is an unresolvable conflict.

``id``, ``version``, ``deleted`` and ``updatedAt`` are system fields managed by the engine; they
cannot be declared and are never merged like ordinary fields.
"""

from __future__ import annotations

import math
import re
from collections.abc import Awaitable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Any, Protocol

SYSTEM_FIELDS: frozenset[str] = frozenset({"id", "version", "deleted", "updatedAt"})

# Collection and field names end up in the GraphQL schema (pushWorkOrders, field selections),
# so they must be valid GraphQL names.
_NAME = re.compile(r"[_A-Za-z][_0-9A-Za-z]*")


class Owner(StrEnum):
    DISPATCHER = "dispatcher"
    TECHNICIAN = "technician"
    SERVER = "server"
    IMMUTABLE = "immutable"


@dataclass(frozen=True)
class FieldPolicy:
    name: str
    owner: Owner


class ScopeHook(Protocol):
    """Which rows ``actor`` may pull.

    Returns a filter that only the domain and the storage layer understand (hence ``Any``); the
    engine passes it through untouched. Async because it may need to look the actor up.
    """

    def __call__(self, actor: Any, /) -> Awaitable[Any]: ...


class ValidateHook(Protocol):
    """Domain rule check on a merged document before it is written.

    ``master`` is the current master state (None for a new document). Returns human-readable
    problems; an empty sequence accepts the write. Async because rules may read other records.
    """

    def __call__(
        self, actor: Any, document: Mapping[str, Any], master: Mapping[str, Any] | None, /
    ) -> Awaitable[Sequence[str]]: ...


@dataclass(frozen=True)
class CollectionSpec:
    name: str
    fields: Mapping[str, Owner]
    read_only: bool = False
    scope: ScopeHook | None = None
    validate: ValidateHook | None = None

    def __post_init__(self) -> None:
        if not _NAME.fullmatch(self.name):
            raise ValueError(f"invalid collection name {self.name!r}")
        owners = {name: Owner(owner) for name, owner in self.fields.items()}
        for name in owners:
            if name in SYSTEM_FIELDS:
                raise ValueError(f"{self.name}: {name!r} is a system field and cannot be declared")
            if not _NAME.fullmatch(name):
                raise ValueError(f"{self.name}: invalid field name {name!r}")
        # A read-only view so a registered spec cannot drift after registration.
        object.__setattr__(self, "fields", MappingProxyType(owners))

    def __hash__(self) -> int:
        return hash((self.name, tuple(self.fields.items()), self.read_only, self.scope, self.validate))

    @classmethod
    def from_policies(
        cls,
        name: str,
        policies: Iterable[FieldPolicy],
        *,
        read_only: bool = False,
        scope: ScopeHook | None = None,
        validate: ValidateHook | None = None,
    ) -> CollectionSpec:
        fields: dict[str, Owner] = {}
        for policy in policies:
            if policy.name in fields:
                raise ValueError(f"{name}: field {policy.name!r} declared twice")
            fields[policy.name] = policy.owner
        return cls(name=name, fields=fields, read_only=read_only, scope=scope, validate=validate)

    @property
    def policies(self) -> tuple[FieldPolicy, ...]:
        return tuple(FieldPolicy(name, owner) for name, owner in self.fields.items())


def validate_document_shape(spec: CollectionSpec, doc: object) -> list[str]:
    """Problems with the shape of a pushed document; an empty list means it may be merged.

    Unknown fields are refused rather than dropped: a device sending a field the server does not
    know is running a schema the server does not support, and silently losing data is worse.
    """
    if not isinstance(doc, Mapping):
        return ["document must be an object"]
    problems: list[str] = []
    doc_id = doc.get("id")
    if not isinstance(doc_id, str) or not doc_id:
        problems.append("'id' must be a non-empty string")
    if not isinstance(doc.get("deleted", False), bool):
        problems.append("'deleted' must be a boolean")
    for key, value in doc.items():
        if not isinstance(key, str):
            problems.append(f"field name {key!r} is not a string")
        elif key not in spec.fields and key not in SYSTEM_FIELDS:
            problems.append(f"unknown field {key!r} in collection {spec.name!r}")
        elif not _is_json(value):
            problems.append(f"field {key!r} is not a JSON value")
    return problems


def _is_json(value: object) -> bool:
    if isinstance(value, float):
        return math.isfinite(value)  # NaN and Infinity have no JSON form
    if value is None or isinstance(value, str | int):
        return True
    if isinstance(value, list | tuple):
        return all(_is_json(item) for item in value)
    if isinstance(value, Mapping):
        return all(isinstance(k, str) and _is_json(v) for k, v in value.items())
    return False


class UnknownCollection(Exception):
    def __init__(self, name: str) -> None:
        super().__init__(f"unknown collection {name!r}")
        self.name = name


class DuplicateCollection(ValueError):
    def __init__(self, name: str) -> None:
        super().__init__(f"collection {name!r} is already registered")
        self.name = name


class Registry:
    """The collections the engine serves, in registration order."""

    def __init__(self) -> None:
        self._specs: dict[str, CollectionSpec] = {}

    def register(self, spec: CollectionSpec) -> CollectionSpec:
        if spec.name in self._specs:
            raise DuplicateCollection(spec.name)
        self._specs[spec.name] = spec
        return spec

    def get(self, name: str) -> CollectionSpec:
        try:
            return self._specs[name]
        except KeyError:
            raise UnknownCollection(name) from None

    def __contains__(self, name: object) -> bool:
        return name in self._specs

    def __iter__(self) -> Iterator[CollectionSpec]:
        return iter(tuple(self._specs.values()))

    def __len__(self) -> int:
        return len(self._specs)
