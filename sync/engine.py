"""Pull and push for every registered collection (RxDB GraphQL replication semantics)."""

from __future__ import annotations

from collections.abc import AsyncIterator, Mapping, Sequence
from contextlib import nullcontext
from dataclasses import dataclass, field
from typing import Any, cast

import orjson
from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.transactions import in_transaction

from sync import checkpoint as cp
from sync import idempotency, stamp
from sync.adapter import CollectionAdapter, Document, EncodedRows, Principal
from sync.batch import BatchWrites, DocumentVersions
from sync.clock import utcnow
from sync.errors import Rejected
from sync.merge import MergeResult, json_equal, merge
from sync.models import SyncConflict, SyncMutation
from sync.notify import Notifier
from sync.registry import SYSTEM_FIELDS, CollectionSpec, UnknownCollection, validate_document_shape
from sync.scope import changes_after
from sync.stamp import current_version

MAX_PULL = 1000
MAX_PUSH = 500


class PullResult:
    """One pull page. It holds the documents as dicts, or already encoded as a JSON array when
    the adapter could hand them over that way; each form is derived from the other on demand."""

    __slots__ = ("_documents", "_encoded", "checkpoint", "count")

    def __init__(
        self,
        *,
        checkpoint: dict[str, Any],
        documents: list[Document] | None = None,
        encoded: EncodedRows | None = None,
    ) -> None:
        if (documents is None) == (encoded is None):
            raise ValueError("a pull page holds either documents or their encoding")
        self.checkpoint = checkpoint
        self._documents = documents
        self._encoded = encoded.json if encoded is not None else None
        self.count = encoded.count if encoded is not None else len(documents or [])

    @property
    def documents(self) -> list[Document]:
        if self._documents is None:
            self._documents = orjson.loads(self._encoded or b"[]")
        return self._documents

    @property
    def encoded(self) -> bytes:
        """The documents as a JSON array: what the endpoint sends."""
        if self._encoded is None:
            self._encoded = orjson.dumps(self._documents)
        return self._encoded


@dataclass
class _Row:
    mid: str
    client_mid: str | None  # echoed back in rejections so the device can match its outbox entry
    doc_id: str
    assumed: Document | None
    new: Document
    response: Document | None = None
    outcome: str = "applied"
    conflicts: list[SyncConflict] = field(default_factory=list)

    def reset(self) -> None:
        self.response, self.outcome, self.conflicts = None, "applied", []


class _WriteRejected(Exception):
    """A write was rejected while the batch ran without per-row savepoints."""


