from __future__ import annotations

import copy
import json
import re
from collections.abc import Callable
from importlib import resources
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from server.checklists.template_format import (
    EVIDENCE_KINDS,
    PHASE_KEYS,
    PHRASE_SITUATIONS,
    PLACEHOLDERS,
    ChecklistItem,
    ChecklistPhase,
    ChecklistTemplateDoc,
    LocalizedText,
    PhraseBook,
    StandardPhrase,
    answer_is_acceptable,
    load_seed_phrases,
    load_seed_template,
    missing_required,
    parse_phrases,
    parse_template,
)
from server.core.errors import NotFound, ValidationFailed

SCHEMA_DIR = Path(__file__).resolve().parents[3] / "schema"
T = {"en": "Text", "zh-CN": "文本"}
Path_ = tuple[str | int, ...]


def _schema(name: str) -> Draft202012Validator:
    schema = json.loads((SCHEMA_DIR / f"{name}.schema.json").read_text(encoding="utf-8"))
    Draft202012Validator.check_schema(schema)
    return Draft202012Validator(schema)


TEMPLATE_SCHEMA = _schema("checklist-template")
PHRASES_SCHEMA = _schema("standard-phrases")


def _content(name: str) -> Any:
    return json.loads(resources.files("server.checklists.content").joinpath(name).read_text(encoding="utf-8"))


def _template() -> dict[str, Any]:
    return {
        "key": "mini",
        "version": 1,
        "title": dict(T),
        "phases": [
            {
                "key": "before_leaving",
                "title": dict(T),
                "items": [
                    {"key": "uniform", "required": True, "evidence": "check", "text": dict(T)},
                    {
                        "key": "tool_bag",
                        "required": False,
                        "evidence": "photo",
                        "text": dict(T),
                        "hint": dict(T),
                        "phrase": "decline_gifts",
                    },
                ],
            },
            {
                "key": "finishing",
                "title": dict(T),
                "items": [{"key": "notes", "required": False, "evidence": "text", "text": dict(T)}],
            },
        ],
    }


def _phrases() -> dict[str, Any]:
    return {
        "version": 1,
        "phrases": [
            {
                "situation": "farewell_hotline",
                "title": dict(T),
                "text": {"en": "Call {hotline}, {technician}.", "zh-CN": "请拨打{hotline}。"},
            },
            {"situation": "decline_gifts", "title": dict(T), "text": dict(T)},
        ],
    }


def _parent(doc: Any, path: Path_) -> Any:
    for step in path[:-1]:
        doc = doc[step]
    return doc


def setting(path: Path_, value: Any) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        _parent(doc, path)[path[-1]] = copy.deepcopy(value)

    return mutate


def dropping(path: Path_) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        del _parent(doc, path)[path[-1]]

    return mutate


def copying(source: Path_, target: Path_) -> Callable[[dict[str, Any]], None]:
    def mutate(doc: dict[str, Any]) -> None:
        _parent(doc, target)[target[-1]] = copy.deepcopy(_parent(doc, source)[source[-1]])

    return mutate


ITEM0: Path_ = ("phases", 0, "items", 0)

