"""Checklist templates and the standard phrase book: parsing, validation and helpers.

The JSON formats are described by ``schema/checklist-template.schema.json`` and
``schema/standard-phrases.schema.json``. This module enforces the same rules without third-party
dependencies, adds the one rule JSON Schema cannot express (item keys unique across all phases),
and turns documents into frozen dataclasses. Every problem is reported with its JSON path.
"""

from __future__ import annotations

import functools
import json
import re
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, fields
from importlib import resources
from typing import Any, Literal, cast

from server.core.errors import NotFound, ValidationFailed

EvidenceKind = Literal["check", "photo", "text", "customer_confirm"]
EVIDENCE_KINDS: tuple[EvidenceKind, ...] = ("check", "photo", "text", "customer_confirm")
PHASE_KEYS: tuple[str, ...] = (
    "before_leaving", "appointment", "arrival", "at_the_door", "entering",
    "diagnosis", "working", "installation", "finishing",
)  # fmt: skip
PHRASE_SITUATIONS: tuple[str, ...] = (
    "appointment_call", "offer_other_time", "running_late", "introduce_at_door",
    "ask_change_shoes", "ask_fault_description", "cause_being_checked", "our_fault_in_progress",
    "our_fault_fixed_apology", "customer_side_cause", "third_party_cause", "fault_resolved_summary",
    "cannot_solve_on_site", "question_needs_follow_up", "fault_complaint", "repeat_fault_complaint",
    "slow_repair_complaint", "ask_use_customer_tools", "ask_move_belongings", "ask_customer_help",
    "confirm_install_location", "agree_cable_route", "unsuitable_install_location",
    "request_not_allowed", "ask_customer_to_test", "cannot_finish_today",
    "property_damage_apology", "decline_gifts", "farewell_hotline",
)  # fmt: skip
PLACEHOLDERS: frozenset[str] = frozenset({"technician", "company", "hotline", "next_visit", "time", "cause"})
INVALID_TEMPLATE = "INVALID_TEMPLATE"
KEY_MAX_LENGTH = 64

_KEY_RE = re.compile(r"[a-z][a-z0-9]*(?:_[a-z0-9]+)*")
_PLACEHOLDER_RE = re.compile(r"\{([^{}]*)\}")
_CONTENT_PACKAGE = "server.checklists.content"


@dataclass(frozen=True, slots=True)
class LocalizedText:
    en: str
    zh_cn: str

    def get(self, lang: str) -> str:
        """Text for `lang`: any Chinese tag (zh, zh-CN, zh_Hans...) gives zh-CN, anything else English."""
        primary = lang.replace("_", "-").split("-", 1)[0].strip().lower()
        return self.zh_cn if primary == "zh" else self.en

    def to_dict(self) -> dict[str, str]:
        return {"en": self.en, "zh-CN": self.zh_cn}


class _Document:
    """JSON form of the document dataclasses: field order kept, absent optional fields left out."""

    __slots__ = ()

    def to_dict(self) -> dict[str, Any]:
        out: dict[str, Any] = {}
        for field in fields(cast(Any, self)):
            value = getattr(self, field.name)
            if isinstance(value, tuple):
                out[field.name] = [v.to_dict() for v in value]
            elif isinstance(value, LocalizedText):
                out[field.name] = value.to_dict()
            elif value is not None:
                out[field.name] = value
        return out


@dataclass(frozen=True, slots=True)
class ChecklistItem(_Document):
    key: str
    required: bool
    evidence: EvidenceKind
    text: LocalizedText
    hint: LocalizedText | None = None
    phrase: str | None = None


@dataclass(frozen=True, slots=True)
class ChecklistPhase(_Document):
    key: str
    title: LocalizedText
    items: tuple[ChecklistItem, ...]


@dataclass(frozen=True, slots=True)
class ChecklistTemplateDoc(_Document):
    key: str
    version: int
    title: LocalizedText
    phases: tuple[ChecklistPhase, ...]

    def items(self) -> Iterator[ChecklistItem]:
        """All items in display order."""
        for phase in self.phases:
            yield from phase.items

    def item(self, key: str) -> ChecklistItem:
        for candidate in self.items():
            if candidate.key == key:
                return candidate
        raise KeyError(key)

    def required_item_keys(self) -> frozenset[str]:
        return frozenset(i.key for i in self.items() if i.required)


@dataclass(frozen=True, slots=True)
class StandardPhrase(_Document):
    situation: str
    title: LocalizedText
    text: LocalizedText


