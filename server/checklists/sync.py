"""Checklist runs replicate both ways (the technician answers on site, offline); templates and
standard phrases replicate read-only so the checklist and the right phrase work with no signal."""

from __future__ import annotations

from typing import Any

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.expressions import Subquery
from tortoise.models import Model
from tortoise.queryset import QuerySet

from server.checklists import runs
from server.checklists.models import ChecklistRun, ChecklistTemplate, StandardPhraseBook
from server.core.actor import Actor
from server.core.errors import ValidationFailed
from server.syncing.adapter import ModelAdapter
from server.syncing.fields import ref, text, when
from server.workorders import scope
from sync.registry import Owner

D, T, S, FIXED = Owner.DISPATCHER, Owner.TECHNICIAN, Owner.SERVER, Owner.IMMUTABLE


def runs_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[ChecklistRun]:
    base = ChecklistRun.all() if include_deleted else ChecklistRun.filter(deleted=False)
    return base.filter(work_order_id__in=Subquery(scope.work_orders_for(actor).values("id")))


def templates_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[ChecklistTemplate]:
    return ChecklistTemplate.all() if include_deleted else ChecklistTemplate.filter(deleted=False)


def phrases_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[StandardPhraseBook]:
    return StandardPhraseBook.all() if include_deleted else StandardPhraseBook.filter(deleted=False)


def _value(answer: Any) -> Any:
    # Answers travel as {"value", "at", "by"}; only the value is the technician's to set.
    return answer.get("value") if isinstance(answer, dict) else answer


async def write_run(
    actor: Actor, values: dict[str, Any], row: Any, changed: set[str], conn: BaseDBAsyncClient
) -> Model:
    if row is None:
        row = await runs.ensure_run(actor=actor, work_order_id=values["work_order_id"], id=values["id"])
    answers = values.get("answers") or {}
    if not isinstance(answers, dict):
        raise ValidationFailed("answers must be an object keyed by checklist item.")
    stored = dict(row.answers or {})
    for key in sorted(set(answers) | set(stored)):
        wanted = _value(answers.get(key))
        if wanted != _value(stored.get(key)):
            row = await runs.answer_item(actor=actor, run_id=row.id, item_key=key, value=wanted)
    return row  # type: ignore[no-any-return]


CHECKLIST_RUNS = ModelAdapter.build(
    name="checklistRuns",
    model=ChecklistRun,
    fields={
        "workOrderId": ref("work_order_id", FIXED),
        "templateId": ref("template_id", S),
        "answers": text("answers", T),
        "completedAt": when("completed_at", S),
        "technicianId": ref("technician_id", S),
    },
    scope=runs_for,
    write=write_run,
)

CHECKLIST_TEMPLATES = ModelAdapter.build(
    name="checklistTemplates",
    model=ChecklistTemplate,
    fields={
        "key": text("key", D),
        "templateVersion": text("template_version", D),
        "titleEn": text("title_en", D),
        "titleZh": text("title_zh", D),
        "document": text("document", D),
        "active": text("active", D),
    },
    scope=templates_for,
)

STANDARD_PHRASES = ModelAdapter.build(
    name="standardPhrases",
    model=StandardPhraseBook,
    fields={
        "versionLabel": text("version_label", D),
        "document": text("document", D),
        "active": text("active", D),
    },
    scope=phrases_for,
)
