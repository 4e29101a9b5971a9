"""The steps of one on-site visit, driven through the technician's screens as he would use them:
agree the time, set off, arrive, the checklist, the asset scan, photos, work done, the customer's
signature and rating. Each step waits for the screen's own confirmation that it was saved."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from tests.e2e import app, media

SIGNER = "王小明"
CONTACT = "王小明 (customer)"
RESOLUTION = "Replaced the ONU power adapter; the customer tested browsing and IPTV."


def open_order(page: Any, order_id: str, number: str) -> None:
    page.goto(f"/wo/{order_id}")
    page.get_by_role("heading", name=number, exact=True).wait_for()


def confirm_appointment(page: Any, order_id: str, number: str) -> None:
    page.get_by_role("link", name="Visit time").click()
    page.get_by_role("heading", name=re.compile(r"Visit time")).wait_for()
    page.get_by_role("button", name="The customer agreed to this time").click()
    page.get_by_label("Who agreed (name)").fill(CONTACT)
    page.get_by_role("button", name="Confirm the time").click()
    page.get_by_text("Confirmed with the customer").wait_for()
    open_order(page, order_id, number)


def status_move(page: Any, button: str, status_label: str) -> None:
    page.get_by_role("button", name=button, exact=True).click()
    page.locator(".chip", has_text=status_label).first.wait_for()


def write_resolution(page: Any) -> None:
    box = page.get_by_label("Resolution")
    box.fill(RESOLUTION)
    box.blur()  # saved on blur (and after a pause in typing)
    page.get_by_text("Saved on this phone").first.wait_for()


def complete_checklist(page: Any, order_id: str, photos: list[Path]) -> int:
    """Answer every required item; photo items take one of `photos` each. Returns how many
    photos the checklist took."""
    page.get_by_role("link", name="Open checklist").click()
    # The heading is the template's own title; the progress line is the screen's.
    page.get_by_text(re.compile(r"\d+ of \d+ required done")).wait_for()
    for summary in page.locator("details.phase > summary").all():
        if summary.locator("xpath=..").get_attribute("open") is None:
            summary.click()
    used = 0
    items = page.locator("li.check-item").filter(has=page.locator("abbr.req"))
    for i in range(items.count()):
        item = items.nth(i)
        if "done" in (item.get_attribute("class") or ""):
            continue
        if item.locator("input[type=checkbox]").count():
            item.locator("input[type=checkbox]").check()
        elif item.get_by_role("button", name="Customer confirms").count():
            item.get_by_role("button", name="Customer confirms").click()
        elif item.locator("textarea").count():
            item.locator("textarea").fill("Agreed by phone: today 14:00-16:00")
            item.locator("textarea").blur()
        elif item.locator("input[type=file]").count():
            item.locator("input[type=file]").first.set_input_files(str(photos[used]))
            used += 1
        else:
            raise AssertionError(f"no control for required item: {item.inner_text()}")
        app.wait_until(
            lambda item=item: "done" in (item.get_attribute("class") or ""),
            timeout=20,
            what=f"item {i} to be done",
        )
    progress = page.locator(".check-progress").inner_text()
    done, total = (int(n) for n in re.findall(r"\d+", progress)[:2])
    assert done == total, progress
    return used


def scan_asset(page: Any, order_id: str, tag_code: str) -> None:
    """The fake camera shows the label: the scanner opens the asset with the order, where the
    seal is recorded as intact."""
    page.goto(f"/wo/{order_id}")
    page.get_by_role("link", name="Scan asset tag").click()
    page.get_by_role("heading", name="Scan asset tag").wait_for()
    page.wait_for_url(re.compile(rf"/a/{re.escape(tag_code)}"), timeout=30_000)
    page.get_by_text(tag_code).first.wait_for()
    page.get_by_role("radio", name="Intact").check()
    page.get_by_role("button", name="Record scan").click()
    page.get_by_text("Scan recorded on this device").wait_for()


def attach_photo(page: Any, order_id: str, number: str, photo: Path) -> None:
    open_order(page, order_id, number)
    before = page.locator(".photo-grid .thumb, button.thumb").count()
    page.get_by_label("Take photo").last.set_input_files(str(photo))
    app.wait_until(
        lambda: page.locator(".photo-grid .thumb, button.thumb").count() > before,
        timeout=20,
        what="the photo",
    )


def sign_and_rate(page: Any, order_id: str, shots: dict[str, Any]) -> None:
    page.goto(f"/wo/{order_id}/complete")
    page.get_by_role("button", name="Next: the customer tries the service").click()
    tested = page.get_by_label("The customer tried the service and it works")
    if not tested.is_checked():
        tested.check()
    page.get_by_role("button", name="Next: signature").click()
    page.get_by_label("Name of the person signing").fill(SIGNER)
    draw_signature(page, page.get_by_label("Sign here with a finger"))
    shots["signature"]()
    page.get_by_role("button", name="Sign and save").click()
    page.get_by_role("heading", name="How was the visit?").wait_for()
    page.get_by_role("radio", name="5 out of 5").click()
    page.get_by_label("Comment (optional)").fill("准时，礼貌，修好了。")
    page.get_by_role("button", name="Save rating").click()
    page.get_by_role("heading", name="Visit completed").wait_for()


def draw_signature(page: Any, canvas: Any) -> None:
    """Two strokes with the mouse: a looped first name and an underline."""
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    assert box is not None
    assert box["width"] > 100, box
    assert box["height"] > 50, box
    x0, y0, w, h = box["x"], box["y"], box["width"], box["height"]
    strokes = [
        [(0.10 + 0.05 * k, 0.5 + (0.25 if k % 2 else -0.25)) for k in range(12)],
        [(0.15, 0.85), (0.5, 0.82), (0.85, 0.86)],
    ]
    for stroke in strokes:
        page.mouse.move(x0 + stroke[0][0] * w, y0 + stroke[0][1] * h)
        page.mouse.down()
        for fx, fy in stroke[1:]:
            page.mouse.move(x0 + fx * w, y0 + fy * h, steps=4)
        page.mouse.up()


def photo_files(directory: Path, n: int) -> list[Path]:
    """Distinct JPEGs, so each photo is its own upload and its own bytes on the server."""
    out = []
    for i in range(n):
        path = directory / f"photo-{i}.jpg"
        path.write_bytes(media.site_photo_jpeg(f"site photo {i + 1}"))
        out.append(path)
    return out
