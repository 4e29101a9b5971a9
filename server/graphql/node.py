"""`node(id)` and `nodes(ids)`: any record by its id, read through its domain's scoped read.

Ids are UUIDs made by whoever created the record, unique across tables, so they need no type
prefix. A record the caller may not see answers exactly like one that does not exist (NOT_FOUND,
or null in `nodes`), so a technician cannot probe for other technicians' records.
"""

from __future__ import annotations

import inspect
import uuid
from collections.abc import Awaitable, Callable, Collection, Sequence
from dataclasses import dataclass
from typing import Annotated, Any, TypeVar

import strawberry
from tortoise.models import Model

from server.appointments import service as appointments_service
from server.appointments.graphql import AppointmentChangeType, AppointmentType
from server.appointments.models import Appointment, AppointmentChange
from server.assets import scans
from server.assets import service as assets_service
from server.assets.graphql import AssetType
from server.assets.models import Asset, AssetScan
from server.assets.scan_graphql import AssetScanType
from server.auth.graphql import DeviceType, UserType
from server.auth.models import Device, User
from server.checklists import runs, templates
from server.checklists.graphql import ChecklistRunType, ChecklistTemplateType, StandardPhraseBookType
from server.checklists.models import ChecklistRun, ChecklistTemplate, StandardPhraseBook
from server.core.actor import Actor, require
from server.core.errors import Forbidden, NotFound, ValidationFailed
from server.core.roles import Role
from server.customers import service as customers_service
from server.customers.graphql import CustomerType, SiteType
from server.customers.models import Customer, Site
from server.feedback import service as feedback_service
from server.feedback.graphql import CallbackType, RatingType
from server.feedback.models import Callback, SatisfactionRating
from server.followup import service as followup_service
from server.followup.graphql import ComplaintType
from server.followup.models import Complaint
from server.graphql.context import Info
from server.knowledge import service as knowledge_service
from server.knowledge.graphql import KnowledgeEntryType, SolutionUsedType
from server.knowledge.models import KnowledgeEntry, SolutionUse
from server.media import service as media_service
from server.media.graphql import PhotoType
from server.media.models import Photo
from server.problems import service as problems_service
from server.problems.graphql import ProblemType, RepeatFaultFlagType
from server.problems.models import Problem, RepeatFaultFlag
from server.signatures import service as signatures_service
from server.signatures.graphql import SignatureType
from server.signatures.models import Signature
from server.sla import service as sla_service
from server.sla.graphql import BusinessCalendarType, SlaPolicyType
from server.sla.models import BusinessCalendarConfig, SlaPolicy
from server.workorders import service as workorders_service
from server.workorders.graphql_types import WorkOrderType
from server.workorders.models import WorkOrder

__all__ = ["KINDS", "MAX_NODES", "Node", "NodeKind", "Query", "resolve_nodes"]

MAX_NODES = 100
RowT = TypeVar("RowT")

Node = Annotated[
    UserType
    | DeviceType
    | CustomerType
    | SiteType
    | AssetType
    | AssetScanType
    | WorkOrderType
    | AppointmentType
    | AppointmentChangeType
    | ChecklistTemplateType
    | ChecklistRunType
    | StandardPhraseBookType
    | RatingType
    | CallbackType
    | PhotoType
    | SignatureType
    | ComplaintType
    | ProblemType
    | RepeatFaultFlagType
    | KnowledgeEntryType
    | SolutionUsedType
    | SlaPolicyType
    | BusinessCalendarType,
    strawberry.union("Node", description="Any record that has an id."),
]


@dataclass(frozen=True)
class NodeKind:
    """One record type `node` can return."""

    model: type[Model]
    # The domain's scoped read: raises NotFound (or Forbidden) when the caller may not see the row.
    load: Callable[[Actor, uuid.UUID], Awaitable[Any]]
    # The GraphQL type; its `from_model` (sync or async) builds the answer.
    node_type: Any
    # Some types show a row differently per reader (`from_model(row, actor=...)`).
    per_reader: bool = False

    async def to_node(self, row: Any, actor: Actor) -> Any:
        made = (
            self.node_type.from_model(row, actor=actor) if self.per_reader else self.node_type.from_model(row)
        )
        return await made if inspect.isawaitable(made) else made


def _found(row: RowT | None) -> RowT:
    if row is None:
        raise NotFound("No record with that id.")
    return row


# --- scoped reads the domains do not offer by id ----------------------------------------------


async def _user(actor: Actor, user_id: uuid.UUID) -> User:
    # As `users` and `me`: staff see every account, anyone else only his own.
    if not actor.is_staff and user_id != actor.user_id:
        raise NotFound("No record with that id.")
    return _found(await User.get_or_none(id=user_id))