@dataclass(frozen=True, slots=True)
class PhraseBook(_Document):
    version: int
    phrases: tuple[StandardPhrase, ...]

    def situations(self) -> frozenset[str]:
        return frozenset(p.situation for p in self.phrases)

    def get(self, situation: str) -> StandardPhrase:
        for phrase in self.phrases:
            if phrase.situation == situation:
                return phrase
        raise NotFound(f"no standard phrase for situation {situation!r}", situation=situation)

    def render(self, situation: str, *, lang: str, **values: object) -> str:
        """The phrase for `situation` in `lang` (English when the language is not available).

        Documented placeholders are filled from `values`; a missing or blank value raises
        ValidationFailed. Unknown placeholders are dropped and the spacing tidied; unused values are ignored.
        """
        text = self.get(situation).text.get(lang)
        names = _PLACEHOLDER_RE.findall(text)
        if missing := sorted({n for n in names if n in PLACEHOLDERS and _is_blank(values.get(n))}):
            message = f"phrase {situation!r} needs a value for: {', '.join(missing)}"
            raise ValidationFailed(message, situation=situation, missing=missing)
        rendered = _PLACEHOLDER_RE.sub(
            lambda m: str(values[m.group(1)]).strip() if m.group(1) in PLACEHOLDERS else "", text
        )
        if any(n not in PLACEHOLDERS for n in names):
            rendered = re.sub(r"[ \t]{2,}", " ", rendered)
            rendered = re.sub(r"\s+([,.;:!?，。；：！？])", r"\1", rendered).strip()
        return rendered


def _is_blank(value: object) -> bool:
    return value is None or not str(value).strip()


def _join(path: str, name: str) -> str:
    return f"{path}.{name}" if path else name


class _Parser:
    """Walks a document leniently, collecting every problem with its JSON path."""

    def __init__(self) -> None:
        self.problems: list[str] = []

    def fail(self, path: str, message: str) -> None:
        self.problems.append(f"{path or '(root)'}: {message}")

    def obj(
        self, value: Any, path: str, required: Sequence[str], optional: Sequence[str] = ()
    ) -> Mapping[str, Any]:
        if not isinstance(value, Mapping):
            self.fail(path, "must be an object")
            return {}
        for name in [n for n in required if n not in value]:
            self.fail(_join(path, name), "is required")
        for name in [n for n in value if n not in required and n not in optional]:
            self.fail(_join(path, str(name)), "is not an allowed property")
        return value

    def string(
        self, raw: Mapping[str, Any], name: str, path: str, allowed: Sequence[str] | None = None
    ) -> str:
        """A key field (snake_case) or, with `allowed`, an enumerated field."""
        value = raw.get(name)
        if allowed is not None and name in raw and value not in allowed:
            self.fail(_join(path, name), f"must be one of: {', '.join(allowed)}")
        elif allowed is None and name in raw and not _is_key(value):
            self.fail(
                _join(path, name),
                f"must be a lowercase snake_case key of at most {KEY_MAX_LENGTH} characters",
            )
        return value if isinstance(value, str) else ""

    def version(self, raw: Mapping[str, Any]) -> int:
        value: Any = raw.get("version")
        if isinstance(value, float) and value.is_integer():
            value = int(value)
        ok = isinstance(value, int) and not isinstance(value, bool) and value >= 1
        if "version" in raw and not ok:
            self.fail("version", "must be an integer of at least 1")
        return int(value) if ok else 0

    def text(self, raw: Mapping[str, Any], name: str, path: str, *, phrase: bool = False) -> LocalizedText:
        here = _join(path, name)
        value = self.obj(raw[name], here, ("en", "zh-CN")) if name in raw else {}
        texts: list[str] = []
        for lang in ("en", "zh-CN"):
            s = value.get(lang)
            if lang in value and not (isinstance(s, str) and s.strip()):
                self.fail(f"{here}.{lang}", "must be a non-empty string")
            elif phrase and isinstance(s, str):
                self._placeholders(s, f"{here}.{lang}")
            texts.append(s if isinstance(s, str) else "")
        return LocalizedText(*texts)

    def _placeholders(self, text: str, path: str) -> None:
        unknown = [n for n in _PLACEHOLDER_RE.findall(text) if n not in PLACEHOLDERS]
        if unknown:
            allowed = ", ".join(sorted(PLACEHOLDERS))
            self.fail(path, f"unknown placeholder {{{unknown[0]}}} (allowed: {allowed})")
        if re.search(r"[{}]", _PLACEHOLDER_RE.sub("", text)):
            self.fail(path, "contains an unmatched curly brace")

    def array(self, raw: Mapping[str, Any], name: str, path: str = "") -> list[Any]:
        value = raw.get(name, [None])
        if not isinstance(value, list) or not value:
            self.fail(_join(path, name), "must be a non-empty array")
        return value if isinstance(value, list) and name in raw else []

    def unique(self, value: str, seen: dict[str, str], path: str, what: str) -> None:
        if value and value in seen:
            self.fail(path, f"duplicate {what} {value!r} (first used at {seen[value]})")
        seen.setdefault(value, path)

    def raise_if_any(self, what: str) -> None:
        if self.problems:
            message = f"{what} is invalid: " + "; ".join(self.problems)
            raise ValidationFailed(message, code=INVALID_TEMPLATE, problems=self.problems)


