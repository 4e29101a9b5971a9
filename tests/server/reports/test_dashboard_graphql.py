"""The `dashboard` query and `generateMonthlyReport` over GraphQL: who may ask, and the shape."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from typing import Any

import pytest

from server.core.clock import set_clock
from server.core.roles import Role
from server.reports.dashboard_graphql import DashboardFilter
from tests.factories import make_user
from tests.server.reports._figures_fixture import build_month

OCTOBER = {"start": "2026-09-30T16:00:00+00:00", "end": "2026-10-31T16:00:00+00:00"}
FULL = """
query($f: DashboardFilter) { dashboard(filter: $f) {
  start end orders
  slaByTierAndLevel { slaTier faultLevel orders respond { numerator denominator rate } }
  responseTime { count averageMinutes buckets { lowerMinutes upperMinutes count } }
  satisfaction { ratings averageScore satisfied { rate } }
  technicians { technicianId displayName orders onTime { numerator denominator } }
} }
"""
REPORT = 'mutation { generateMonthlyReport(month: "2026-10") { month } }'


async def test_supervisors_see_every_figure(db: Any, as_user: Any) -> None:
    month = await build_month()
    client = await as_user(await make_user(Role.SUPERVISOR))
    d = (await client.data(FULL, {"f": OCTOBER}))["dashboard"]
    assert (d["start"], d["end"], d["orders"]) == (
        "2026-09-30T16:00:00+00:00",
        "2026-10-31T16:00:00+00:00",
        9,
    )
    assert d["slaByTierAndLevel"][0] == {
        "slaTier": "advanced",
        "faultLevel": 1,
        "orders": 1,
        "respond": {"numerator": 0, "denominator": 1, "rate": 0.0},
    }
    assert d["responseTime"]["count"] == 7
    assert d["responseTime"]["buckets"][2] == {"lowerMinutes": 30, "upperMinutes": 60, "count": 3}
    assert d["responseTime"]["buckets"][-1] == {"lowerMinutes": 480, "upperMinutes": None, "count": 0}
    assert d["satisfaction"] == {"ratings": 5, "averageScore": 4.0, "satisfied": {"rate": 0.8}}
    assert d["technicians"] == [
        {
            "technicianId": str(month.alice.id),
            "displayName": "Alice",
            "orders": 4,
            "onTime": {"numerator": 4, "denominator": 4},
        },
        {
            "technicianId": str(month.bob.id),
            "displayName": "Bob",
            "orders": 4,
            "onTime": {"numerator": 1, "denominator": 2},
        },
    ]


async def test_filters_by_customer_site_and_technician(db: Any, as_user: Any) -> None:
    month = await build_month()
    client = await as_user(await make_user(Role.DISPATCHER))
    query = "query($f: DashboardFilter) { dashboard(filter: $f) { orders } }"
    for key, value, orders in (
        ("customerId", month.c2.id, 2),
        ("siteId", month.s2.id, 3),
        ("technicianId", month.alice.id, 4),
    ):
        data = await client.data(query, {"f": {**OCTOBER, key: str(value)}})
        assert data["dashboard"]["orders"] == orders, key


@pytest.mark.parametrize("key", ["customerId", "siteId", "technicianId"])
async def test_an_id_that_is_not_a_uuid_is_not_found(db: Any, as_user: Any, key: str) -> None:
    client = await as_user(await make_user(Role.ADMIN))
    code = await client.error_code(FULL, {"f": {**OCTOBER, key: "not-a-uuid"}})
    assert code == "NOT_FOUND"


async def test_technicians_may_not_see_the_dashboard_or_make_the_report(db: Any, as_user: Any) -> None:
    client = await as_user(await make_user(Role.TECHNICIAN))
    assert await client.error_code(FULL, {"f": OCTOBER}) == "FORBIDDEN"
    assert await client.error_code(REPORT) == "FORBIDDEN"


async def test_the_dashboard_needs_sign_in(db: Any, client: Any) -> None:
    assert await client.error_code(FULL) == "UNAUTHENTICATED"
    assert await client.error_code(REPORT) == "UNAUTHENTICATED"


async def test_a_period_that_ends_before_it_starts_is_refused(db: Any, as_user: Any) -> None:
    client = await as_user(await make_user(Role.SUPERVISOR))
    backwards = {"start": OCTOBER["end"], "end": OCTOBER["start"]}
    assert await client.error_code(FULL, {"f": backwards}) == "VALIDATION_FAILED"
    assert await client.error_code('mutation { generateMonthlyReport(month: "10/2026") { month } }') == (
        "VALIDATION_FAILED"
    )


def test_without_a_period_the_last_thirty_days_are_shown() -> None:
    now = datetime(2026, 11, 5, 8, 0, tzinfo=UTC)
    set_clock(lambda: now)
    filters = DashboardFilter().to_filters()
    assert (filters.start, filters.end) == (now - timedelta(days=30), now)
