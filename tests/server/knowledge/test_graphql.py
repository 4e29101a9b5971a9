from __future__ import annotations

from typing import Any

from server.core.roles import Role
from server.knowledge.models import SolutionUse
from server.workorders.models import Status
from tests.factories import make_knowledge_entry, make_user, make_work_order
from tests.server.knowledge._entries import seed

SEARCH = """
query($q: String!, $first: Int, $after: String) {
  knowledgeSearch(text: $q, first: $first, after: $after) {
    totalCount pageInfo { hasNextPage endCursor } nodes { score entry { id symptomZh } }
  }
}
"""
CREATE = """
mutation($wo: ID!) {
  createKnowledgeFromWorkOrder(input: {workOrderId: $wo, problemType: HARDWARE, systemType: "ONU",
                                       texts: {symptomEn: "ONU red LOS light"}}) {
    id problemType symptomZh symptomEn solutionEn linkedWorkOrderIds
  }
}
"""
MERGE = "mutation($s: ID!, $t: ID!) { mergeKnowledge(sourceId: $s, targetId: $t) { id symptomZh } }"
ATTACH = (
    "mutation($wo: ID!, $e: ID!) { attachSolution(workOrderId: $wo, entryId: $e) { workOrderId entryId } }"
)
USED = "query($wo: ID!) { solutionsUsed(workOrderId: $wo) { totalCount nodes { entryId } } }"
PULL = "{ pullKnowledgeEntries(limit: 500) { documents } }"


async def test_technician_searches_page_by_page(db: Any, as_user: Any) -> None:
    entries = await seed()
    phone = await as_user(await make_user())
    first = (await phone.data(SEARCH, {"q": "光猫 红灯", "first": 1}))["knowledgeSearch"]
    assert first["totalCount"] == 3
    assert first["nodes"][0]["entry"]["id"] == str(entries["los"].id)
    assert first["pageInfo"]["hasNextPage"] is True
    rest = (await phone.data(SEARCH, {"q": "光猫 红灯", "after": first["pageInfo"]["endCursor"]}))[
        "knowledgeSearch"
    ]
    assert [n["entry"]["id"] for n in rest["nodes"]] == [str(entries["pon"].id), str(entries["stb"].id)]
    assert first["nodes"][0]["score"] > rest["nodes"][0]["score"] >= rest["nodes"][1]["score"]
    assert await phone.error_code(SEARCH, {"q": "光猫", "after": "garbage"}) == "BAD_CURSOR"


async def test_desk_writes_up_and_merges_technician_attaches(db: Any, as_user: Any) -> None:
    tech = await make_user()
    order = await make_work_order(
        assigned_to=tech,
        status=Status.CLOSED,
        symptom="光猫红灯闪烁",
        resolution="Re-spliced the fibre",
    )
    desk = await as_user(await make_user(Role.DISPATCHER))
    created = (await desk.data(CREATE, {"wo": str(order.id)}))["createKnowledgeFromWorkOrder"]
    assert created["problemType"] == "HARDWARE"
    assert (created["symptomZh"], created["symptomEn"], created["solutionEn"]) == (
        "光猫红灯闪烁",
        "ONU red LOS light",
        "Re-spliced the fibre",
    )
    assert created["linkedWorkOrderIds"] == [str(order.id)]

    other = await make_knowledge_entry(symptom_zh="光猫LOS灯常亮")
    merged = (await desk.data(MERGE, {"s": str(other.id), "t": created["id"]}))["mergeKnowledge"]
    assert merged == {"id": created["id"], "symptomZh": "光猫红灯闪烁\n光猫LOS灯常亮"}

    phone = await as_user(tech)
    assert await phone.error_code(CREATE, {"wo": str(order.id)}) == "FORBIDDEN"
    assert await phone.error_code(MERGE, {"s": created["id"], "t": str(other.id)}) == "FORBIDDEN"
    attached = (await phone.data(ATTACH, {"wo": str(order.id), "e": created["id"]}))["attachSolution"]
    assert attached == {"workOrderId": str(order.id), "entryId": created["id"]}
    assert (await phone.data(USED, {"wo": str(order.id)}))["solutionsUsed"] == {
        "totalCount": 1,
        "nodes": [{"entryId": created["id"]}],
    }
    stranger = await as_user(await make_user())
    assert await stranger.error_code(ATTACH, {"wo": str(order.id), "e": created["id"]}) == "NOT_FOUND"
    assert await stranger.error_code(USED, {"wo": str(order.id)}) == "NOT_FOUND"
    assert await SolutionUse.all().count() == 1


async def test_entries_replicate_to_phones_without_order_links(db: Any, as_user: Any) -> None:
    order = await make_work_order(assigned_to=await make_user(), status=Status.CLOSED)
    entry = await make_knowledge_entry(symptom_zh="机顶盒无信号", linked_order_ids=[str(order.id)])
    phone = await as_user(await make_user())
    [doc] = (await phone.data(PULL))["pullKnowledgeEntries"]["documents"]
    assert doc["id"] == str(entry.id)
    assert doc["symptomZh"] == "机顶盒无信号"
    assert doc["searchTerms"] == entry.search_terms
    assert doc["problemType"] == "hardware"
    assert doc["mergedIntoId"] is None
    assert str(order.id) not in str(doc)
    shown = await phone.data(
        "query($id: ID!) { knowledgeEntry(id: $id) { linkedWorkOrderIds } }", {"id": str(entry.id)}
    )
    assert shown["knowledgeEntry"]["linkedWorkOrderIds"] == []
