from __future__ import annotations

import base64
from collections.abc import Sequence
from datetime import datetime
from typing import Any, TypeVar

import strawberry

from server.core.actor import Actor
from server.core.errors import ValidationFailed
from server.graphql.context import Info
from server.graphql.ids import optional_id, parse_id, to_id
from server.graphql.inputs import given_fields
from server.graphql.pagination import Connection, Edge, PageInfo, paginate
from server.knowledge import service
from server.knowledge.models import KnowledgeEntry, ProblemType, SolutionUse

ProblemTypeEnum = strawberry.enum(ProblemType, name="KnowledgeProblemType")
NodeT = TypeVar("NodeT")
_CURSOR_PREFIX = "hit:"


@strawberry.type(name="KnowledgeEntry")
class KnowledgeEntryType:
    id: strawberry.ID
    problem_type: ProblemTypeEnum  # type: ignore[valid-type]
    system_type: str
    fault_type: str
    symptom_en: str
    symptom_zh: str
    cause_en: str
    cause_zh: str
    solution_en: str
    solution_zh: str
    # Staff only: the orders may be other technicians' (technicians get an empty list).
    linked_work_order_ids: list[strawberry.ID]
    merged_into_id: strawberry.ID | None
    version: int
    created_at: datetime
    updated_at: datetime

    @classmethod
    def from_model(cls, entry: KnowledgeEntry, *, actor: Actor) -> KnowledgeEntryType:
        merged = entry.merged_into_id  # type: ignore[attr-defined]
        return cls(
            id=to_id(entry.id),
            problem_type=ProblemType(entry.problem_type),
            system_type=entry.system_type,
            fault_type=entry.fault_type,
            symptom_en=entry.symptom_en,
            symptom_zh=entry.symptom_zh,
            cause_en=entry.cause_en,
            cause_zh=entry.cause_zh,
            solution_en=entry.solution_en,
            solution_zh=entry.solution_zh,
            linked_work_order_ids=[to_id(i) for i in entry.linked_order_ids] if actor.is_staff else [],
            merged_into_id=None if merged is None else to_id(merged),
            version=entry.version,
            created_at=entry.created_at,
            updated_at=entry.updated_at,
        )


@strawberry.type(name="KnowledgeHit")
class KnowledgeHitType:
    entry: KnowledgeEntryType
    score: float


@strawberry.type(name="SolutionUsed")
class SolutionUsedType:
    id: strawberry.ID
    work_order_id: strawberry.ID
    entry_id: strawberry.ID
    attached_by_id: strawberry.ID | None
    created_at: datetime

    @classmethod
    def from_model(cls, use: SolutionUse) -> SolutionUsedType:
        u: Any = use  # foreign key ids are not declared on the model class
        return cls(
            id=to_id(use.id),
            work_order_id=to_id(u.work_order_id),
            entry_id=to_id(u.entry_id),
            attached_by_id=None if u.attached_by_id is None else to_id(u.attached_by_id),
            created_at=use.created_at,
        )


@strawberry.input
class KnowledgeTextsInput:
    symptom_en: str | None = strawberry.UNSET
    symptom_zh: str | None = strawberry.UNSET
    cause_en: str | None = strawberry.UNSET
    cause_zh: str | None = strawberry.UNSET
    solution_en: str | None = strawberry.UNSET
    solution_zh: str | None = strawberry.UNSET


@strawberry.input
class CreateKnowledgeInput:
    work_order_id: strawberry.ID
    problem_type: ProblemTypeEnum  # type: ignore[valid-type]
    system_type: str = ""
    fault_type: str = ""
    # Left out: prefilled from the order (symptom, cause category, resolution).
    texts: KnowledgeTextsInput | None = None
    id: strawberry.ID | None = None


@strawberry.input
class UpdateKnowledgeInput:
    problem_type: ProblemTypeEnum | None = strawberry.UNSET  # type: ignore[valid-type]
    system_type: str | None = strawberry.UNSET
    fault_type: str | None = strawberry.UNSET
    symptom_en: str | None = strawberry.UNSET
    symptom_zh: str | None = strawberry.UNSET
    cause_en: str | None = strawberry.UNSET
    cause_zh: str | None = strawberry.UNSET
    solution_en: str | None = strawberry.UNSET
    solution_zh: str | None = strawberry.UNSET


def _given(input: object | None) -> dict[str, Any]:
    if input is None:
        return {}
    return {key: value for key, value in given_fields(input).items() if value is not None}


