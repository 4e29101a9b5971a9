"""Every replicated collection, in one list; the engine and the GraphQL fields are built from it."""

from __future__ import annotations

from server.assets.sync import ASSETS
from server.customers.sync import CUSTOMERS, SITES
from server.syncing.adapter import ModelAdapter
from server.worklog.sync import NOTES, TIME_ENTRIES
from server.workorders.sync import WORK_ORDERS
from sync.engine import SyncEngine
from sync.notify import Notifier

ADAPTERS: list[ModelAdapter] = [CUSTOMERS, SITES, ASSETS, WORK_ORDERS, NOTES, TIME_ENTRIES]


def build_engine(notifier: Notifier | None = None) -> SyncEngine:
    engine = SyncEngine(notifier)
    for adapter in ADAPTERS:
        engine.register(adapter)
    return engine