class SyncEngine:
    def __init__(self, notifier: Notifier | None = None) -> None:
        self._adapters: dict[str, CollectionAdapter] = {}
        self.notifier = notifier or Notifier()

    def register(self, adapter: CollectionAdapter) -> None:
        name = adapter.spec.name
        if name in self._adapters:
            raise ValueError(f"collection {name!r} registered twice")
        self._adapters[name] = adapter

    def adapter(self, collection: str) -> CollectionAdapter:
        try:
            return self._adapters[collection]
        except KeyError:
            raise UnknownCollection(collection) from None

    @property
    def collections(self) -> list[str]:
        return list(self._adapters)

    async def pull(
        self, *, collection: str, principal: Principal, checkpoint: Mapping[str, Any] | None, limit: int
    ) -> PullResult:
        adapter = self.adapter(collection)
        after = cp.after_version(checkpoint)
        limit = max(1, min(limit, MAX_PULL))
        async with in_transaction() as conn:
            if conn.capabilities.dialect == "postgres":
                # Documents and scope moves are read in two statements: one snapshot for both.
                await conn.execute_script("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ")
            moves = await changes_after(
                conn, principal=principal.principal_key, collection=collection, after=after, limit=limit
            )
            encoded = None if moves else await self._pull_encoded(adapter, principal, after, limit, conn)
            if encoded is not None:
                last_version = encoded.last_version if encoded.last_version is not None else after
                return PullResult(encoded=encoded, checkpoint=cp.make(last_version))
            docs = list(await adapter.pull(principal=principal, after_version=after, limit=limit, conn=conn))
            if moves:
                docs = await self._with_scope_moves(adapter, principal, docs, moves, conn)
        if moves:  # the adapter's page is already in version order; the moves are merged into it
            docs.sort(key=lambda d: int(d["version"]))
            docs = docs[:limit]
        last = int(docs[-1]["version"]) if docs else after
        return PullResult(documents=docs, checkpoint=cp.make(last))

    @staticmethod
    async def _pull_encoded(
        adapter: CollectionAdapter, principal: Principal, after: int, limit: int, conn: BaseDBAsyncClient
    ) -> EncodedRows | None:
        # Scope moves must be merged into the page by version, which takes the documents' dicts.
        # (getattr, not isinstance on the protocol: this runs on every pull.)
        pull_encoded = getattr(adapter, "pull_encoded", None)
        if pull_encoded is None:
            return None
        return cast(
            "EncodedRows | None",
            await pull_encoded(principal=principal, after_version=after, limit=limit, conn=conn),
        )

    async def _with_scope_moves(
        self,
        adapter: CollectionAdapter,
        principal: Principal,
        docs: list[Document],
        moves: Sequence[tuple[int, str, bool]],
        conn: BaseDBAsyncClient,
    ) -> list[Document]:
        entered = [doc_id for _, doc_id, ent in moves if ent]
        current = (await adapter.load(principal=principal, ids=entered, conn=conn)).visible if entered else {}
        by_id = {d["id"]: d for d in docs}
        for version, doc_id, ent in moves:
            if ent and doc_id in current:
                # Re-sent at the move's version: the device's checkpoint is past the doc's own.
                by_id[doc_id] = {**current[doc_id], "version": max(version, int(current[doc_id]["version"]))}
            elif not ent and doc_id not in by_id:
                by_id[doc_id] = {"id": doc_id, "version": version, "deleted": True, "revoked": True}
        return list(by_id.values())

    async def push(
        self, *, collection: str, principal: Principal, rows: Sequence[Mapping[str, Any]]
    ) -> list[Document]:
        """Returns the master state of every row whose result differs from what the device sent."""
        adapter = self.adapter(collection)
        if len(rows) > MAX_PUSH:
            raise ValueError(f"at most {MAX_PUSH} rows per push")
        prepared = [self._prepare(collection, principal.principal_key, row) for row in rows]
        # A batch resent whole after a lost answer writes nothing, so it is answered without a
        # write transaction. Mutation ids are never forgotten: what is known now stays known, and
        # only the others are looked up again inside the transaction.
        reader = SyncMutation._meta.db
        known = await idempotency.seen(reader, [r.mid for r in prepared])
        if all(r.mid in known for r in prepared):
            replayed = await self._replay_answers(adapter, principal, prepared, known, reader)
            return [answer for row in prepared if (answer := replayed[row.mid]) is not None]
        async with in_transaction() as conn:
            known.update(await idempotency.seen(conn, [r.mid for r in prepared if r.mid not in known]))
            # A row repeated inside one batch is applied once and answered like a replay.
            unique: dict[str, _Row] = {}
            for r in prepared:
                if r.mid not in known:
                    unique.setdefault(r.mid, r)
            fresh = list(unique.values())
            masters = await self._apply_all(adapter, principal, fresh, conn) if fresh else {}
            versions = {doc_id: int(doc["version"]) for doc_id, doc in masters.items()}
            records: list[dict[str, Any]] = []
            for row in fresh:
                records.append(
                    idempotency.record(
                        principal=principal.principal_key,
                        collection=collection,
                        doc_id=row.doc_id,
                        mid=row.mid,
                        outcome=row.outcome,
                        response=row.response,
                        # What the device tried, kept when it was not applied as sent.
                        attempted=row.new if row.outcome in {"rejected", "conflict"} else None,
                        doc_version=versions.get(row.doc_id),
                    )
                )
            await idempotency.store(conn, records)
            conflicts = [c for r in fresh for c in r.conflicts]
            if conflicts:
                await SyncConflict.bulk_create(conflicts, using_db=conn)
            changed = any(r.outcome == "applied" for r in fresh)
            if changed:
                await Notifier.announce(conn, [collection])
            replayed = await self._replay_answers(adapter, principal, prepared, known, conn)
        if changed:
            self.notifier.wake([collection])
        answered = {r.mid: r.response for r in fresh}
        answered.update(replayed)
        return [answer for row in prepared if (answer := answered[row.mid]) is not None]

    async def _replay_answers(
        self,
        adapter: CollectionAdapter,
        principal: Principal,
        rows: Sequence[_Row],
        known: Mapping[str, idempotency.Answered],
        conn: BaseDBAsyncClient,
    ) -> dict[str, Document | None]:
        """A replay is answered from the master as it is now, not as it was: while the first
        answer was lost, the device may have pulled past the document's version, and the stored
        answer would leave it with a stale copy for good. A rejection stays a rejection."""
        replays = [r for r in rows if r.mid in known and known[r.mid].outcome != "rejected"]
        answers: dict[str, Document | None] = {r.mid: known[r.mid].response for r in rows if r.mid in known}
        if replays and isinstance(adapter, DocumentVersions):
            # Most replays find their document still at the version they were answered at, so the
            # stored answer stands; only the others need their master read through the scope.
            now = await adapter.versions(ids=sorted({r.doc_id for r in replays}), conn=conn)
            replays = [r for r in replays if now.get(r.doc_id) != known[r.mid].doc_version]
        if not replays:
            return answers
        loaded = await adapter.load(principal=principal, ids=sorted({r.doc_id for r in replays}), conn=conn)
        for row in replays:
            stored = known[row.mid]
            master = loaded.visible.get(row.doc_id)
            unchanged = master is not None and int(master["version"]) == stored.doc_version
            if not (master is None or unchanged):
                answers[row.mid] = None if _same_content(adapter.spec, row.new, master) else master
        return answers

    def _prepare(self, collection: str, principal: str, row: Mapping[str, Any]) -> _Row:
        new = row.get("newDocumentState")
        assumed = row.get("assumedMasterState")
        doc_id = new.get("id") if isinstance(new, Mapping) else None
        return _Row(
            mid=idempotency.mutation_id(principal=principal, collection=collection, row=row),
            client_mid=str(row["mutationId"]) if row.get("mutationId") else None,
            doc_id=str(doc_id) if isinstance(doc_id, str) else "",
            assumed=dict(assumed) if isinstance(assumed, Mapping) else None,
            new=dict(new) if isinstance(new, Mapping) else {},
        )

    async def _apply_all(
        self, adapter: CollectionAdapter, principal: Principal, rows: list[_Row], conn: BaseDBAsyncClient
    ) -> dict[str, Document]:
        """A rejected write must leave nothing behind, which takes a savepoint around each row's
        write: two more statements per row. So the batch first runs under one savepoint, and is
        redone row by row, each write in its own savepoint, only if some write was rejected.
        Returns the masters as the batch left them."""
        try:
            async with in_transaction(connection_name=None) as batch:
                return await self._apply_each(adapter, principal, rows, batch, isolate=False)
        except _WriteRejected:
            for row in rows:
                row.reset()
            return await self._apply_each(adapter, principal, rows, conn, isolate=True)

    async def _apply_each(
        self,
        adapter: CollectionAdapter,
        principal: Principal,
        rows: list[_Row],
        conn: BaseDBAsyncClient,
        *,
        isolate: bool,
    ) -> dict[str, Document]:
        loaded = await adapter.load(
            principal=principal, ids=sorted({r.doc_id for r in rows if r.doc_id}), conn=conn
        )
        masters: dict[str, Document] = dict(loaded.visible)
        # Unisolated, the adapter may read the batch's rows at once and write them together at
        # the end: a rejected write rolls the whole batch back anyway.
        writer = adapter if not isolate and isinstance(adapter, BatchWrites) else None
        async with (
            writer.writing(principal=principal, ids=sorted(masters), conn=conn) if writer else nullcontext()
        ):
            for i, row in enumerate(rows):
                await self._apply(
                    adapter,
                    principal,
                    row,
                    masters,
                    loaded.hidden,
                    conn,
                    isolate=isolate,
                    upcoming=len(rows) - i,
                )
        return masters

    async def _apply(
        self,
        adapter: CollectionAdapter,
        principal: Principal,
        row: _Row,
        masters: dict[str, Document],
        hidden: frozenset[str],
        conn: BaseDBAsyncClient,
        *,
        isolate: bool,
        upcoming: int = 1,
    ) -> None:
        spec = adapter.spec
        master = masters.get(row.doc_id)
        problems = validate_document_shape(spec, row.new)
        if problems:
            return self._reject(row, master, "INVALID_DOCUMENT", "; ".join(problems))
        if spec.read_only:
            return self._reject(
                row, master, "READ_ONLY", f"{spec.name} is reference data and cannot be changed here"
            )
        if row.doc_id in hidden:
            return self._reject(row, None, "NOT_IN_SCOPE", "this record is no longer assigned to you")
        result = merge(spec=spec, base=row.assumed, ours=row.new, theirs=master)
        if not result.ok:
            row.outcome = "conflict"
            row.response = master
            return None
        if not result.changed:
            # The master may still have won fields here: those lost values are logged too.
            row.outcome = "noop"
            row.conflicts = _conflict_rows(spec.name, row, result, principal.principal_key)
            row.response = None if _same_content(spec, row.new, master) else master
            return None
        try:
            if isolate:
                async with in_transaction(connection_name=None) as savepoint:
                    stored = await adapter.write(
                        principal=principal, document=result.document, master=master, conn=savepoint
                    )
            else:
                # This row and every later one may write: stamp them all with one statement.
                await stamp.reserve(conn, upcoming)
                stored = await adapter.write(
                    principal=principal, document=result.document, master=master, conn=conn
                )
        except Rejected as exc:
            if not isolate:
                raise _WriteRejected from exc
            return self._reject(row, master, exc.code, exc.message)
        masters[row.doc_id] = stored
        row.conflicts = _conflict_rows(spec.name, row, result, principal.principal_key)
        # The device must learn the merged state whenever it is not exactly what it sent.
        row.response = None if _same_content(spec, row.new, stored) else stored
        return None

    @staticmethod
    def _reject(row: _Row, master: Document | None, code: str, message: str) -> None:
        row.outcome = "rejected"
        base = master if master is not None else {"id": row.doc_id, "deleted": True, "version": 0}
        row.response = {**base, "rejected": {"code": code, "message": message, "mutationId": row.client_mid}}

    async def stream(
        self, *, collection: str, principal: Principal, checkpoint: Mapping[str, Any] | None, limit: int = 200
    ) -> AsyncIterator[PullResult | None]:
        """Yields None first (RESYNC: the client should pull), then every new batch as it commits."""
        self.adapter(collection)
        # Without a checkpoint (a stock RxDB stream has none) start at the newest version: the
        # opening RESYNC already makes the client pull everything before it.
        start = cp.after_version(checkpoint) if checkpoint else await current_version()
        current = cp.make(start)
        async with self.notifier.subscribe(collection) as event:
            yield None
            while True:
                await event.wait()
                event.clear()
                while True:
                    batch = await self.pull(
                        collection=collection, principal=principal, checkpoint=current, limit=limit
                    )
                    if not batch.count:
                        break
                    current = batch.checkpoint
                    yield batch
                    if batch.count < limit:
                        break


def _same_content(spec: CollectionSpec, sent: Mapping[str, Any], master: Mapping[str, Any] | None) -> bool:
    """Whether the device's copy already matches the master in every declared field, server-owned
    ones included: the device must not rely on a later pull to learn them (it may already have
    pulled past this document's version while its edit was pending)."""
    if master is None:
        return False
    keys = (set(sent) | set(master) | set(spec.fields)) - SYSTEM_FIELDS
    return all(json_equal(sent.get(k), master.get(k)) for k in keys) and bool(sent.get("deleted")) == bool(
        master.get("deleted")
    )


def _conflict_rows(collection: str, row: _Row, result: MergeResult, principal: str) -> list[SyncConflict]:
    now = utcnow()
    return [
        SyncConflict(
            at=now,
            collection=collection,
            doc_id=row.doc_id,
            field=o.field,
            values={"base": o.base, "lost": o.lost, "won": o.won},
            winner=o.winner.value,
            principal_id=principal,
            mutation_id=row.mid,
        )
        for o in result.overwrites
    ]
