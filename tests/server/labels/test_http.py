from __future__ import annotations

import io
import uuid
from typing import Any

import httpx
from PIL import Image

from server.core.roles import Role
from tests.factories import make_asset, make_site, make_user, make_work_order
from tests.server.labels.decode import pdf_pages, pdf_text, qr_texts

BASE = "http://testserver"  # the test settings' public base URL


async def get(client: Any, path: str, **params: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {client.token}"} if client.token else {}
    response: httpx.Response = await client.http.get(path, params=params, headers=headers)
    return response


async def test_png_and_svg_of_one_asset(db: Any, as_user: Any) -> None:
    tech = await make_user()
    site = await make_site(name="望京 SOHO")
    await make_work_order(site=site, assigned_to=tech)
    asset = await make_asset(site, name="光猫")
    client = await as_user(tech)
    png = await get(client, f"/labels/assets/{asset.id}.png", dpi="203", layout="THERMAL_50x30")
    assert png.status_code == 200
    assert png.headers["content-type"] == "image/png"
    image = Image.open(io.BytesIO(png.content))
    assert image.size == (round(50 * 203 / 25.4), round(30 * 203 / 25.4))
    assert qr_texts(image) == [f"{BASE}/a/{asset.tag_code}"]
    svg = await get(client, f"/labels/assets/{asset.id}.svg")
    assert svg.status_code == 200
    assert svg.headers["content-type"].startswith("image/svg+xml")
    assert "望京 SOHO" in svg.text
    assert 'width="63.5mm"' in svg.text


async def test_technician_cannot_print_other_sites_or_sheets(db: Any, as_user: Any) -> None:
    tech = await make_user()
    mine, other = await make_site(), await make_site()
    await make_work_order(site=mine, assigned_to=tech)
    await make_asset(mine)
    elsewhere = await make_asset(other)
    client = await as_user(tech)
    hidden = await get(client, f"/labels/assets/{elsewhere.id}.png")
    assert hidden.status_code == 404
    assert hidden.json()["code"] == "NOT_FOUND"
    for site in (mine, other):
        sheet = await get(client, "/labels/sheet.pdf", site=str(site.id))
        assert sheet.status_code == 403
        assert sheet.json()["code"] == "FORBIDDEN"


async def test_staff_print_a_site_sheet(db: Any, as_user: Any) -> None:
    site = await make_site(name="国贸三期 B 座")
    assets = [await make_asset(site, name=f"机顶盒 {i}") for i in range(22)]
    client = await as_user(await make_user(Role.DISPATCHER))
    response = await get(client, "/labels/sheet.pdf", site=str(site.id), layout="L7160")
    assert response.status_code == 200
    assert response.headers["content-type"] == "application/pdf"
    pages = pdf_pages(response.content)
    assert len(pages) == 2
    decoded = sorted(qr_texts(pages[0]) + qr_texts(pages[1]))
    assert decoded == sorted(f"{BASE}/a/{a.tag_code}" for a in assets)
    assert "国贸三期 B 座" in pdf_text(response.content)


async def test_sheet_by_ids_and_by_customer(db: Any, as_user: Any) -> None:
    site = await make_site()
    first, second = await make_asset(site), await make_asset(site)
    client = await as_user(await make_user(Role.SUPERVISOR))
    by_ids = await get(client, "/labels/sheet.pdf", ids=f"{second.id},{first.id}", layout="THERMAL_50x30")
    assert by_ids.status_code == 200
    pages = pdf_pages(by_ids.content)
    assert [qr_texts(p) for p in pages] == [[f"{BASE}/a/{second.tag_code}"], [f"{BASE}/a/{first.tag_code}"]]
    by_customer = await get(client, "/labels/sheet.pdf", customer=str(site.customer_id))  # type: ignore[attr-defined]
    assert by_customer.status_code == 200


async def test_bad_requests_say_what_is_wrong(db: Any, as_user: Any) -> None:
    site = await make_site()
    asset = await make_asset(site)
    client = await as_user(await make_user(Role.DISPATCHER))
    cases = [
        ("/labels/sheet.pdf", {"site": str(site.id), "layout": "L9999"}, 400, "L7160"),
        ("/labels/sheet.pdf", {"site": str(site.id), "customer": str(site.customer_id)}, 422, "exactly one"),  # type: ignore[attr-defined]
        ("/labels/sheet.pdf", {}, 422, "exactly one"),
        ("/labels/sheet.pdf", {"site": "not-an-id"}, 404, "not-an-id"),
        ("/labels/sheet.pdf", {"sites": str(site.id)}, 400, "'sites'"),
        ("/labels/sheet.pdf", {"site": str(site.id), "skip": "21"}, 400, "skip"),
        ("/labels/sheet.pdf", {"ids": ","}, 400, "ids"),
        ("/labels/sheet.pdf", {"site": str(uuid.uuid4())}, 404, "site"),
        (f"/labels/assets/{asset.id}.png", {"dpi": "5000"}, 400, "dpi"),
        (f"/labels/assets/{asset.id}.png", {"dpi": "high"}, 400, "dpi"),
        (f"/labels/assets/{asset.id}.svg", {"dpi": "300"}, 400, "'dpi'"),
        (f"/labels/assets/{asset.id}.gif", {}, 404, ".png"),
        ("/labels/assets/nope.png", {}, 404, "nope"),
    ]
    for path, params, status, reason in cases:
        response = await get(client, path, **params)
        assert response.status_code == status, (path, params, response.text)
        assert reason in response.json()["message"], (path, params, response.text)


async def test_labels_need_a_token(db: Any, client: Any) -> None:
    asset = await make_asset()
    response = await get(client, f"/labels/assets/{asset.id}.png")
    assert response.status_code == 401
    assert response.headers["www-authenticate"] == "Bearer"
    client.token = "garbage"
    assert (await get(client, "/labels/sheet.pdf", site=str(asset.site_id))).status_code == 401  # type: ignore[attr-defined]


async def test_asset_type_links_to_its_labels(db: Any, as_user: Any) -> None:
    asset = await make_asset()
    client = await as_user(await make_user(Role.DISPATCHER))
    query = "query($id: ID!) { asset(id: $id) { tagUrl labelPngUrl labelSvgUrl } }"
    links = (await client.data(query, {"id": str(asset.id)}))["asset"]
    assert links == {
        "tagUrl": f"{BASE}/a/{asset.tag_code}",
        "labelPngUrl": f"{BASE}/labels/assets/{asset.id}.png",
        "labelSvgUrl": f"{BASE}/labels/assets/{asset.id}.svg",
    }
    png = await get(client, links["labelPngUrl"].removeprefix(BASE))
    assert qr_texts(Image.open(io.BytesIO(png.content))) == [links["tagUrl"]]
