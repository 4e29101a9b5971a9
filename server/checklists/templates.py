"""Stored checklist templates and the standard phrase book.

A template version is immutable once stored: runs keep pointing at the version they were
answered on, so changing the checklist means storing a new version. At most one version of each
key is active; the active one is used for new runs.
"""

from __future__ import annotations

import uuid
from collections.abc import Mapping
from typing import Any, cast

from tortoise.backends.base.client import BaseDBAsyncClient
from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from server.checklists.models import ChecklistTemplate, StandardPhraseBook
from server.checklists.template_format import (
    ChecklistTemplateDoc,
    PhraseBook,
    load_seed_phrases,
    load_seed_template,
    parse_phrases,
    parse_template,
)
from server.core import persist
from server.core.actor import Actor, require
from server.core.errors import Conflict, NotFound, ValidationFailed
from server.core.roles import DESK
from server.core.serialize import snapshot

DEFAULT_TEMPLATE_KEY = "etiquette"


def template_doc(template: ChecklistTemplate) -> ChecklistTemplateDoc:
    """The parsed document of a stored template (validated when it was stored)."""
    return parse_template(template.document)


def templates_query(*, actor: Actor, active_only: bool = False) -> QuerySet[ChecklistTemplate]:
    """Templates every signed-in user may read: technicians need them on the phone offline."""
    require(actor)
    query = ChecklistTemplate.filter(deleted=False)
    return query.filter(active=True) if active_only else query


async def get_template(*, actor: Actor, template_id: uuid.UUID) -> ChecklistTemplate:
    template = await templates_query(actor=actor).get_or_none(id=template_id)
    if template is None:
        raise NotFound("No such checklist template.")
    return template


async def active_template(
    *, key: str = DEFAULT_TEMPLATE_KEY, conn: BaseDBAsyncClient | None = None
) -> ChecklistTemplate | None:
    """The version of `key` new runs use, or None when no version is active."""
    query = ChecklistTemplate.filter(key=key, active=True, deleted=False).order_by("-template_version")
    if conn is not None:
        query = query.using_db(conn)
    return await query.first()


async def create_template(
    *, actor: Actor, document: object, id: uuid.UUID | None = None
) -> ChecklistTemplate:
    """Store a new template version and make it the active one for its key.

    Storing the same version with the same content again returns the stored row, so a retried
    request is harmless; different content under an existing version or id is a CONFLICT.
    """
    require(actor, *DESK)
    doc = parse_template(cast(Mapping[str, Any], document))  # a non-object is reported as invalid
    async with in_transaction() as conn:
        existing = await _same_version_or_id(doc, id, conn)
        if existing is not None:
            if _holds(existing, doc):
                return existing
            raise Conflict(
                f"Version {doc.version} of checklist {doc.key!r} (or this id) already exists with "
                "other content; store the change as a new version.",
                key=doc.key,
                version=doc.version,
            )
        latest = (
            await ChecklistTemplate.filter(key=doc.key, deleted=False)
            .using_db(conn)
            .order_by("-template_version")
            .first()
        )
        if latest is not None and latest.template_version > doc.version:
            raise Conflict(
                f"Checklist {doc.key!r} is already at version {latest.template_version}; "
                "a new version must be higher than that.",
                code="STALE_TEMPLATE_VERSION",
                latest_version=latest.template_version,
            )
        return await _store_template(actor=actor, doc=doc, id=id, conn=conn)


def _holds(template: ChecklistTemplate, doc: ChecklistTemplateDoc) -> bool:
    return (
        template.key == doc.key
        and template.template_version == doc.version
        and template.document == doc.to_dict()
    )


async def _store_template(
    *, actor: Actor | None, doc: ChecklistTemplateDoc, id: uuid.UUID | None, conn: BaseDBAsyncClient
) -> ChecklistTemplate:
    template = ChecklistTemplate(
        id=id or uuid.uuid4(),
        key=doc.key,
        template_version=doc.version,
        title_en=doc.title.en[:200],
        title_zh=doc.title.zh_cn[:200],
        document=doc.to_dict(),
        active=True,
    )
    await _deactivate_others(actor=actor, key=doc.key, keep=template.id, conn=conn)
    await persist.save(template, actor=actor, conn=conn)
    return template


