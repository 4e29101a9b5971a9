"""On-site checklists: the template format, the seeded etiquette checklist and the standard phrases."""

from __future__ import annotations

from server.checklists.template_format import (
    EVIDENCE_KINDS,
    PHASE_KEYS,
    PHRASE_SITUATIONS,
    PLACEHOLDERS,
    ChecklistItem,
    ChecklistPhase,
    ChecklistTemplateDoc,
    EvidenceKind,
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

__all__ = [
    "EVIDENCE_KINDS",
    "PHASE_KEYS",
    "PHRASE_SITUATIONS",
    "PLACEHOLDERS",
    "ChecklistItem",
    "ChecklistPhase",
    "ChecklistTemplateDoc",
    "EvidenceKind",
    "LocalizedText",
    "PhraseBook",
    "StandardPhrase",
    "answer_is_acceptable",
    "load_seed_phrases",
    "load_seed_template",
    "missing_required",
    "parse_phrases",
    "parse_template",
]