INVALID_TEMPLATES = [
    pytest.param(dropping((*ITEM0, "text", "zh-CN")), "phases[0].items[0].text.zh-CN", id="missing-zh-CN"),
    pytest.param(setting((*ITEM0, "text", "zh-CN"), "  "), "phases[0].items[0].text.zh-CN", id="blank-zh-CN"),
    pytest.param(setting(("title", "en"), ""), "title.en", id="empty-title"),
    pytest.param(setting(("title", "fr"), "Texte"), "title.fr", id="extra-language"),
    pytest.param(copying(ITEM0, ("phases", 0, "items", 1)), "phases[0].items[1].key", id="duplicate-item"),
    pytest.param(setting(("phases", 1, "key"), "before_leaving"), "phases[1].key", id="duplicate-phase"),
    pytest.param(
        setting((*ITEM0, "evidence"), "video"), "phases[0].items[0].evidence", id="unknown-evidence"
    ),
    pytest.param(setting(("colour",), "red"), "colour", id="extra-root-property"),
    pytest.param(setting((*ITEM0, "weight"), 1), "phases[0].items[0].weight", id="extra-item-property"),
    pytest.param(setting(("phases", 0, "icon"), "x"), "phases[0].icon", id="extra-phase-property"),
    pytest.param(setting((*ITEM0, "key"), "Uniform"), "phases[0].items[0].key", id="key-uppercase"),
    pytest.param(setting((*ITEM0, "key"), "tool-bag"), "phases[0].items[0].key", id="key-hyphen"),
    pytest.param(setting((*ITEM0, "key"), "_uniform"), "phases[0].items[0].key", id="key-leading-underscore"),
    pytest.param(setting((*ITEM0, "key"), "tool__bag"), "phases[0].items[0].key", id="key-double-underscore"),
    pytest.param(setting((*ITEM0, "key"), "a" * 65), "phases[0].items[0].key", id="key-too-long"),
    pytest.param(setting(("key",), "Etiquette list"), "key", id="template-key"),
    pytest.param(setting(("phases",), []), "phases", id="empty-phases"),
    pytest.param(setting(("phases",), {}), "phases", id="phases-not-array"),
    pytest.param(setting(("phases", 0, "items"), []), "phases[0].items", id="empty-items"),
    pytest.param(dropping((*ITEM0, "text")), "phases[0].items[0].text", id="missing-text"),
    pytest.param(dropping((*ITEM0, "required")), "phases[0].items[0].required", id="missing-required"),
    pytest.param(setting((*ITEM0, "required"), "yes"), "phases[0].items[0].required", id="required-string"),
    pytest.param(setting((*ITEM0, "required"), 1), "phases[0].items[0].required", id="required-int"),
    pytest.param(setting(("version",), 0), "version", id="version-zero"),
    pytest.param(setting(("version",), "1"), "version", id="version-string"),
    pytest.param(setting(("version",), True), "version", id="version-bool"),
    pytest.param(setting(("phases", 0, "key"), "lunch_break"), "phases[0].key", id="unknown-phase"),
    pytest.param(
        setting((*ITEM0, "phrase"), "sing_a_song"), "phases[0].items[0].phrase", id="unknown-phrase"
    ),
    pytest.param(setting((*ITEM0, "hint"), "Be quick"), "phases[0].items[0].hint", id="hint-not-object"),
]

INVALID_PHRASES = [
    pytest.param(dropping(("phrases", 0, "text", "zh-CN")), "phrases[0].text.zh-CN", id="missing-zh-CN"),
    pytest.param(setting(("phrases", 1, "title", "en"), " "), "phrases[1].title.en", id="blank-title"),
    pytest.param(setting(("phrases", 1, "situation"), "farewell_hotline"), "phrases[1].situation", id="dup"),
    pytest.param(setting(("phrases", 0, "situation"), "small_talk"), "phrases[0].situation", id="unknown"),
    pytest.param(
        setting(("phrases", 0, "text", "en"), "Hi {customer}"), "phrases[0].text.en", id="unknown-ph"
    ),
    pytest.param(
        setting(("phrases", 0, "text", "en"), "Hi { hotline }"), "phrases[0].text.en", id="spaced-ph"
    ),
    pytest.param(
        setting(("phrases", 0, "text", "zh-CN"), "热线{hotline"), "phrases[0].text.zh-CN", id="brace"
    ),
    pytest.param(setting(("phrases", 0, "text", "en"), "a } b"), "phrases[0].text.en", id="closing-brace"),
    pytest.param(setting(("phrases", 0, "tone"), "warm"), "phrases[0].tone", id="extra-property"),
    pytest.param(setting(("phrases",), []), "phrases", id="empty-phrases"),
    pytest.param(setting(("version",), 0), "version", id="version-zero"),
    pytest.param(dropping(("phrases", 0, "title")), "phrases[0].title", id="missing-title"),
]


def test_baseline_documents_are_valid_for_both_validators() -> None:
    assert list(TEMPLATE_SCHEMA.iter_errors(_template())) == []
    assert parse_template(_template()).to_dict() == _template()
    assert list(PHRASES_SCHEMA.iter_errors(_phrases())) == []
    assert parse_phrases(_phrases()).to_dict() == _phrases()


@pytest.mark.parametrize(("mutate", "path"), INVALID_TEMPLATES)
def test_invalid_template_rejected_by_schema_and_parser(
    mutate: Callable[[dict[str, Any]], None], path: str
) -> None:
    doc = _template()
    mutate(doc)
    assert list(TEMPLATE_SCHEMA.iter_errors(doc)), "JSON Schema accepted an invalid template"
    with pytest.raises(ValidationFailed) as caught:
        parse_template(doc)
    assert caught.value.code == "INVALID_TEMPLATE"
    assert any(p.startswith(f"{path}: ") for p in caught.value.details["problems"]), caught.value.message


@pytest.mark.parametrize(("mutate", "path"), INVALID_PHRASES)
def test_invalid_phrases_rejected_by_schema_and_parser(
    mutate: Callable[[dict[str, Any]], None], path: str
) -> None:
    doc = _phrases()
    mutate(doc)
    assert list(PHRASES_SCHEMA.iter_errors(doc)), "JSON Schema accepted an invalid phrase book"
    with pytest.raises(ValidationFailed) as caught:
        parse_phrases(doc)
    assert caught.value.code == "INVALID_TEMPLATE"
    assert any(p.startswith(f"{path}: ") for p in caught.value.details["problems"]), caught.value.message


