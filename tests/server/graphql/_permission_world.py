"""The records the permission matrix probes: technician A's work and everything it references.

Every text of A's records carries `MARK`, so a response that leaks one is easy to spot; technician
B has his own order elsewhere, so his scope is not trivially empty.
"""

from __future__ import annotations

import dataclasses
import json
import uuid
from datetime import UTC, datetime, time, timedelta
from importlib import resources
from typing import Any
from zoneinfo import ZoneInfo

from tortoise.models import Model

from server.appointments import service as appointments
from server.appointments.models import Appointment, AppointmentChange
from server.appointments.service import Initiator
from server.assets import scans
from server.assets.models import Asset, AssetScan
from server.auth.models import Device, User
from server.checklists import runs, templates
from server.checklists.models import ChecklistRun
from server.checklists.template_format import parse_template
from server.core import persist
from server.core.clock import utcnow
from server.core.roles import Role
from server.customers.models import Customer, Site
from server.feedback import service as feedback
from server.feedback.models import Callback, SatisfactionRating
from server.feedback.service import RatingSource
from server.followup.models import Complaint
from server.knowledge import service as knowledge
from server.knowledge.models import KnowledgeEntry, SolutionUse
from server.media.models import Photo
from server.problems import service as problems
from server.problems.models import Problem, RepeatFaultFlag, RepeatKind
from server.signatures.models import Signature, SignerRelation
from server.sla import service as sla
from server.syncing.collections import build_engine
from server.worklog.models import TimeEntry, WorkNote
from server.workorders.models import Status, WorkOrder
from sync.models import SyncConflict
from tests.factories import actor_of, make_asset, make_customer, make_site, make_user, make_work_order

MARK = "SECRET-A"
TZ = "Asia/Shanghai"
# Ids of these fields name technician A's records (or A himself): the ghost world replaces them.
A_IDS = (
    "tech_a_id",
    "device_id",
    "customer_id",
    "site_id",
    "asset_id",
    "order_id",
    "done_order_id",
    "appointment_id",
    "change_id",
    "run_id",
    "rating_id",
    "callback_id",
    "note_id",
    "time_entry_id",
    "scan_id",
    "photo_id",
    "signature_id",
    "complaint_id",
    "problem_id",
    "flag_id",
    "use_id",
)


@dataclasses.dataclass(frozen=True)
class World:
    users: dict[str, User]  # role key -> user; see test_permission_matrix.ROLES
    tech_a_id: uuid.UUID
    tech_b_id: uuid.UUID
    device_id: uuid.UUID
    customer_id: uuid.UUID
    site_id: uuid.UUID
    asset_id: uuid.UUID
    asset_tag: str
    order_id: uuid.UUID  # accepted, with appointment, checklist run, note and time entry
    done_order_id: uuid.UUID  # customer signed, with rating and call-back
    done_number: str
    appointment_id: uuid.UUID
    change_id: uuid.UUID
    run_id: uuid.UUID
    item_key: str
    rating_id: uuid.UUID
    callback_id: uuid.UUID
    note_id: uuid.UUID
    time_entry_id: uuid.UUID
    scan_id: uuid.UUID
    photo_id: uuid.UUID
    signature_id: uuid.UUID
    complaint_id: uuid.UUID
    problem_id: uuid.UUID
    flag_id: uuid.UUID  # A's order repeats his earlier one
    use_id: uuid.UUID  # a knowledge entry A used on his order
    entry_id: uuid.UUID  # knowledge entries are shared with everyone signed in
    spare_entry_id: uuid.UUID
    b_order_id: uuid.UUID
    template_id: uuid.UUID
    device_ids: dict[str, uuid.UUID]  # role key -> the device its token is bound to
    docs: dict[str, dict[str, Any]]  # collection -> A's replicated document in it, as pulled
    visit_day: str
    window_start: datetime
    renamed: dict[str, str] = dataclasses.field(default_factory=dict)  # real id -> ghost id

    def a_ids(self) -> set[str]:
        return {str(getattr(self, name)) for name in A_IDS}

    def ghost(self) -> World:
        """The same shape with every id of A's replaced by one that names nothing."""
        fresh: dict[str, Any] = {name: uuid.uuid4() for name in A_IDS}
        renamed = {str(getattr(self, name)): str(fresh[name]) for name in A_IDS}
        tag = "ZZ" + uuid.uuid4().hex[:8].upper()
        return dataclasses.replace(self, asset_tag=tag, renamed=renamed, **fresh)

    def doc(self, collection: str) -> dict[str, Any]:
        """A's document in `collection`, its ids renamed in a ghost world."""
        text = json.dumps(self.docs[collection])
        for real, ghost in self.renamed.items():
            text = text.replace(real, ghost)
        return dict(json.loads(text))


