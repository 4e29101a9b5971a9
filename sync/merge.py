"""Per-field three-way merge of one pushed row against the master.

A push row is RxDB's ``{assumedMasterState, newDocumentState}``. ``merge`` is called with

- ``base``: the client's assumedMasterState (None when the client believes the document is new),
- ``ours``: the client's newDocumentState,
- ``theirs``: the current master (None when the server has no such document).

Values are JSON-like and compared by deep equality with JavaScript's number semantics (``1 == 1.0``)
but booleans distinct from numbers; a missing top-level key equals ``None``.

Rules, for each declared field (system fields ``id``, ``version``, ``updatedAt`` are never merged;
the result copies them from the master, or from the client for a new document):

- Client did not change it (ours == base): take the master value.
- Only the client changed it: take ours, except ``server`` fields (master kept, field reported in
  ``ignored_fields``) and ``immutable`` fields whose master value is non-null (unresolved).
- Both changed to the same value: take it.
- Both changed to different values: ``dispatcher`` keeps the master and records an ``Overwrite``
  won by the master; ``technician`` takes ours and records an ``Overwrite`` won by the client;
  ``immutable`` is unresolved; ``server`` keeps the master and is reported in ``ignored_fields``.

Unresolved fields keep the master value; the engine then answers with the master state.

New documents (``theirs`` is None) are taken as the client sent them, ``server`` fields set to None.
When ``base`` is None but the master exists (a replay, or another device created the same id), the
base is taken as empty: a field only one side holds is a one-sided change, a field both hold with
different values is a both-sides change. So in that case a client null never erases master data.

The merged document holds every declared field (None when absent), ``deleted`` and the copied system
fields. ``changed`` is True when a declared field or ``deleted`` differs from the master (always for
a new document): only then does the engine need to write.

Deletion (``deleted``) follows the same three-way logic, with one extra rule: a deletion by one
side wins only if the other side edited nothing since base; otherwise ``deleted`` is unresolved
and the master state stands. "Edited" means a declared field other than a ``server`` field differs
from base. Server-maintained fields are excluded because they are not anyone's edit, and because a
device's base after its own push carries stale server values (RxDB sets assumedMasterState to
the pushed document), which would otherwise turn every follow-up deletion into a conflict.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from sync.registry import SYSTEM_FIELDS, CollectionSpec, Owner

DELETED = "deleted"
_COPIED_SYSTEM_FIELDS = tuple(sorted(SYSTEM_FIELDS - {DELETED}))


class Winner(StrEnum):
    MASTER = "master"
    CLIENT = "client"


@dataclass(frozen=True)
class Overwrite:
    """A field both sides changed to different values; one value was discarded."""

    field: str
    base: Any
    lost: Any
    won: Any
    winner: Winner


@dataclass(frozen=True)
class MergeResult:
    document: dict[str, Any]
    changed: bool
    overwrites: tuple[Overwrite, ...] = ()
    unresolved: tuple[str, ...] = ()
    ignored_fields: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.unresolved


@dataclass(frozen=True)
class _Outcome:
    value: Any
    overwrite: Overwrite | None = None
    unresolved: bool = False
    ignored: bool = False


def json_equal(a: Any, b: Any) -> bool:
    """Deep equality of JSON-like values as JavaScript would see them after a JSON round trip."""
    if isinstance(a, bool) or isinstance(b, bool):
        return type(a) is type(b) and a == b
    if isinstance(a, int | float) and isinstance(b, int | float):
        return a == b
    if isinstance(a, Mapping) and isinstance(b, Mapping):
        return a.keys() == b.keys() and all(json_equal(v, b[k]) for k, v in a.items())
    if isinstance(a, list | tuple) and isinstance(b, list | tuple):
        return len(a) == len(b) and all(json_equal(x, y) for x, y in zip(a, b, strict=True))
    return type(a) is type(b) and bool(a == b)


def merge(
    *,
    spec: CollectionSpec,
    base: Mapping[str, Any] | None,
    ours: Mapping[str, Any],
    theirs: Mapping[str, Any] | None,
) -> MergeResult:
    if theirs is None:
        return _merge_new(spec, ours)
    _check_same_id(ours, theirs)
    base_doc: Mapping[str, Any] = base if base is not None else {}
    outcomes = {
        name: _merge_field(name, owner, base_doc.get(name), ours.get(name), theirs.get(name))
        for name, owner in spec.fields.items()
    }
    deleted, deletion_conflict = _merge_deleted(spec, base_doc, ours, theirs)

    document = _system_fields(theirs)
    document.update({name: outcome.value for name, outcome in outcomes.items()})
    document[DELETED] = deleted
    unresolved = [name for name, outcome in outcomes.items() if outcome.unresolved]
    if deletion_conflict:
        unresolved.append(DELETED)
    return MergeResult(
        document=document,
        changed=_differs(spec, document, theirs),
        overwrites=tuple(o.overwrite for o in outcomes.values() if o.overwrite is not None),
        unresolved=tuple(unresolved),
        ignored_fields=tuple(name for name, outcome in outcomes.items() if outcome.ignored),
    )


def _merge_new(spec: CollectionSpec, ours: Mapping[str, Any]) -> MergeResult:
    document = _system_fields(ours)
    ignored: list[str] = []
    for name, owner in spec.fields.items():
        value = ours.get(name)
        if owner is Owner.SERVER:
            if value is not None:
                ignored.append(name)
            value = None
        document[name] = value
    document[DELETED] = _flag(ours)
    return MergeResult(document=document, changed=True, ignored_fields=tuple(ignored))


def _merge_field(name: str, owner: Owner, base: Any, ours: Any, theirs: Any) -> _Outcome:
    if json_equal(ours, base):
        return _Outcome(theirs)
    if owner is Owner.SERVER:
        # Client values never reach server-maintained fields; report only real discards.
        return _Outcome(theirs, ignored=not json_equal(ours, theirs))
    if json_equal(theirs, base):
        if owner is Owner.IMMUTABLE and theirs is not None:
            return _Outcome(theirs, unresolved=True)
        return _Outcome(ours)
    if json_equal(ours, theirs):
        return _Outcome(theirs)
    return _resolve_both_changed(name, owner, base, ours, theirs)


def _resolve_both_changed(name: str, owner: Owner, base: Any, ours: Any, theirs: Any) -> _Outcome:
    if owner is Owner.DISPATCHER:
        return _Outcome(theirs, overwrite=Overwrite(name, base, ours, theirs, Winner.MASTER))
    if owner is Owner.TECHNICIAN:
        return _Outcome(ours, overwrite=Overwrite(name, base, theirs, ours, Winner.CLIENT))
    # IMMUTABLE (SERVER never gets here): the master already moved, the client wants another value.
    return _Outcome(theirs, unresolved=True)


def _merge_deleted(
    spec: CollectionSpec, base: Mapping[str, Any], ours: Mapping[str, Any], theirs: Mapping[str, Any]
) -> tuple[bool, bool]:
    """The merged ``deleted`` flag and whether it is an unresolved conflict."""
    was, client, master = _flag(base), _flag(ours), _flag(theirs)
    if client == was:
        master_deleted = master and not was
        return master, master_deleted and _edited(spec, base, ours)
    if master == was:
        client_deleted = client and not was
        if client_deleted and _edited(spec, base, theirs):
            return master, True
        return client, False
    return master, False  # both changed a boolean the same way


def _edited(spec: CollectionSpec, base: Mapping[str, Any], doc: Mapping[str, Any]) -> bool:
    return any(
        not json_equal(doc.get(name), base.get(name))
        for name, owner in spec.fields.items()
        if owner is not Owner.SERVER
    )


def _flag(doc: Mapping[str, Any]) -> bool:
    return doc.get(DELETED) is True


def _system_fields(source: Mapping[str, Any]) -> dict[str, Any]:
    return {name: source[name] for name in _COPIED_SYSTEM_FIELDS if name in source}


def _differs(spec: CollectionSpec, document: Mapping[str, Any], theirs: Mapping[str, Any]) -> bool:
    if document[DELETED] != _flag(theirs):
        return True
    return any(not json_equal(document[name], theirs.get(name)) for name in spec.fields)


def _check_same_id(ours: Mapping[str, Any], theirs: Mapping[str, Any]) -> None:
    # Merging two different documents is an engine bug, not a conflict.
    if "id" in ours and "id" in theirs and ours["id"] != theirs["id"]:
        raise ValueError(f"cannot merge document {ours['id']!r} into {theirs['id']!r}")