def test_item_keys_must_be_unique_across_phases() -> None:
    doc = _template()
    doc["phases"][1]["items"][0]["key"] = "uniform"
    # JSON Schema cannot compare values across array elements; the parser enforces this rule.
    assert list(TEMPLATE_SCHEMA.iter_errors(doc)) == []
    with pytest.raises(
        ValidationFailed, match=re.escape("phases[1].items[0].key: duplicate item key 'uniform'")
    ):
        parse_template(doc)


def test_every_problem_is_listed_with_its_path() -> None:
    doc = _template()
    doc["phases"][2:] = [
        {"key": "arrival", "title": {"en": "Arrival"}, "items": [{"key": "x", "evidence": "x"}]}
    ]
    doc["phases"][0]["items"][0]["text"]["zh-CN"] = ""
    with pytest.raises(ValidationFailed) as caught:
        parse_template(doc)
    problems = caught.value.details["problems"]
    for expected in (
        "phases[0].items[0].text.zh-CN: must be a non-empty string",
        "phases[2].title.zh-CN: is required",
        "phases[2].items[0].required: is required",
        "phases[2].items[0].text: is required",
        "phases[2].items[0].evidence: must be one of: check, photo, text, customer_confirm",
    ):
        assert expected in problems
        assert expected in caught.value.message
    assert len(problems) == 5


def test_schema_enumerations_match_the_parser() -> None:
    defs = TEMPLATE_SCHEMA.schema["$defs"]
    assert tuple(defs["phaseKey"]["enum"]) == PHASE_KEYS
    assert tuple(defs["evidence"]["enum"]) == EVIDENCE_KINDS
    assert tuple(defs["phraseSituation"]["enum"]) == PHRASE_SITUATIONS
    assert tuple(PHRASES_SCHEMA.schema["$defs"]["situation"]["enum"]) == PHRASE_SITUATIONS
    pattern = PHRASES_SCHEMA.schema["$defs"]["phraseString"]["pattern"]
    assert set(re.findall(r"[a-z_]+", pattern.split("(?:", 2)[2])) == PLACEHOLDERS
    for name in PLACEHOLDERS:
        assert f"{{{name}}}" in PHRASES_SCHEMA.schema["description"]
    for phase in ("before_leaving", "arrival", "at_the_door", "entering", "working", "finishing"):
        assert phase in PHASE_KEYS


def test_seed_documents_validate_with_schema_and_parser() -> None:
    template_json, phrases_json = _content("etiquette.json"), _content("phrases.json")
    assert list(TEMPLATE_SCHEMA.iter_errors(template_json)) == []
    assert list(PHRASES_SCHEMA.iter_errors(phrases_json)) == []
    assert load_seed_template() == parse_template(template_json)
    assert load_seed_template().to_dict() == template_json
    assert load_seed_phrases().to_dict() == phrases_json


def test_seed_template_shape() -> None:
    template = load_seed_template()
    assert template.key == "etiquette"
    assert [p.key for p in template.phases] == list(PHASE_KEYS)
    assert 12 <= len(template.required_item_keys()) <= 18
    assert {
        "uniform",
        "badge",
        "protective_sheet",
        "customer_tested_service",
    } <= template.required_item_keys()
    assert template.item("protective_sheet").evidence == "photo"
    assert template.item("work_area_cleaned").evidence == "photo"
    assert template.item("customer_tested_service").evidence == "customer_confirm"
    assert all(not i.required for i in template.phases[PHASE_KEYS.index("installation")].items)
    next_visit = template.item("next_visit_arranged")
    assert (next_visit.required, next_visit.evidence, next_visit.phrase) == (
        False,
        "text",
        "cannot_finish_today",
    )
    with pytest.raises(KeyError):
        template.item("juggling")


def test_seed_phrases_cover_every_situation_and_template_reference() -> None:
    book = load_seed_phrases()
    assert book.situations() == frozenset(PHRASE_SITUATIONS)
    referenced = {i.phrase for i in load_seed_template().items() if i.phrase}
    assert referenced <= book.situations()
    for phrase in book.phrases:
        assert re.search(r"[\u4e00-\u9fff]", phrase.text.zh_cn), phrase.situation
        assert not re.search(r"[\u4e00-\u9fff]", phrase.text.en), phrase.situation


def _kinds_template() -> ChecklistTemplateDoc:
    text = LocalizedText("Text", "文本")
    items = tuple(ChecklistItem(f"{kind}_item", True, kind, text) for kind in EVIDENCE_KINDS)
    optional = ChecklistItem("optional_item", False, "check", text)
    return ChecklistTemplateDoc("kinds", 1, text, (ChecklistPhase("working", text, (*items, optional)),))