async def build_world() -> World:
    await templates.seed_defaults()
    await sla.seed_default_policies()
    users = {
        "owner": await make_user(Role.TECHNICIAN, display_name=f"{MARK} technician"),
        "other": await make_user(Role.TECHNICIAN),
        "dispatcher": await make_user(Role.DISPATCHER),
        "supervisor": await make_user(Role.SUPERVISOR),
        "admin": await make_user(Role.ADMIN),
    }
    devices = {key: await _device(user) for key, user in users.items()}
    tech_a, tech_b, desk = users["owner"], users["other"], actor_of(users["dispatcher"])

    customer = await make_customer(name=f"{MARK} customer", notes=MARK)
    site = await make_site(customer, name=f"{MARK} site", address=f"{MARK} road")
    asset = await make_asset(site, name=f"{MARK} ONU", notes=MARK)
    order = await make_work_order(
        site=site, assigned_to=tech_a, status=Status.ACCEPTED, symptom=f"{MARK} down"
    )
    await order.assets.add(asset)
    done = await make_work_order(
        site=site,
        assigned_to=tech_a,
        status=Status.CUSTOMER_SIGNED,
        symptom=f"{MARK} fixed",
        resolution="Replaced the power adapter",
    )
    b_order = await make_work_order(assigned_to=tech_b, status=Status.ACCEPTED, symptom="B's own order")

    start = datetime.combine(utcnow().date() + timedelta(days=2), time(2, 0), tzinfo=UTC)
    proposal = await appointments.propose_appointment(
        actor=actor_of(tech_a),
        work_order_id=order.id,
        window_start=start - timedelta(hours=1),
        window_end=start + timedelta(hours=1),
        note=f"{MARK} visit",
    )
    change_id = uuid.uuid4()
    await appointments.reschedule_appointment(
        actor=desk,
        appointment_id=proposal.appointment.id,
        window_start=start,
        window_end=start + timedelta(hours=2),
        reason=f"{MARK} asked to move",
        initiated_by=Initiator.CUSTOMER,
        change_id=change_id,
    )
    run = await runs.ensure_run(actor=actor_of(tech_a), work_order_id=order.id)
    doc = templates.template_doc(run.template)
    item_key = next(i.key for p in doc.phases for i in p.items if i.evidence == "check")
    rating = await feedback.submit_rating(
        actor=desk, work_order_id=done.id, score=4, comment=f"{MARK} kind", source=RatingSource.CALLBACK
    )
    callback = await feedback.record_callback(
        actor=desk, work_order_id=done.id, reached=False, comment=f"{MARK} no answer"
    )
    note = WorkNote(work_order=order, author=tech_a, body=f"{MARK} note", written_at=utcnow())
    await persist.save(note, actor=actor_of(tech_a))
    entry = TimeEntry(work_order=order, technician=tech_a, kind="travel", started_at=utcnow(), note=MARK)
    await persist.save(entry, actor=actor_of(tech_a))
    scan = await scans.record_scan(
        actor=actor_of(tech_a),
        scan_id=uuid.uuid4(),
        work_order_id=order.id,
        asset_id=asset.id,
        scanned_at=utcnow(),
        tag_code=asset.tag_code,
        mismatch=True,
        mismatch_note=f"{MARK} serial differs",
    )
    photo = Photo(
        work_order=order,
        caption=f"{MARK} cabinet",
        taken_by=tech_a,
        sha256="ab" * 32,
        content_type="image/jpeg",
        size=1024,
    )
    await persist.save(photo, actor=actor_of(tech_a))
    follow_up = await _follow_up(users, order=order, done=done, callback_id=callback.id)
    await SyncConflict.create(
        at=utcnow(),
        collection="workOrders",
        doc_id=str(order.id),
        field="progressNote",
        values={"base": "", "lost": MARK, "won": ""},
        winner="master",
        principal_id=str(tech_a.id),
        mutation_id="m-1",
    )
    return World(
        users=users,
        tech_a_id=tech_a.id,
        tech_b_id=tech_b.id,
        device_id=devices["owner"].id,
        customer_id=customer.id,
        site_id=site.id,
        asset_id=asset.id,
        asset_tag=asset.tag_code,
        order_id=order.id,
        done_order_id=done.id,
        done_number=done.number,
        appointment_id=proposal.appointment.id,
        change_id=change_id,
        run_id=run.id,
        item_key=item_key,
        rating_id=rating.id,
        callback_id=callback.id,
        note_id=note.id,
        time_entry_id=entry.id,
        scan_id=scan.id,
        photo_id=photo.id,
        **follow_up,
        b_order_id=b_order.id,
        template_id=run.template.id,
        device_ids={key: device.id for key, device in devices.items()},
        docs={
            collection: await _doc(collection, doc_id, users["admin"])
            for collection, doc_id in (
                ("workOrders", order.id),
                ("workNotes", note.id),
                ("appointments", proposal.appointment.id),
                ("checklistRuns", run.id),
                ("assetScans", scan.id),
                ("photos", photo.id),
                ("signatures", follow_up["signature_id"]),
            )
        },
        visit_day=start.astimezone(ZoneInfo(TZ)).date().isoformat(),
        window_start=start,
    )


