from __future__ import annotations

import copy
import uuid
from typing import Any

import pytest

from server.checklists import templates
from server.checklists.models import ChecklistTemplate, StandardPhraseBook
from server.checklists.template_format import load_seed_phrases, load_seed_template
from server.core.actor import Actor
from server.core.errors import DomainError, ValidationFailed
from server.core.roles import Role
from tests.factories import actor_of, make_user

T = {"en": "Text", "zh-CN": "文本"}


def _doc(version: int = 1, key: str = "etiquette", item: str = "uniform") -> dict[str, Any]:
    return {
        "key": key,
        "version": version,
        "title": {"en": f"Checklist v{version}", "zh-CN": f"清单 {version}"},
        "phases": [
            {
                "key": "before_leaving",
                "title": dict(T),
                "items": [{"key": item, "required": True, "evidence": "check", "text": dict(T)}],
            }
        ],
    }


async def _desk() -> Actor:
    return actor_of(await make_user(Role.DISPATCHER))


async def _code(awaitable: Any) -> str:
    with pytest.raises(DomainError) as info:
        await awaitable
    return info.value.code


async def test_create_stores_version_and_titles(db: Any) -> None:
    template = await templates.create_template(actor=await _desk(), document=_doc())
    row = await ChecklistTemplate.get(id=template.id)
    assert (row.key, row.template_version, row.title_en, row.title_zh) == (
        "etiquette",
        1,
        "Checklist v1",
        "清单 1",
    )
    assert row.active
    assert templates.template_doc(row).required_item_keys() == {"uniform"}


async def test_new_version_is_a_new_row_and_deactivates_older(db: Any) -> None:
    desk = await _desk()
    v1 = await templates.create_template(actor=desk, document=_doc(1))
    other_key = await templates.create_template(actor=desk, document=_doc(1, key="survey"))
    v2 = await templates.create_template(actor=desk, document=_doc(2, item="badge"))
    assert v1.id != v2.id
    assert not (await ChecklistTemplate.get(id=v1.id)).active
    assert (await ChecklistTemplate.get(id=other_key.id)).active
    active = await templates.active_template(key="etiquette")
    assert active is not None
    assert active.id == v2.id


async def test_same_version_same_content_is_idempotent(db: Any) -> None:
    desk = await _desk()
    client_id = uuid.uuid4()
    first = await templates.create_template(actor=desk, document=_doc(), id=client_id)
    again = await templates.create_template(actor=desk, document=_doc(), id=client_id)
    assert first.id == again.id == client_id
    assert await ChecklistTemplate.all().count() == 1


async def test_same_version_other_content_conflicts(db: Any) -> None:
    desk = await _desk()
    await templates.create_template(actor=desk, document=_doc())
    assert await _code(templates.create_template(actor=desk, document=_doc(item="badge"))) == "CONFLICT"


async def test_existing_id_with_other_content_conflicts(db: Any) -> None:
    desk = await _desk()
    first = await templates.create_template(actor=desk, document=_doc())
    code = await _code(templates.create_template(actor=desk, document=_doc(2), id=first.id))
    assert code == "CONFLICT"


async def test_older_version_than_latest_is_refused(db: Any) -> None:
    desk = await _desk()
    await templates.create_template(actor=desk, document=_doc(3))
    code = await _code(templates.create_template(actor=desk, document=_doc(2)))
    assert code == "STALE_TEMPLATE_VERSION"


async def test_invalid_document_lists_problems(db: Any) -> None:
    bad = _doc()
    bad["phases"][0]["items"][0]["evidence"] = "video"
    del bad["title"]
    with pytest.raises(ValidationFailed) as info:
        await templates.create_template(actor=await _desk(), document=bad)
    assert info.value.code == "INVALID_TEMPLATE"
    assert len(info.value.details["problems"]) == 2
    assert await ChecklistTemplate.all().count() == 0


async def test_technician_and_supervisor_cannot_create_templates(db: Any) -> None:
    for role in (Role.TECHNICIAN, Role.SUPERVISOR):
        actor = actor_of(await make_user(role))
        assert await _code(templates.create_template(actor=actor, document=_doc())) == "FORBIDDEN"


async def test_activating_a_version_deactivates_the_others(db: Any) -> None:
    desk = await _desk()
    v1 = await templates.create_template(actor=desk, document=_doc(1))
    v2 = await templates.create_template(actor=desk, document=_doc(2))
    await templates.set_template_active(actor=desk, template_id=v1.id, active=True)
    assert (await ChecklistTemplate.get(id=v1.id)).active
    assert not (await ChecklistTemplate.get(id=v2.id)).active
    await templates.set_template_active(actor=desk, template_id=v1.id, active=False)
    assert await templates.active_template(key="etiquette") is None


async def test_set_active_unknown_id_is_not_found(db: Any) -> None:
    code = await _code(
        templates.set_template_active(actor=await _desk(), template_id=uuid.uuid4(), active=True)
    )
    assert code == "NOT_FOUND"


async def test_seed_defaults_stores_once(db: Any) -> None:
    await templates.seed_defaults()
    await templates.seed_defaults()
    rows = await ChecklistTemplate.all()
    assert [(r.key, r.template_version) for r in rows] == [("etiquette", load_seed_template().version)]
    assert await StandardPhraseBook.all().count() == 1