async def _device(actor: Actor, device_id: uuid.UUID) -> Device:
    # As `devices`: an admin sees every device, anyone else only his own.
    query = Device.filter(id=device_id)
    if actor.role is not Role.ADMIN:
        query = query.filter(user_id=actor.user_id)
    return _found(await query.first())


async def _phrase_book(actor: Actor, book_id: uuid.UUID) -> StandardPhraseBook:
    # As `standardPhrases`: the phrases are shown to everyone signed in.
    require(actor)
    return _found(await StandardPhraseBook.get_or_none(id=book_id, deleted=False))


# --- thin adapters over the domain services ---------------------------------------------------


async def _customer(actor: Actor, pk: uuid.UUID) -> Customer:
    return await customers_service.get_customer(actor=actor, customer_id=pk)


async def _site(actor: Actor, pk: uuid.UUID) -> Site:
    return await customers_service.get_site(actor=actor, site_id=pk)


async def _asset(actor: Actor, pk: uuid.UUID) -> Asset:
    return await assets_service.get_asset(actor=actor, asset_id=pk)


async def _asset_scan(actor: Actor, pk: uuid.UUID) -> AssetScan:
    return _found(await scans.scans_for(require(actor)).get_or_none(id=pk))


async def _work_order(actor: Actor, pk: uuid.UUID) -> WorkOrder:
    return await workorders_service.get_work_order(actor=actor, work_order_id=pk)


async def _appointment(actor: Actor, pk: uuid.UUID) -> Appointment:
    return await appointments_service.get_appointment(actor=actor, appointment_id=pk)


async def _appointment_change(actor: Actor, pk: uuid.UUID) -> AppointmentChange:
    # A change is visible with its appointment.
    change = _found(await AppointmentChange.get_or_none(id=pk, deleted=False))
    await appointments_service.get_appointment(
        actor=actor,
        appointment_id=change.appointment_id,  # type: ignore[attr-defined]
    )
    return change


async def _template(actor: Actor, pk: uuid.UUID) -> ChecklistTemplate:
    return await templates.get_template(actor=actor, template_id=pk)


async def _checklist_run(actor: Actor, pk: uuid.UUID) -> ChecklistRun:
    # The work order id only names which scoped read to ask; a miss there is the answer.
    stored = _found(await ChecklistRun.get_or_none(id=pk))
    run = await runs.get_run(actor=actor, work_order_id=stored.work_order_id)  # type: ignore[attr-defined]
    if run is None or run.id != pk:
        raise NotFound("No record with that id.")
    return run


async def _rating(actor: Actor, pk: uuid.UUID) -> SatisfactionRating:
    stored = _found(await SatisfactionRating.get_or_none(id=pk))
    visible = await feedback_service.ratings_of(
        actor=actor,
        work_order_id=stored.work_order_id,  # type: ignore[attr-defined]
    )
    return _found(await visible.get_or_none(id=pk))


async def _callback(actor: Actor, pk: uuid.UUID) -> Callback:
    stored = _found(await Callback.get_or_none(id=pk))
    visible = await feedback_service.callbacks_of(
        actor=actor,
        work_order_id=stored.work_order_id,  # type: ignore[attr-defined]
    )
    return _found(await visible.get_or_none(id=pk))


async def _photo(actor: Actor, pk: uuid.UUID) -> Photo:
    return _found(await media_service.photos_for(require(actor)).get_or_none(id=pk))


async def _signature(actor: Actor, pk: uuid.UUID) -> Signature:
    return await signatures_service.get_signature(actor=actor, signature_id=pk)


async def _complaint(actor: Actor, pk: uuid.UUID) -> Complaint:
    return _found(await followup_service.list_complaints(actor=actor).get_or_none(id=pk))


async def _problem(actor: Actor, pk: uuid.UUID) -> Problem:
    return await problems_service.get_problem(actor=actor, problem_id=pk)


async def _repeat_flag(actor: Actor, pk: uuid.UUID) -> RepeatFaultFlag:
    return _found(await (await problems_service.list_repeat_flags(actor=actor)).get_or_none(id=pk))


async def _knowledge_entry(actor: Actor, pk: uuid.UUID) -> KnowledgeEntry:
    return await knowledge_service.get_entry(actor=actor, entry_id=pk)


async def _solution_use(actor: Actor, pk: uuid.UUID) -> SolutionUse:
    stored = _found(await SolutionUse.get_or_none(id=pk))
    visible = await knowledge_service.solutions_used(
        actor=actor,
        work_order_id=stored.work_order_id,  # type: ignore[attr-defined]
    )
    return _found(await visible.get_or_none(id=pk))