async def _same_version_or_id(
    doc: ChecklistTemplateDoc, id: uuid.UUID | None, conn: BaseDBAsyncClient
) -> ChecklistTemplate | None:
    if id is not None:
        by_id = await ChecklistTemplate.filter(id=id).using_db(conn).first()
        if by_id is not None:
            return by_id
    query = ChecklistTemplate.filter(key=doc.key, template_version=doc.version)
    return await query.using_db(conn).first()


async def set_template_active(*, actor: Actor, template_id: uuid.UUID, active: bool) -> ChecklistTemplate:
    """Activating a version deactivates the other versions of its key."""
    require(actor, *DESK)
    async with in_transaction() as conn:
        template = await ChecklistTemplate.filter(id=template_id, deleted=False).using_db(conn).first()
        if template is None:
            raise NotFound("No such checklist template.")
        if template.active == active:
            return template
        if active:
            await _deactivate_others(actor=actor, key=template.key, keep=template.id, conn=conn)
        before = snapshot(template)
        template.active = active
        await persist.save(
            template, actor=actor, before=before, action="activate" if active else "deactivate", conn=conn
        )
    return template


async def _deactivate_others(
    *, actor: Actor | None, key: str, keep: uuid.UUID, conn: BaseDBAsyncClient
) -> None:
    others = await ChecklistTemplate.filter(key=key, active=True).exclude(id=keep).using_db(conn)
    for other in others:
        before = snapshot(other)
        other.active = False
        await persist.save(other, actor=actor, before=before, action="deactivate", conn=conn)


# --- standard phrase book -------------------------------------------------------------------


async def _active_book_row(conn: BaseDBAsyncClient | None = None) -> StandardPhraseBook | None:
    query = StandardPhraseBook.filter(active=True, deleted=False).order_by("-version_label", "-created_at")
    if conn is not None:
        query = query.using_db(conn)
    return await query.first()


async def phrase_book() -> PhraseBook:
    """The active phrase book; the one shipped with the server until an administrator stores one."""
    row = await _active_book_row()
    return parse_phrases(row.document) if row is not None else load_seed_phrases()


async def set_phrase_book(*, actor: Actor, document: object) -> StandardPhraseBook:
    """Replace the active phrase book; storing the active content again changes nothing."""
    require(actor, *DESK)
    book = parse_phrases(cast(Mapping[str, Any], document))  # a non-object is reported as invalid
    return await _store_phrase_book(actor=actor, book=book)


async def _store_phrase_book(*, actor: Actor | None, book: PhraseBook) -> StandardPhraseBook:
    stored = book.to_dict()
    async with in_transaction() as conn:
        current = await _active_book_row(conn)
        if current is not None and current.document == stored:
            return current
        for old in await StandardPhraseBook.filter(active=True).using_db(conn):
            before = snapshot(old)
            old.active = False
            await persist.save(old, actor=actor, before=before, action="deactivate", conn=conn)
        row = StandardPhraseBook(version_label=book.version, document=stored, active=True)
        await persist.save(row, actor=actor, conn=conn)
    return row


async def render_phrase(*, situation: str, lang: str, values: object = None) -> str:
    """The phrase for `situation` in `lang` with its placeholders filled from `values` (an object)."""
    values = {} if values is None else values
    if not isinstance(values, Mapping):
        raise ValidationFailed("`values` must be an object of placeholder name to text.", field="values")
    book = await phrase_book()
    return book.render(situation, lang=lang, **{str(k): v for k, v in values.items()})


# --- seeding --------------------------------------------------------------------------------


async def seed_defaults(*, actor: Actor | None = None) -> None:
    """Store the shipped etiquette checklist and phrase book when none are stored yet.

    Runs at install time without a signed-in user, so it skips the role checks.
    """
    seed = load_seed_template()
    async with in_transaction() as conn:
        if not await ChecklistTemplate.filter(key=seed.key).using_db(conn).exists():
            await _store_template(actor=actor, doc=seed, id=None, conn=conn)
    if not await StandardPhraseBook.exists():
        await _store_phrase_book(actor=actor, book=load_seed_phrases())
