from __future__ import annotations

from datetime import datetime

import strawberry

from server.checklists import runs, templates
from server.checklists.models import ChecklistRun, ChecklistTemplate, StandardPhraseBook
from server.checklists.template_format import (
    ChecklistItem,
    ChecklistPhase,
    LocalizedText,
    StandardPhrase,
)
from server.graphql.context import Info
from server.graphql.ids import optional_id, parse_id, to_id
from server.graphql.pagination import Connection, paginate
from server.graphql.scalars import JSON

# `lang` arguments: any Chinese tag (zh, zh-CN) gives Chinese, anything else English.


@strawberry.type(name="ChecklistItem")
class ChecklistItemType:
    key: str
    required: bool
    evidence: str = strawberry.field(description="check | photo | text | customer_confirm")
    phrase: str | None = strawberry.field(description="Situation of the standard phrase to show.")
    _text: strawberry.Private[LocalizedText]
    _hint: strawberry.Private[LocalizedText | None]

    @classmethod
    def from_doc(cls, item: ChecklistItem) -> ChecklistItemType:
        return cls(
            key=item.key,
            required=item.required,
            evidence=item.evidence,
            phrase=item.phrase,
            _text=item.text,
            _hint=item.hint,
        )

    @strawberry.field
    def text(self, lang: str = "zh-CN") -> str:
        return self._text.get(lang)

    @strawberry.field
    def hint(self, lang: str = "zh-CN") -> str | None:
        return None if self._hint is None else self._hint.get(lang)


@strawberry.type(name="ChecklistPhase")
class ChecklistPhaseType:
    key: str
    items: list[ChecklistItemType]
    _title: strawberry.Private[LocalizedText]

    @classmethod
    def from_doc(cls, phase: ChecklistPhase) -> ChecklistPhaseType:
        return cls(
            key=phase.key, items=[ChecklistItemType.from_doc(i) for i in phase.items], _title=phase.title
        )

    @strawberry.field
    def title(self, lang: str = "zh-CN") -> str:
        return self._title.get(lang)


@strawberry.type(name="ChecklistTemplate")
class ChecklistTemplateType:
    id: strawberry.ID
    key: str
    template_version: int
    title_en: str
    title_zh: str
    active: bool
    document: JSON
    phases: list[ChecklistPhaseType]
    version: int
    created_at: datetime
    _title: strawberry.Private[LocalizedText]

    @classmethod
    def from_model(cls, template: ChecklistTemplate) -> ChecklistTemplateType:
        doc = templates.template_doc(template)
        return cls(
            id=to_id(template.id),
            key=template.key,
            template_version=template.template_version,
            title_en=template.title_en,
            title_zh=template.title_zh,
            active=template.active,
            document=template.document,
            phases=[ChecklistPhaseType.from_doc(p) for p in doc.phases],
            version=template.version,
            created_at=template.created_at,
            _title=doc.title,
        )

    @strawberry.field
    def title(self, lang: str = "zh-CN") -> str:
        return self._title.get(lang)


@strawberry.type(name="ChecklistRun")
class ChecklistRunType:
    id: strawberry.ID
    work_order_id: strawberry.ID
    template: ChecklistTemplateType
    answers: JSON = strawberry.field(description='{itemKey: {"value", "at", "by"}}')
    missing_required: list[str]
    completed_at: datetime | None
    technician_id: strawberry.ID | None
    version: int
    created_at: datetime

    @classmethod
    def from_model(cls, run: ChecklistRun) -> ChecklistRunType:
        technician_id = run.technician_id  # type: ignore[attr-defined]
        return cls(
            id=to_id(run.id),
            work_order_id=to_id(run.work_order_id),  # type: ignore[attr-defined]
            template=ChecklistTemplateType.from_model(run.template),
            answers=run.answers,
            missing_required=runs.run_missing_required(run),
            completed_at=run.completed_at,
            technician_id=None if technician_id is None else to_id(technician_id),
            version=run.version,
            created_at=run.created_at,
        )


