from __future__ import annotations

from datetime import date, datetime

import strawberry

from server.graphql.context import Info
from server.graphql.ids import optional_id, parse_id, to_id
from server.graphql.inputs import given_fields
from server.graphql.pagination import Connection, paginate
from server.problems import service
from server.problems.models import Problem, ProblemStatus, RepeatFaultFlag, RepeatKind

ProblemStatusEnum = strawberry.enum(ProblemStatus, name="ProblemStatus")
RepeatKindEnum = strawberry.enum(RepeatKind, name="RepeatKind")


@strawberry.type(name="Problem")
class ProblemType:
    id: strawberry.ID
    title: str
    cause_category: str
    root_cause: str
    workaround: str
    permanent_fix: str
    status: ProblemStatusEnum  # type: ignore[valid-type]
    suggested_for: str | None
    work_order_ids: list[strawberry.ID]
    created_at: datetime
    updated_at: datetime

    @classmethod
    async def from_model(cls, problem: Problem) -> ProblemType:
        return cls(
            id=to_id(problem.id),
            title=problem.title,
            cause_category=problem.cause_category,
            root_cause=problem.root_cause,
            workaround=problem.workaround,
            permanent_fix=problem.permanent_fix,
            status=ProblemStatus(problem.status),
            suggested_for=problem.suggested_for,
            work_order_ids=[to_id(i) for i in await service.linked_order_ids(problem)],
            created_at=problem.created_at,
            updated_at=problem.updated_at,
        )


@strawberry.type(name="RepeatFaultFlag")
class RepeatFaultFlagType:
    id: strawberry.ID
    work_order_id: strawberry.ID
    previous_order_id: strawberry.ID
    kind: RepeatKindEnum  # type: ignore[valid-type]
    days_between: int
    created_at: datetime

    @classmethod
    def from_model(cls, flag: RepeatFaultFlag) -> RepeatFaultFlagType:
        return cls(
            id=to_id(flag.id),
            work_order_id=to_id(flag.work_order_id),  # type: ignore[attr-defined]
            previous_order_id=to_id(flag.previous_order_id),  # type: ignore[attr-defined]
            kind=RepeatKind(flag.kind),
            days_between=flag.days_between,
            created_at=flag.created_at,
        )


@strawberry.input
class CreateProblemInput:
    title: str
    cause_category: str = ""
    root_cause: str = ""
    workaround: str = ""
    permanent_fix: str = ""
    work_order_ids: list[strawberry.ID] = strawberry.field(default_factory=list)
    id: strawberry.ID | None = None


@strawberry.input
class UpdateProblemInput:
    title: str | None = strawberry.UNSET
    root_cause: str | None = strawberry.UNSET
    workaround: str | None = strawberry.UNSET
    permanent_fix: str | None = strawberry.UNSET
    status: ProblemStatusEnum | None = strawberry.UNSET  # type: ignore[valid-type]


@strawberry.type
class Query:
    @strawberry.field
    async def problems(
        self,
        info: Info,
        status: ProblemStatusEnum | None = None,  # type: ignore[valid-type]
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[ProblemType]:
        query = service.list_problems(
            actor=info.context.require(), status=None if status is None else ProblemStatus(status)
        )
        return await paginate(query, first=first, after=after, to_node=ProblemType.from_model)

    @strawberry.field
    async def problem(self, info: Info, id: strawberry.ID) -> ProblemType:
        problem = await service.get_problem(actor=info.context.require(), problem_id=parse_id(id))
        return await ProblemType.from_model(problem)

    @strawberry.field
    async def repeat_fault_flags(
        self,
        info: Info,
        work_order_id: strawberry.ID | None = None,
        kind: RepeatKindEnum | None = None,  # type: ignore[valid-type]
        first: int | None = 50,
        after: str | None = None,
    ) -> Connection[RepeatFaultFlagType]:
        query = await service.list_repeat_flags(
            actor=info.context.require(),
            work_order_id=optional_id(work_order_id),
            kind=None if kind is None else RepeatKind(kind),
        )
        return await paginate(query, first=first, after=after, to_node=RepeatFaultFlagType.from_model)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_problem(self, info: Info, input: CreateProblemInput) -> ProblemType:
        problem = await service.create_problem(
            actor=info.context.require(),
            title=input.title,
            cause_category=input.cause_category,
            root_cause=input.root_cause,
            workaround=input.workaround,
            permanent_fix=input.permanent_fix,
            work_order_ids=[parse_id(i) for i in input.work_order_ids],
            id=optional_id(input.id),
        )
        return await ProblemType.from_model(problem)

    @strawberry.mutation
    async def update_problem(self, info: Info, id: strawberry.ID, input: UpdateProblemInput) -> ProblemType:
        changes = {key: value for key, value in given_fields(input).items() if value is not None}
        problem = await service.update_problem(
            actor=info.context.require(), problem_id=parse_id(id), changes=changes
        )
        return await ProblemType.from_model(problem)

    @strawberry.mutation
    async def link_problem_work_orders(
        self,
        info: Info,
        id: strawberry.ID,
        add: list[strawberry.ID] | None = None,
        remove: list[strawberry.ID] | None = None,
    ) -> ProblemType:
        problem = await service.link_work_orders(
            actor=info.context.require(),
            problem_id=parse_id(id),
            add=[parse_id(i) for i in add or []],
            remove=[parse_id(i) for i in remove or []],
        )
        return await ProblemType.from_model(problem)

    @strawberry.mutation
    async def suggest_problems(self, info: Info, month: date) -> list[ProblemType]:
        """Run the problem detector for the calendar month containing `month`; the suggested (or
        extended) problems come back."""
        problems = await service.suggest_problems(actor=info.context.require(), month=month)
        return [await ProblemType.from_model(p) for p in problems]
