from __future__ import annotations

import io
from typing import Any

from PIL import Image

from server.core.roles import Role
from tests.factories import make_user
from tests.server.signatures.helpers import document, finished_order
from tests.server.syncing.helpers import push

SIGNATURES = """
query($id: ID!) {
  signatures(workOrderId: $id) {
    totalCount
    nodes { id signerName signerRelation hashMatches current supersededById pngUrl pngSha256 consentVersion }
  }
}
"""
CONSENT = "query($lang: String!) { consentTexts(lang: $lang) { version language text } }"
CONTENT = "query($id: ID!) { signedContent(workOrderId: $id) { document sha256 } }"


async def _signed_order(as_user: Any) -> tuple[Any, Any]:
    order, _ = await finished_order()
    tech = await as_user(await order.assigned_to)
    content = (await tech.data(CONTENT, {"id": str(order.id)}))["signedContent"]
    sent = document(order, content["sha256"])
    assert "rejected" not in (await push(tech, "signatures", [{"newDocumentState": sent}]))[0]
    return order, tech


async def test_the_desk_and_the_technician_see_the_signature(as_user: Any) -> None:
    order, tech = await _signed_order(as_user)
    desk = await as_user(await make_user(Role.DISPATCHER))
    for client in (tech, desk):
        found = (await client.data(SIGNATURES, {"id": str(order.id)}))["signatures"]
        assert found["totalCount"] == 1
        node = found["nodes"][0]
        assert node["signerRelation"] == "CUSTOMER"
        assert node["hashMatches"] is True
        assert node["current"] is True
        assert node["pngUrl"] == f"/media/{node['pngSha256']}"


async def test_another_technician_gets_not_found(as_user: Any) -> None:
    order, _ = await _signed_order(as_user)
    other = await as_user(await make_user(Role.TECHNICIAN))
    assert await other.error_code(SIGNATURES, {"id": str(order.id)}) == "NOT_FOUND"
    assert await other.error_code(SIGNATURES, {"id": "not-a-uuid"}) == "NOT_FOUND"
    assert await other.error_code(CONTENT, {"id": str(order.id)}) == "NOT_FOUND"


async def test_the_png_is_served_to_who_may_see_the_signature(as_user: Any) -> None:
    order, tech = await _signed_order(as_user)
    node = (await tech.data(SIGNATURES, {"id": str(order.id)}))["signatures"]["nodes"][0]
    desk = await as_user(await make_user(Role.SUPERVISOR))
    other = await as_user(await make_user(Role.TECHNICIAN))
    response = await desk.http.get(node["pngUrl"], headers={"authorization": f"Bearer {desk.token}"})
    assert response.status_code == 200
    assert response.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(response.content)).convert("L")
    assert sum(image.histogram()[:64]) > 100  # ink is there
    refused = await other.http.get(node["pngUrl"], headers={"authorization": f"Bearer {other.token}"})
    assert refused.status_code == 404


async def test_consent_texts_in_both_languages(as_user: Any) -> None:
    client = await as_user(await make_user(Role.TECHNICIAN))
    zh = (await client.data(CONSENT, {"lang": "zh-CN"}))["consentTexts"]
    en = (await client.data(CONSENT, {"lang": "en"}))["consentTexts"]
    assert zh[0]["language"] == "zh-CN"
    assert "确认" in zh[0]["text"]
    assert en[0]["language"] == "en"
    assert "I confirm" in en[0]["text"]
    assert zh[0]["version"] == en[0]["version"]
