"""Knowledge entries: written from a solved work order in one step, edited, merged and searched.

Staff write the knowledge base (the service supervisor summarises solved faults); every signed-in
user reads and searches it, and a technician attaches the entry he used to his order.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.exceptions import IntegrityError
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.core import persist
from server.core.actor import Actor, require
from server.core.errors import Conflict, NotFound, ValidationFailed
from server.core.roles import DESK, STAFF, Role
from server.core.serialize import snapshot
from server.knowledge import tokens
from server.knowledge.models import KnowledgeEntry, ProblemType, SolutionUse
from server.workorders import scope
from server.workorders.models import Status, WorkOrder

TEXT_FIELDS = ("symptom_en", "symptom_zh", "cause_en", "cause_zh", "solution_en", "solution_zh")
LABEL_FIELDS = ("system_type", "fault_type")
EDITABLE = frozenset({"problem_type", *LABEL_FIELDS, *TEXT_FIELDS})
MAX_LABEL = 64
MAX_TEXT = 10_000
MAX_QUERY = 200
MAX_HITS = 50
SOLVED = frozenset({Status.WORK_DONE, Status.CUSTOMER_SIGNED, Status.CALLED_BACK, Status.CLOSED})
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff]")


@dataclass(frozen=True)
class SearchHit:
    entry: KnowledgeEntry
    score: float


# --- reads --------------------------------------------------------------------------------------


def list_entries(*, actor: Actor, include_merged: bool = False) -> QuerySet[KnowledgeEntry]:
    require(actor)
    query = KnowledgeEntry.filter(deleted=False)
    return query if include_merged else query.filter(merged_into_id=None)


async def get_entry(*, actor: Actor, entry_id: uuid.UUID) -> KnowledgeEntry:
    require(actor)
    entry = await KnowledgeEntry.filter(id=entry_id, deleted=False).first()
    if entry is None:
        raise NotFound("No such knowledge entry.")
    return entry


async def search(*, actor: Actor, text: str, first: int = 20) -> list[SearchHit]:
    """Entries matching the symptom words in `text` (Chinese, English or both), best first."""
    require(actor)
    if not text.strip() or len(text) > MAX_QUERY:
        raise ValidationFailed(f"Search for 1 to {MAX_QUERY} characters.", field="text")
    if not 1 <= first <= MAX_HITS:
        raise ValidationFailed(f"`first` must be between 1 and {MAX_HITS}.", code="BAD_PAGE_SIZE")
    rows = await list_entries(actor=actor).values_list("id", "search_terms")
    hits = tokens.rank(text, ((str(key), terms) for key, terms in rows))[:first]
    found = {str(e.id): e for e in await KnowledgeEntry.filter(id__in=[h.key for h in hits])}
    return [SearchHit(found[h.key], h.score) for h in hits]


async def solutions_used(*, actor: Actor, work_order_id: uuid.UUID) -> QuerySet[SolutionUse]:
    require(actor)
    if not await scope.work_orders_for(actor).filter(id=work_order_id).exists():
        raise NotFound("No such work order.")
    return SolutionUse.filter(work_order_id=work_order_id)


# --- writing ------------------------------------------------------------------------------------


async def create_from_work_order(
    *,
    actor: Actor,
    work_order_id: uuid.UUID,
    problem_type: ProblemType,
    system_type: str = "",
    fault_type: str = "",
    texts: Mapping[str, str] | None = None,
    id: uuid.UUID | None = None,
) -> KnowledgeEntry:
    """An entry prefilled from a solved order: its symptom, cause category and resolution go into
    the Chinese or English fields by their script; `texts` (field -> text) overrides any of them."""
    require(actor, *STAFF)
    order = await scope.work_orders_for(actor).filter(id=work_order_id).first()
    if order is None:
        raise NotFound("No such work order.")
    if order.status not in SOLVED or not order.resolution.strip():
        raise Conflict(
            "Write up an order once it is solved and its resolution is recorded.",
            code="NOT_SOLVED",
            status=order.status.value,
        )
    values: dict[str, Any] = {
        **dict.fromkeys(TEXT_FIELDS, ""),
        **_clean({**_prefill(order), **(texts or {}), "system_type": system_type, "fault_type": fault_type}),
        "problem_type": ProblemType(problem_type),
    }
    if not (values["symptom_en"] or values["symptom_zh"]) or not (
        values["solution_en"] or values["solution_zh"]
    ):
        raise ValidationFailed("An entry needs a symptom and a solution.", field="symptom")
    values["linked_order_ids"] = [str(order.id)]
    if id is not None and (existing := await KnowledgeEntry.filter(id=id).first()) is not None:
        return _same_or_conflict(existing, values)
    entry = KnowledgeEntry(id=id or uuid.uuid4(), created_by_id=actor.user_id, **values)
    entry.search_terms = _terms(entry)
    try:
        await persist.save(entry, actor=actor)
    except IntegrityError:
        # A concurrent retry of this very create stored the id first.
        existing = await KnowledgeEntry.get(id=entry.id)
        return _same_or_conflict(existing, values)
    return entry


async def update_entry(*, actor: Actor, entry_id: uuid.UUID, changes: Mapping[str, Any]) -> KnowledgeEntry:
    require(actor, *STAFF)
    unknown = set(changes) - EDITABLE
    if unknown:
        raise ValidationFailed(f"These fields cannot be changed here: {', '.join(sorted(unknown))}.")
    async with in_transaction() as conn:
        entry = await _locked(entry_id, conn=conn)
        before = snapshot(entry)
        texts = {key: value for key, value in changes.items() if key != "problem_type"}
        for key, value in _clean(texts).items():
            setattr(entry, key, value)
        if "problem_type" in changes:
            entry.problem_type = ProblemType(changes["problem_type"])
        entry.search_terms = _terms(entry)
        await persist.save(entry, actor=actor, before=before, conn=conn)
    return entry


async def merge_entries(*, actor: Actor, source_id: uuid.UUID, target_id: uuid.UUID) -> KnowledgeEntry:
    """Fold `source` into `target` (同类问题合并): the target gains the source's texts it lacks and its
    linked orders; the source is kept, marked as merged, and drops out of search."""
    require(actor, *STAFF)
    if source_id == target_id:
        raise ValidationFailed("An entry cannot be merged into itself.", field="targetId")
    async with in_transaction() as conn:
        source = await _locked(source_id, conn=conn)
        target = await _locked(target_id, conn=conn)
        for entry in (source, target):
            if entry.merged_into_id is not None:  # type: ignore[attr-defined]
                raise Conflict("This entry was already merged into another.", code="ALREADY_MERGED")
        before_source, before_target = snapshot(source), snapshot(target)
        for key in LABEL_FIELDS:
            setattr(target, key, getattr(target, key) or getattr(source, key))
        for key in TEXT_FIELDS:
            setattr(target, key, _joined(getattr(target, key), getattr(source, key)))
        target.linked_order_ids = list(dict.fromkeys([*target.linked_order_ids, *source.linked_order_ids]))
        target.search_terms = _terms(target)
        source.merged_into_id = target.id
        await persist.save(target, actor=actor, before=before_target, action="merge_into", conn=conn)
        await persist.save(source, actor=actor, before=before_source, action="merged", conn=conn)
    return target


async def attach_solution(*, actor: Actor, work_order_id: uuid.UUID, entry_id: uuid.UUID) -> SolutionUse:
    """Record that `entry` solved the order; attaching it again returns the stored link. An entry
    merged since the phone last synced is attached as the entry it was merged into."""
    require(actor, Role.TECHNICIAN, *DESK)
    async with in_transaction() as conn:
        order = await scope.work_orders_for(actor).filter(id=work_order_id).using_db(conn).first()
        if order is None:
            raise NotFound("No such work order.")
        entry = await KnowledgeEntry.filter(id=entry_id, deleted=False).using_db(conn).first()
        if entry is None:
            raise NotFound("No such knowledge entry.", field="entryId")
        while entry.merged_into_id is not None:  # type: ignore[attr-defined]
            entry = await KnowledgeEntry.get(id=entry.merged_into_id, using_db=conn)  # type: ignore[attr-defined]
        existing = await SolutionUse.filter(work_order_id=order.id, entry_id=entry.id).using_db(conn).first()
        if existing is not None:
            return existing
        use = SolutionUse(work_order_id=order.id, entry_id=entry.id, attached_by_id=actor.user_id)
        await persist.save(use, actor=actor, conn=conn)
    return use


# --- helpers ------------------------------------------------------------------------------------


def _prefill(order: WorkOrder) -> dict[str, str]:
    pairs = {"symptom": order.symptom, "cause": order.cause_category, "solution": order.resolution}
    out: dict[str, str] = {}
    for name, text in pairs.items():
        if text.strip():
            out[f"{name}_{'zh' if _HAN.search(text) else 'en'}"] = text
    return out


def _clean(values: Mapping[str, Any]) -> dict[str, str]:
    out: dict[str, str] = {}
    for key, value in values.items():
        if key not in TEXT_FIELDS and key not in LABEL_FIELDS:
            raise ValidationFailed(f"Unknown knowledge field {key!r}.")
        out[key] = _text(value, field=key, limit=MAX_TEXT if key in TEXT_FIELDS else MAX_LABEL)
    return out


def _text(value: object, *, field: str, limit: int) -> str:
    if not isinstance(value, str):
        raise ValidationFailed(f"{field} must be text.", field=field)
    text = value.strip()
    if len(text) > limit:
        raise ValidationFailed(f"{field} is at most {limit} characters.", field=field)
    return text


def _terms(entry: KnowledgeEntry) -> str:
    return tokens.search_terms({name: getattr(entry, name) for name in tokens.WEIGHTS})


def _joined(kept: str, added: str) -> str:
    if not added or added in kept:
        return kept
    return f"{kept}\n{added}" if kept else added


def _same_or_conflict(existing: KnowledgeEntry, values: Mapping[str, Any]) -> KnowledgeEntry:
    if any(getattr(existing, key) != value for key, value in values.items()):
        raise Conflict("A different knowledge entry already uses this id.")
    return existing


async def _locked(entry_id: uuid.UUID, *, conn: BaseDBAsyncClient) -> KnowledgeEntry:
    entry = await KnowledgeEntry.filter(id=entry_id, deleted=False).using_db(conn).select_for_update().first()
    if entry is None:
        raise NotFound("No such knowledge entry.")
    return entry