@pytest.mark.parametrize(
    ("key", "answer", "ok"),
    [
        ("check_item", True, True),
        ("check_item", False, False),
        ("check_item", "yes", False),
        ("check_item", 1, False),
        ("customer_confirm_item", True, True),
        ("customer_confirm_item", None, False),
        ("text_item", "Next visit on Friday", True),
        ("text_item", "   ", False),
        ("text_item", True, False),
        ("photo_item", ["sha256:ab12"], True),
        ("photo_item", ("p1", "p2"), True),
        ("photo_item", [], False),
        ("photo_item", [""], False),
        ("photo_item", "p1", False),
        ("photo_item", [1], False),
    ],
)
def test_missing_required_per_evidence_kind(key: str, answer: Any, ok: bool) -> None:
    template = _kinds_template()
    answers = {k: v for k, v in _all_answered().items() if k != key} | {key: answer}
    assert answer_is_acceptable(template.item(key), answer) is ok
    assert missing_required(template, answers) == ([] if ok else [key])


def _all_answered() -> dict[str, Any]:
    return {"check_item": True, "photo_item": ["p1"], "text_item": "done", "customer_confirm_item": True}


def test_missing_required_lists_keys_in_display_order_and_ignores_optional_items() -> None:
    template = _kinds_template()
    assert missing_required(template, {}) == [f"{kind}_item" for kind in EVIDENCE_KINDS]
    assert missing_required(template, _all_answered()) == []
    seed = load_seed_template()
    assert set(missing_required(seed, {})) == seed.required_item_keys()
    answers = {i.key: _all_answered()[f"{i.evidence}_item"] for i in seed.items() if i.required}
    assert missing_required(seed, answers) == []


def test_render_fills_placeholders_in_both_languages() -> None:
    book = load_seed_phrases()
    assert book.render("farewell_hotline", lang="en", hotline="400-800-1234") == (
        "Thank you for your help today. If you need anything, please call our service hotline on "
        "400-800-1234. Goodbye!"
    )
    assert book.render("farewell_hotline", lang="zh-CN", hotline="400-800-1234") == (
        "谢谢您的配合！以后有需要，可以直接拨打服务热线400-800-1234。再见！"
    )
    values = {"cause": "a missing part", "next_visit": "Friday 12 June", "unused": "ignored"}
    assert book.render("cannot_finish_today", lang="en", **values) == (
        "I'm sorry, because of a missing part I can't finish the work today. "
        "I'll come back on Friday 12 June."
    )
    zh = book.render("cannot_finish_today", lang="zh-CN", cause="缺少配件", next_visit="6月12日")
    assert zh == "很抱歉，由于缺少配件，今天暂时没法完成，我6月12日再过来。"
    intro = book.render("introduce_at_door", lang="zh", technician="李明", company="蓝天网络")
    assert intro.startswith("您好，我是蓝天网络的运维人员李明，")


@pytest.mark.parametrize(
    ("lang", "expected"),
    [
        ("en", "en"),
        ("zh-CN", "zh"),
        ("zh", "zh"),
        ("zh_cn", "zh"),
        ("ZH-Hans", "zh"),
        ("fr", "en"),
        ("", "en"),
    ],
)
def test_language_fallback(lang: str, expected: str) -> None:
    text = LocalizedText("Hello", "您好")
    assert text.get(lang) == {"en": "Hello", "zh": "您好"}[expected]
    book = parse_phrases(_phrases())
    rendered = book.render("decline_gifts", lang=lang)
    assert rendered == {"en": "Text", "zh": "文本"}[expected]


def test_render_missing_values_raise() -> None:
    book = load_seed_phrases()
    with pytest.raises(ValidationFailed, match="hotline") as caught:
        book.render("farewell_hotline", lang="en")
    assert caught.value.details["missing"] == ["hotline"]
    with pytest.raises(ValidationFailed, match="cause, next_visit"):
        book.render("cannot_finish_today", lang="zh-CN", cause=" ", next_visit=None)
    with pytest.raises(NotFound):
        book.render("small_talk", lang="en")


def test_render_drops_unknown_placeholders_cleanly() -> None:
    text = LocalizedText("Hello {nickname} , call {hotline} .", "您好{nickname}，请拨打{hotline}。")
    book = PhraseBook(1, (StandardPhrase("farewell_hotline", text, text),))
    assert book.render("farewell_hotline", lang="en", hotline="123", nickname="x") == "Hello, call 123."
    assert book.render("farewell_hotline", lang="zh", hotline="123") == "您好，请拨打123。"