def _is_key(value: object) -> bool:
    return isinstance(value, str) and len(value) <= KEY_MAX_LENGTH and _KEY_RE.fullmatch(value) is not None


def _parse_item(p: _Parser, value: Any, path: str, seen: dict[str, str]) -> ChecklistItem:
    raw = p.obj(value, path, ("key", "required", "evidence", "text"), ("hint", "phrase"))
    key = p.string(raw, "key", path)
    p.unique(key, seen, f"{path}.key", "item key")
    if "required" in raw and not isinstance(raw["required"], bool):
        p.fail(f"{path}.required", "must be true or false")
    return ChecklistItem(
        key=key,
        required=raw.get("required") is True,
        evidence=cast(EvidenceKind, p.string(raw, "evidence", path, EVIDENCE_KINDS)),
        text=p.text(raw, "text", path),
        hint=p.text(raw, "hint", path) if "hint" in raw else None,
        phrase=p.string(raw, "phrase", path, PHRASE_SITUATIONS) if "phrase" in raw else None,
    )


def parse_template(data: Mapping[str, Any]) -> ChecklistTemplateDoc:
    """Validate a checklist template; raises ValidationFailed (INVALID_TEMPLATE) listing all problems."""
    p = _Parser()
    raw = p.obj(data, "", ("key", "version", "title", "phases"))
    key, version, title = p.string(raw, "key", ""), p.version(raw), p.text(raw, "title", "")
    phases: list[ChecklistPhase] = []
    seen_phases: dict[str, str] = {}
    seen_items: dict[str, str] = {}
    for i, value in enumerate(p.array(raw, "phases")):
        path = f"phases[{i}]"
        phase = p.obj(value, path, ("key", "title", "items"))
        phase_key = p.string(phase, "key", path, PHASE_KEYS)
        p.unique(phase_key, seen_phases, f"{path}.key", "phase key")
        items = [
            _parse_item(p, v, f"{path}.items[{j}]", seen_items)
            for j, v in enumerate(p.array(phase, "items", path))
        ]
        phases.append(ChecklistPhase(phase_key, p.text(phase, "title", path), tuple(items)))
    p.raise_if_any("checklist template")
    return ChecklistTemplateDoc(key, version, title, tuple(phases))


def parse_phrases(data: Mapping[str, Any]) -> PhraseBook:
    """Validate a standard phrase book; raises ValidationFailed (INVALID_TEMPLATE) listing all problems."""
    p = _Parser()
    raw = p.obj(data, "", ("version", "phrases"))
    version = p.version(raw)
    phrases: list[StandardPhrase] = []
    seen: dict[str, str] = {}
    for i, value in enumerate(p.array(raw, "phrases")):
        path = f"phrases[{i}]"
        entry = p.obj(value, path, ("situation", "title", "text"))
        situation = p.string(entry, "situation", path, PHRASE_SITUATIONS)
        p.unique(situation, seen, f"{path}.situation", "situation")
        title, text = p.text(entry, "title", path), p.text(entry, "text", path, phrase=True)
        phrases.append(StandardPhrase(situation, title, text))
    p.raise_if_any("standard phrase book")
    return PhraseBook(version, tuple(phrases))


def answer_is_acceptable(item: ChecklistItem, answer: Any) -> bool:
    """check/customer_confirm need True, text a non-blank string, photo a non-empty list of photo ids."""
    if item.evidence == "text":
        return isinstance(answer, str) and not _is_blank(answer)
    if item.evidence == "photo":
        photos = answer if isinstance(answer, list | tuple) else []
        return bool(photos) and all(isinstance(photo, str) and not _is_blank(photo) for photo in photos)
    return answer is True


def missing_required(template: ChecklistTemplateDoc, answers: Mapping[str, Any]) -> list[str]:
    """Keys of required items without an acceptable answer, in display order."""
    return [i.key for i in template.items() if i.required and not answer_is_acceptable(i, answers.get(i.key))]


def _read_content(name: str) -> Any:
    return json.loads(resources.files(_CONTENT_PACKAGE).joinpath(name).read_text(encoding="utf-8"))


@functools.cache
def load_seed_template() -> ChecklistTemplateDoc:
    """The seeded technician etiquette checklist shipped with the server."""
    return parse_template(_read_content("etiquette.json"))


@functools.cache
def load_seed_phrases() -> PhraseBook:
    """The seeded standard phrase book shipped with the server."""
    return parse_phrases(_read_content("phrases.json"))
