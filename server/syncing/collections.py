"""Every replicated collection, in one list; the engine and the GraphQL fields are built from it."""

from __future__ import annotations

from server.appointments.sync import APPOINTMENT_CHANGES, APPOINTMENTS
from server.assets.scan_sync import ASSET_SCANS
from server.assets.sync import ASSETS
from server.checklists.sync import CHECKLIST_RUNS, CHECKLIST_TEMPLATES, STANDARD_PHRASES
from server.customers.sync import CUSTOMERS, SITES
from server.feedback.sync import RATINGS
from server.knowledge.sync import KNOWLEDGE_ENTRIES
from server.media.sync import PHOTOS
from server.signatures.sync import SIGNATURES
from server.syncing.adapter import ModelAdapter
from server.worklog.sync import NOTES, TIME_ENTRIES
from server.workorders.sync import WORK_ORDERS
from sync.engine import SyncEngine
from sync.notify import Notifier

ADAPTERS: list[ModelAdapter] = [
    # Reference data (read-only on devices)
    CUSTOMERS,
    SITES,
    ASSETS,
    CHECKLIST_TEMPLATES,
    STANDARD_PHRASES,
    KNOWLEDGE_ENTRIES,
    # Field work (both ways)
    WORK_ORDERS,
    APPOINTMENTS,
    APPOINTMENT_CHANGES,
    CHECKLIST_RUNS,
    NOTES,
    TIME_ENTRIES,
    ASSET_SCANS,
    RATINGS,
    PHOTOS,
    SIGNATURES,
]


def build_engine(notifier: Notifier | None = None) -> SyncEngine:
    engine = SyncEngine(notifier)
    for adapter in ADAPTERS:
        engine.register(adapter)
    return engine