async def a_state(w: World) -> dict[str, Any]:
    """When each of A's rows last changed, and how many rows hang off A's records: any write
    a call makes to A's data shows up as a difference."""
    orders = [w.order_id, w.done_order_id]
    rows: list[tuple[type[Model], uuid.UUID]] = [
        (User, w.tech_a_id),
        (Device, w.device_id),
        (Customer, w.customer_id),
        (Site, w.site_id),
        (Asset, w.asset_id),
        (WorkOrder, w.order_id),
        (WorkOrder, w.done_order_id),
        (Appointment, w.appointment_id),
        (AppointmentChange, w.change_id),
        (ChecklistRun, w.run_id),
        (SatisfactionRating, w.rating_id),
        (Callback, w.callback_id),
        (WorkNote, w.note_id),
        (TimeEntry, w.time_entry_id),
        (AssetScan, w.scan_id),
        (Photo, w.photo_id),
        (Signature, w.signature_id),
        (Complaint, w.complaint_id),
        (Problem, w.problem_id),
        (RepeatFaultFlag, w.flag_id),
        (SolutionUse, w.use_id),
    ]
    state: dict[str, Any] = {}
    for model, pk in rows:
        found = await model.filter(id=pk).values_list("updated_at", flat=True)
        state[f"{model.__name__} {pk}"] = [str(at) for at in found]
    children = (
        Appointment,
        ChecklistRun,
        SatisfactionRating,
        Callback,
        WorkNote,
        TimeEntry,
        AssetScan,
        Photo,
        Signature,
        Complaint,
        SolutionUse,
    )
    for model in children:
        state[f"{model.__name__} count"] = await model.filter(work_order_id__in=orders).count()
    state["changes"] = await AppointmentChange.filter(appointment_id=w.appointment_id).count()
    state["sites"] = await Site.filter(customer_id=w.customer_id).count()
    state["assets"] = await Asset.filter(site_id=w.site_id).count()
    state["orders"] = await WorkOrder.filter(customer_id=w.customer_id).count()
    state["problems"] = await Problem.filter(work_orders__id__in=orders).count()
    return state


async def _follow_up(
    users: dict[str, User], *, order: WorkOrder, done: WorkOrder, callback_id: uuid.UUID
) -> dict[str, uuid.UUID]:
    """What the desk and the knowledge base add around A's work: signature, complaint, problem,
    repeat-fault flag and a knowledge entry A used. Rows are stored directly where the service
    would need a long story first (a rendered signature, a month of repeats)."""
    desk = users["dispatcher"]
    now = utcnow()
    signature = Signature(
        work_order=done,
        strokes=[],
        canvas_width=300,
        canvas_height=150,
        png_sha256="cd" * 32,
        signer_name=f"{MARK} signer",
        signer_relation=SignerRelation.CUSTOMER,
        consent_text="I confirm the work is done.",
        consent_version=1,
        language="en",
        signed_at=now,
        received_at=now,
        technician=users["owner"],
        content_hash="ef" * 32,
        server_hash="ef" * 32,
        hash_matches=True,
    )
    complaint = Complaint(
        work_order=done, callback_id=callback_id, owner=desk, due_date=now.date(), text=f"{MARK} late"
    )
    flag = RepeatFaultFlag(work_order=order, previous_order=done, kind=RepeatKind.SITE, days_between=3)
    for row in (signature, complaint, flag):
        await persist.save(row, actor=actor_of(desk))
    problem = await problems.create_problem(
        actor=actor_of(desk), title=f"{MARK} outage", work_order_ids=[order.id, done.id]
    )
    entries = []
    for n in (1, 2):
        # Shared knowledge: no text of A's, so a technician may read it; the links stay hidden.
        entry = KnowledgeEntry(
            symptom_en=f"No signal {n}", solution_en="Reseat the cable", linked_order_ids=[str(done.id)]
        )
        await persist.save(entry, actor=actor_of(desk))
        entries.append(entry)
    use = await knowledge.attach_solution(
        actor=actor_of(users["owner"]), work_order_id=order.id, entry_id=entries[0].id
    )
    return {
        "signature_id": signature.id,
        "complaint_id": complaint.id,
        "problem_id": problem.id,
        "flag_id": flag.id,
        "use_id": use.id,
        "entry_id": entries[0].id,
        "spare_entry_id": entries[1].id,
    }


async def _device(user: User) -> Device:
    name = f"{MARK} phone" if user.display_name.startswith(MARK) else "phone"
    device = Device(user=user, name=name, user_agent="pytest")
    await persist.save(device, actor=None)
    return device


async def _doc(collection: str, doc_id: uuid.UUID, staff: User) -> dict[str, Any]:
    pulled = await build_engine().pull(
        collection=collection, principal=actor_of(staff), checkpoint=None, limit=500
    )
    return next(dict(d) for d in pulled.documents if d["id"] == str(doc_id))


def new_template_document() -> dict[str, Any]:
    """A valid checklist template under a key of its own."""
    raw = json.loads(resources.files("server.checklists.content").joinpath("etiquette.json").read_text())
    raw["key"] = f"matrix_{uuid.uuid4().hex[:8]}"
    parse_template(raw)  # fail here, not in the matrix, if the seed format moves on
    return dict(raw)