async def _sla_policy(actor: Actor, pk: uuid.UUID) -> SlaPolicy:
    return _found(await sla_service.list_policies(actor=actor).get_or_none(id=pk))


async def _calendar(actor: Actor, pk: uuid.UUID) -> BusinessCalendarConfig:
    return _found(await sla_service.list_calendars(actor=actor).get_or_none(id=pk))


# Looked up in this order; ids are unique across tables, so at most one kind holds an id.
KINDS: tuple[NodeKind, ...] = (
    NodeKind(User, _user, UserType),
    NodeKind(Device, _device, DeviceType),
    NodeKind(Customer, _customer, CustomerType),
    NodeKind(Site, _site, SiteType),
    NodeKind(Asset, _asset, AssetType),
    NodeKind(AssetScan, _asset_scan, AssetScanType),
    NodeKind(WorkOrder, _work_order, WorkOrderType),
    NodeKind(Appointment, _appointment, AppointmentType),
    NodeKind(AppointmentChange, _appointment_change, AppointmentChangeType),
    NodeKind(ChecklistTemplate, _template, ChecklistTemplateType),
    NodeKind(ChecklistRun, _checklist_run, ChecklistRunType),
    NodeKind(StandardPhraseBook, _phrase_book, StandardPhraseBookType),
    NodeKind(SatisfactionRating, _rating, RatingType),
    NodeKind(Callback, _callback, CallbackType),
    NodeKind(Photo, _photo, PhotoType),
    NodeKind(Signature, _signature, SignatureType),
    NodeKind(Complaint, _complaint, ComplaintType),
    NodeKind(Problem, _problem, ProblemType),
    NodeKind(RepeatFaultFlag, _repeat_flag, RepeatFaultFlagType),
    NodeKind(KnowledgeEntry, _knowledge_entry, KnowledgeEntryType, per_reader=True),
    NodeKind(SolutionUse, _solution_use, SolutionUsedType),
    NodeKind(SlaPolicy, _sla_policy, SlaPolicyType),
    NodeKind(BusinessCalendarConfig, _calendar, BusinessCalendarType),
)


# --- resolution ---------------------------------------------------------------------------------


def _parse(raw: str) -> uuid.UUID | None:
    try:
        return uuid.UUID(str(raw))
    except ValueError:
        return None


async def _locate(ids: Collection[uuid.UUID]) -> dict[uuid.UUID, NodeKind]:
    """Which table holds each id: one query per kind, so a batch costs the same as one id.

    Only picks the scoped read to ask; whether the caller sees the row is decided there.
    """
    home: dict[uuid.UUID, NodeKind] = {}
    for kind in KINDS:
        rest = [pk for pk in ids if pk not in home]
        if not rest:
            break
        for pk in await kind.model.filter(id__in=rest).values_list("id", flat=True):
            home.setdefault(uuid.UUID(str(pk)), kind)
    return home


async def _visible(kind: NodeKind, actor: Actor, pk: uuid.UUID) -> Any | None:
    try:
        row = await kind.load(actor, pk)
    except (NotFound, Forbidden):
        # "Not yours" and "not for your role" both look like "no such record".
        return None
    return await kind.to_node(row, actor)


async def resolve_nodes(actor: Actor, ids: Sequence[str]) -> list[Any | None]:
    """The GraphQL object for each id, or None where the id names nothing `actor` may see."""
    require(actor)
    if len(ids) > MAX_NODES:
        raise ValidationFailed(f"Ask for at most {MAX_NODES} ids at a time.", code="TOO_MANY_IDS")
    parsed = [_parse(raw) for raw in ids]
    home = await _locate({pk for pk in parsed if pk is not None})
    found = {pk: await _visible(kind, actor, pk) for pk, kind in home.items()}
    return [None if pk is None else found.get(pk) for pk in parsed]


async def _node(info: Info, id: strawberry.ID) -> Node:
    (found,) = await resolve_nodes(info.context.require(), [id])
    if found is None:
        raise NotFound("No record with that id.")
    return found  # type: ignore[no-any-return]


async def _nodes(info: Info, ids: list[strawberry.ID]) -> list[Node | None]:
    return await resolve_nodes(info.context.require(), ids)


@strawberry.type
class Query:
    node: Node = strawberry.field(
        resolver=_node, description="The record with this id if you may see it; otherwise NOT_FOUND."
    )
    nodes: list[Node | None] = strawberry.field(
        resolver=_nodes,
        description=f"Up to {MAX_NODES} records, in the order asked; null for each id you may not see.",
    )
