"""Knowledge entries replicate read-only to every signed-in user, so a technician searches them
with no signal. Linked work order ids stay on the server: they name other technicians' orders."""

from __future__ import annotations

from tortoise.queryset import QuerySet

from server.core.actor import Actor
from server.knowledge.models import KnowledgeEntry
from server.syncing.adapter import ModelAdapter
from server.syncing.fields import choice, ref, text
from sync.registry import Owner

D = Owner.DISPATCHER


def entries_for(actor: Actor, *, include_deleted: bool = False) -> QuerySet[KnowledgeEntry]:
    return KnowledgeEntry.all() if include_deleted else KnowledgeEntry.filter(deleted=False)


KNOWLEDGE_ENTRIES = ModelAdapter.build(
    name="knowledgeEntries",
    model=KnowledgeEntry,
    fields={
        "problemType": choice("problem_type", D),
        "systemType": text("system_type", D),
        "faultType": text("fault_type", D),
        "symptomEn": text("symptom_en", D),
        "symptomZh": text("symptom_zh", D),
        "causeEn": text("cause_en", D),
        "causeZh": text("cause_zh", D),
        "solutionEn": text("solution_en", D),
        "solutionZh": text("solution_zh", D),
        "searchTerms": text("search_terms", D),
        "mergedIntoId": ref("merged_into_id", D),
    },
    scope=entries_for,
)
