from __future__ import annotations

from typing import Any

import httpx

from server.core.roles import Role
from server.signatures.content import content_hash, signed_content
from server.signatures.render import WIDTH, output_size
from tests.client import GqlClient
from tests.factories import make_user
from tests.server.reports import pdf_tools
from tests.server.signatures.helpers import CANVAS, WAVE_Y, document, finished_order, upload_photos
from tests.server.syncing.helpers import push

A4_AT_100_DPI = (827, 1170)  # 210 x 297 mm, rounded up by pdftoppm


async def _get(client: GqlClient, order_id: Any, **params: str) -> httpx.Response:
    headers = {"authorization": f"Bearer {client.token}"} if client.token else {}
    return await client.http.get(f"/reports/work-orders/{order_id}.pdf", params=params, headers=headers)


async def _signed_visit(app: Any, as_user: Any) -> tuple[Any, GqlClient, str]:
    """A finished visit with two uploaded photos, signed on the technician's phone."""
    order, photos = await finished_order()
    await upload_photos(app.state.media, order, photos)
    tech = await as_user(await order.assigned_to)
    digest = content_hash(await signed_content(order))
    answer = await push(tech, "signatures", [{"newDocumentState": document(order, digest)}])
    assert "rejected" not in answer[0]
    return order, tech, digest


async def test_the_report_holds_the_record_in_chinese_with_the_signature(app: Any, as_user: Any) -> None:
    order, _, digest = await _signed_visit(app, as_user)
    desk = await as_user(await make_user(Role.DISPATCHER))
    response = await _get(desk, order.id)
    assert response.status_code == 200, response.text
    assert response.headers["content-type"] == "application/pdf"
    pdf = response.content
    first_page = pdf_tools.page_image(pdf, 1)
    assert first_page.size == A4_AT_100_DPI
    assert sum(first_page.convert("L").histogram()[:100]) > 1000  # text is drawn
    words = pdf_tools.text(pdf)
    for expected in (
        "运行服务单",
        order.number,
        "李秀英",  # customer, and the signer
        "朝阳区建国路88号3单元502",
        "王磊",  # technician
        "张敏",  # the desk person who received the request
        "更换光猫电源适配器",
        "光猫电源",
        "光猫 HG8145",  # the asset serviced
        "HWTC9A1B2C3D",
        "客户已试用服务",
        digest,
        "与服务器记录一致",
    ):
        assert expected in words, expected
    sizes = pdf_tools.image_sizes(pdf)
    assert output_size(*CANVAS) in sizes  # the signature
    assert len(sizes) == 3  # and two photo thumbnails


async def test_the_embedded_signature_shows_the_strokes(app: Any, as_user: Any) -> None:
    order, _, digest = await _signed_visit(app, as_user)
    desk = await as_user(await make_user(Role.SUPERVISOR))
    pdf = (await _get(desk, order.id)).content
    (signature,) = [image for image in pdf_tools.images(pdf) if image.size == output_size(*CANVAS)]
    grey = signature.convert("L")
    scale = WIDTH / CANVAS[0]
    row = round(WAVE_Y * scale)
    assert min(grey.getpixel((x, y)) for x in range(WIDTH) for y in range(row - 3, row + 4)) < 80  # type: ignore[misc]
    assert grey.getpixel((5, 5)) == 255  # paper where nothing was drawn
    # It is placed on the page that shows the signer and the signed hash.
    (page,) = [p for p, *size in pdf_tools.placed_images(pdf) if tuple(size) == output_size(*CANVAS)]
    assert digest in pdf_tools.text(pdf, page)
    assert "李秀英 (客户本人)" in pdf_tools.text(pdf, page)


async def test_english_on_request(app: Any, as_user: Any) -> None:
    order, tech, digest = await _signed_visit(app, as_user)
    response = await _get(tech, order.id, lang="en")
    assert response.status_code == 200
    words = pdf_tools.text(response.content)
    assert "Service report" in words
    assert "Customer signature" in words
    assert "李秀英" in words
    assert digest in words


async def test_who_may_download(app: Any, as_user: Any, client: GqlClient) -> None:
    order, tech, _ = await _signed_visit(app, as_user)
    other = await as_user(await make_user(Role.TECHNICIAN))
    admin = await as_user(await make_user(Role.ADMIN))
    assert (await _get(tech, order.id)).status_code == 200
    assert (await _get(admin, order.id)).status_code == 200
    refused = await _get(other, order.id)
    assert refused.status_code == 404
    assert refused.json()["code"] == "NOT_FOUND"
    assert (await _get(client, order.id)).status_code == 401
    assert (await _get(other, "not-a-uuid")).status_code == 404
    assert (await _get(admin, order.id, lang="fr")).status_code == 400
    assert (await _get(admin, order.id, format="docx")).status_code == 400


async def test_an_unsigned_order_says_so(app: Any, as_user: Any) -> None:
    order, _ = await finished_order(photos=0)
    desk = await as_user(await make_user(Role.DISPATCHER))
    response = await _get(desk, order.id)
    assert response.status_code == 200
    assert "尚未签字" in pdf_tools.text(response.content)
    assert pdf_tools.image_sizes(response.content) == []