async def test_seed_defaults_keeps_an_existing_checklist(db: Any) -> None:
    await templates.create_template(actor=await _desk(), document=_doc(7))
    await templates.seed_defaults()
    assert [r.template_version for r in await ChecklistTemplate.all()] == [7]


async def test_phrase_book_falls_back_to_the_shipped_one(db: Any) -> None:
    book = await templates.phrase_book()
    assert book == load_seed_phrases()
    text = await templates.render_phrase(
        situation="farewell_hotline", lang="en", values={"hotline": "400-800-1234"}
    )
    assert "400-800-1234" in text


async def test_replacing_the_phrase_book(db: Any) -> None:
    desk = await _desk()
    document = copy.deepcopy(load_seed_phrases().to_dict())
    document["version"] = 2
    document["phrases"] = [
        {
            "situation": "farewell_hotline",
            "title": dict(T),
            "text": {"en": "Call {hotline} any time.", "zh-CN": "有事请拨打{hotline}。"},
        }
    ]
    first = await templates.set_phrase_book(actor=desk, document=document)
    again = await templates.set_phrase_book(actor=desk, document=document)
    assert first.id == again.id
    assert await templates.render_phrase(
        situation="farewell_hotline", lang="zh", values={"hotline": "110"}
    ) == ("有事请拨打110。")
    assert (
        await _code(templates.render_phrase(situation="decline_gifts", lang="en", values={})) == "NOT_FOUND"
    )


async def test_render_phrase_needs_placeholder_values(db: Any) -> None:
    code = await _code(templates.render_phrase(situation="farewell_hotline", lang="en", values={}))
    assert code == "VALIDATION_FAILED"


async def test_invalid_phrase_book_and_roles(db: Any) -> None:
    desk = await _desk()
    bad = {"version": 1, "phrases": [{"situation": "nope", "title": T, "text": T}]}
    assert await _code(templates.set_phrase_book(actor=desk, document=bad)) == "INVALID_TEMPLATE"
    tech = actor_of(await make_user())
    document = load_seed_phrases().to_dict()
    assert await _code(templates.set_phrase_book(actor=tech, document=document)) == "FORBIDDEN"


# --- GraphQL --------------------------------------------------------------------------------

CREATE = """
mutation($doc: JSON!) {
  createChecklistTemplate(document: $doc) { id key templateVersion active title(lang: "zh-CN") document }
}
"""
LIST = """
query($active: Boolean!) {
  checklistTemplates(activeOnly: $active) { totalCount nodes { templateVersion active } }
}
"""


async def test_templates_over_graphql(db: Any, as_user: Any) -> None:
    admin = await as_user(await make_user(Role.ADMIN))
    v1 = (await admin.data(CREATE, {"doc": _doc(1)}))["createChecklistTemplate"]
    assert (v1["key"], v1["templateVersion"], v1["active"], v1["title"]) == ("etiquette", 1, True, "清单 1")
    assert v1["document"] == _doc(1)
    await admin.data(CREATE, {"doc": _doc(2)})
    listed = (await admin.data(LIST, {"active": False}))["checklistTemplates"]
    assert sorted((n["templateVersion"], n["active"]) for n in listed["nodes"]) == [(1, False), (2, True)]
    active = (await admin.data(LIST, {"active": True}))["checklistTemplates"]["nodes"]
    assert active == [{"templateVersion": 2, "active": True}]
    switched = await admin.data(
        "mutation($id: ID!) { setChecklistTemplateActive(id: $id, active: true) { active } }",
        {"id": v1["id"]},
    )
    assert switched["setChecklistTemplateActive"] == {"active": True}
    bad = _doc(3)
    bad["phases"] = []
    assert await admin.error_code(CREATE, {"doc": bad}) == "INVALID_TEMPLATE"
    assert await admin.error_code(CREATE, {"doc": [1, 2]}) == "INVALID_TEMPLATE"


async def test_technician_reads_but_cannot_create_templates(db: Any, as_user: Any) -> None:
    await templates.create_template(actor=await _desk(), document=_doc())
    tech = await as_user(await make_user())
    assert await tech.error_code(CREATE, {"doc": _doc(2)}) == "FORBIDDEN"
    assert (await tech.data(LIST, {"active": True}))["checklistTemplates"]["totalCount"] == 1
    code = await tech.error_code(
        "mutation { setStandardPhrases(document: {version: 1, phrases: []}) { id } }"
    )
    assert code == "FORBIDDEN"


async def test_phrases_over_graphql(db: Any, as_user: Any) -> None:
    client = await as_user(await make_user())
    phrases = (await client.data('{ standardPhrases(lang: "en") { situation title text } }'))[
        "standardPhrases"
    ]
    farewell = next(p for p in phrases if p["situation"] == "farewell_hotline")
    assert "{hotline}" in farewell["text"]
    rendered = await client.data(
        'query($v: JSON) { renderPhrase(situation: "farewell_hotline", lang: "zh-CN", values: $v) }',
        {"v": {"hotline": "400-100-2000"}},
    )
    assert "400-100-2000" in rendered["renderPhrase"]
    code = await client.error_code('{ renderPhrase(situation: "farewell_hotline", lang: "en", values: [1]) }')
    assert code == "VALIDATION_FAILED"
