from __future__ import annotations

import strawberry

from server.assets.graphql import AssetType
from server.customers.graphql import CustomerType, SiteType
from server.graphql.context import Info
from server.search import service
from server.workorders.graphql_types import SlaSource, WorkOrderType


@strawberry.type
class SearchResult:
    """Bounded best-first lists (at most `first` of each kind), not pages to scroll."""

    customers: list[CustomerType]
    sites: list[SiteType]
    assets: list[AssetType]
    work_orders: list[WorkOrderType]


@strawberry.type
class Query:
    @strawberry.field
    async def search(self, info: Info, text: str, first: int = 20) -> SearchResult:
        found = await service.search(actor=info.context.require(), text=text, first=first)
        sla_source = SlaSource()  # one load of policies and calendar for every order listed
        return SearchResult(
            customers=[CustomerType.from_model(c) for c in found.customers],
            sites=[SiteType.from_model(s) for s in found.sites],
            assets=[AssetType.from_model(a) for a in found.assets],
            work_orders=[WorkOrderType.from_model(o, sla_source=sla_source) for o in found.work_orders],
        )