def ranked_page(nodes: Sequence[NodeT], *, first: int | None, after: str | None) -> Connection[NodeT]:
    """A connection over an already ranked list; the cursor is the position in the ranking."""
    start = 0 if not after else _position(after) + 1
    size = len(nodes) if first is None else first
    if size < 0:
        raise ValidationFailed("`first` must not be negative.", code="BAD_PAGE_SIZE")
    page = nodes[start : start + size]
    edges = [Edge(cursor=_cursor(start + i), node=node) for i, node in enumerate(page)]
    return Connection(
        edges=edges,
        page_info=PageInfo(
            has_next_page=start + size < len(nodes),
            has_previous_page=start > 0,
            start_cursor=edges[0].cursor if edges else None,
            end_cursor=edges[-1].cursor if edges else None,
        ),
        total_count=len(nodes),
    )


def _cursor(position: int) -> str:
    return base64.urlsafe_b64encode(f"{_CURSOR_PREFIX}{position}".encode()).decode()


def _position(cursor: str) -> int:
    try:
        text = base64.urlsafe_b64decode(cursor.encode()).decode()
        if text.startswith(_CURSOR_PREFIX):
            return max(int(text.removeprefix(_CURSOR_PREFIX)), -1)
    except (ValueError, UnicodeDecodeError):
        pass
    raise ValidationFailed("The cursor is not valid.", code="BAD_CURSOR")


@strawberry.type
class Query:
    @strawberry.field
    async def knowledge_search(
        self, info: Info, text: str, first: int | None = 20, after: str | None = None
    ) -> Connection[KnowledgeHitType]:
        """Entries matching symptom words in Chinese or English, best first (the server's ranking is
        the one the phone uses offline: docs/knowledge-search.md)."""
        actor = info.context.require()
        hits = await service.search(actor=actor, text=text, first=service.MAX_HITS)
        nodes = [
            KnowledgeHitType(entry=KnowledgeEntryType.from_model(h.entry, actor=actor), score=h.score)
            for h in hits
        ]
        return ranked_page(nodes, first=first, after=after)

    @strawberry.field
    async def knowledge_entry(self, info: Info, id: strawberry.ID) -> KnowledgeEntryType:
        actor = info.context.require()
        entry = await service.get_entry(actor=actor, entry_id=parse_id(id))
        return KnowledgeEntryType.from_model(entry, actor=actor)

    @strawberry.field
    async def knowledge_entries(
        self, info: Info, include_merged: bool = False, first: int | None = 50, after: str | None = None
    ) -> Connection[KnowledgeEntryType]:
        actor = info.context.require()
        query = service.list_entries(actor=actor, include_merged=include_merged)
        return await paginate(
            query, first=first, after=after, to_node=lambda e: KnowledgeEntryType.from_model(e, actor=actor)
        )

    @strawberry.field
    async def solutions_used(
        self, info: Info, work_order_id: strawberry.ID, first: int | None = 50, after: str | None = None
    ) -> Connection[SolutionUsedType]:
        query = await service.solutions_used(
            actor=info.context.require(), work_order_id=parse_id(work_order_id)
        )
        return await paginate(query, first=first, after=after, to_node=SolutionUsedType.from_model)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_knowledge_from_work_order(
        self, info: Info, input: CreateKnowledgeInput
    ) -> KnowledgeEntryType:
        actor = info.context.require()
        entry = await service.create_from_work_order(
            actor=actor,
            work_order_id=parse_id(input.work_order_id),
            problem_type=ProblemType(input.problem_type),
            system_type=input.system_type,
            fault_type=input.fault_type,
            texts=_given(input.texts),
            id=optional_id(input.id),
        )
        return KnowledgeEntryType.from_model(entry, actor=actor)

    @strawberry.mutation
    async def update_knowledge_entry(
        self, info: Info, id: strawberry.ID, input: UpdateKnowledgeInput
    ) -> KnowledgeEntryType:
        actor = info.context.require()
        entry = await service.update_entry(actor=actor, entry_id=parse_id(id), changes=_given(input))
        return KnowledgeEntryType.from_model(entry, actor=actor)

    @strawberry.mutation
    async def merge_knowledge(
        self, info: Info, source_id: strawberry.ID, target_id: strawberry.ID
    ) -> KnowledgeEntryType:
        """Fold the source entry into the target; the target comes back."""
        actor = info.context.require()
        entry = await service.merge_entries(
            actor=actor, source_id=parse_id(source_id), target_id=parse_id(target_id)
        )
        return KnowledgeEntryType.from_model(entry, actor=actor)

    @strawberry.mutation
    async def attach_solution(
        self, info: Info, work_order_id: strawberry.ID, entry_id: strawberry.ID
    ) -> SolutionUsedType:
        """Record the knowledge entry that solved the order ("solution used")."""
        use = await service.attach_solution(
            actor=info.context.require(), work_order_id=parse_id(work_order_id), entry_id=parse_id(entry_id)
        )
        return SolutionUsedType.from_model(use)