@strawberry.type(name="StandardPhrase")
class StandardPhraseType:
    situation: str
    title: str
    text: str = strawberry.field(description="With its {placeholders}; use renderPhrase to fill them.")

    @classmethod
    def from_doc(cls, phrase: StandardPhrase, lang: str) -> StandardPhraseType:
        return cls(situation=phrase.situation, title=phrase.title.get(lang), text=phrase.text.get(lang))


@strawberry.type(name="StandardPhraseBook")
class StandardPhraseBookType:
    id: strawberry.ID
    version_label: int
    active: bool
    document: JSON

    @classmethod
    def from_model(cls, book: StandardPhraseBook) -> StandardPhraseBookType:
        return cls(
            id=to_id(book.id), version_label=book.version_label, active=book.active, document=book.document
        )


@strawberry.type
class Query:
    @strawberry.field
    async def checklist_templates(
        self, info: Info, first: int | None = 50, after: str | None = None, active_only: bool = False
    ) -> Connection[ChecklistTemplateType]:
        query = templates.templates_query(actor=info.context.require(), active_only=active_only)
        return await paginate(query, first=first, after=after, to_node=ChecklistTemplateType.from_model)

    @strawberry.field
    async def checklist_run(self, info: Info, work_order_id: strawberry.ID) -> ChecklistRunType | None:
        run = await runs.get_run(actor=info.context.require(), work_order_id=parse_id(work_order_id))
        return None if run is None else ChecklistRunType.from_model(run)

    @strawberry.field
    async def standard_phrases(self, info: Info, lang: str = "zh-CN") -> list[StandardPhraseType]:
        info.context.require()
        book = await templates.phrase_book()
        return [StandardPhraseType.from_doc(p, lang) for p in book.phrases]

    @strawberry.field
    async def render_phrase(
        self, info: Info, situation: str, lang: str = "zh-CN", values: JSON | None = None
    ) -> str:
        info.context.require()
        return await templates.render_phrase(situation=situation, lang=lang, values=values)


@strawberry.type
class Mutation:
    @strawberry.mutation
    async def create_checklist_template(
        self, info: Info, document: JSON, id: strawberry.ID | None = None
    ) -> ChecklistTemplateType:
        template = await templates.create_template(
            actor=info.context.require(), document=document, id=optional_id(id)
        )
        return ChecklistTemplateType.from_model(template)

    @strawberry.mutation
    async def set_checklist_template_active(
        self, info: Info, id: strawberry.ID, active: bool
    ) -> ChecklistTemplateType:
        template = await templates.set_template_active(
            actor=info.context.require(), template_id=parse_id(id), active=active
        )
        return ChecklistTemplateType.from_model(template)

    @strawberry.mutation
    async def set_standard_phrases(self, info: Info, document: JSON) -> StandardPhraseBookType:
        book = await templates.set_phrase_book(actor=info.context.require(), document=document)
        return StandardPhraseBookType.from_model(book)

    @strawberry.mutation
    async def start_checklist(
        self,
        info: Info,
        work_order_id: strawberry.ID,
        template_key: str = templates.DEFAULT_TEMPLATE_KEY,
        id: strawberry.ID | None = None,
    ) -> ChecklistRunType:
        run = await runs.ensure_run(
            actor=info.context.require(),
            work_order_id=parse_id(work_order_id),
            template_key=template_key,
            id=optional_id(id),
        )
        return ChecklistRunType.from_model(run)

    @strawberry.mutation
    async def answer_checklist_item(
        self, info: Info, run_id: strawberry.ID, item_key: str, value: JSON | None = None
    ) -> ChecklistRunType:
        run = await runs.answer_item(
            actor=info.context.require(), run_id=parse_id(run_id), item_key=item_key, value=value
        )
        return ChecklistRunType.from_model(run)
