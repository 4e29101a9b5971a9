"""The desk's screens at desktop size (the dispatch board, the dashboard) and the scanner's camera
view, each checked for its content and saved as a screenshot for docs/screenshots/."""

from __future__ import annotations

import io
import re
from pathlib import Path

from PIL import Image

from tests.e2e import app, harness, media
from tests.e2e.conftest import ContextFactory


def test_dispatch_board_and_dashboard(new_context: ContextFactory, server: harness.Server) -> None:
    waiting = [r["number"] for r in server.query("SELECT number FROM work_order WHERE status = 'received'")]
    assert waiting, "the demo data has orders waiting for dispatch"
    page = harness.first_page(new_context(viewport=harness.DESK))
    app.login(page, "dispatcher", home="Dispatch board")
    assert "/board" in page.url
    for number in waiting:
        page.get_by_text(number).first.wait_for()
    page.get_by_role("heading", name=re.compile(r"^Waiting for dispatch")).wait_for()
    # Each technician has a lane headed with his name.
    page.get_by_role("heading", name=re.compile(r"\(tech2\)")).wait_for()
    app.shoot(page, "board")

    page.goto("/dashboard")
    page.get_by_role("heading", name="Service dashboard").wait_for()
    page.get_by_text("Response within SLA").first.wait_for()
    # Today's demo orders are counted (from their report facts).
    assert "No orders received in this period" not in page.inner_text("main")
    # The charts are drawn: each figure holds a uPlot canvas, labelled for screen readers.
    charts = page.locator("figure.chart")
    charts.first.locator("canvas").first.wait_for()
    assert charts.count() >= 4
    for i in range(charts.count()):
        assert charts.nth(i).locator("canvas").count() >= 1
        assert charts.nth(i).get_by_role("img").get_attribute("aria-label")
    page.wait_for_load_state("networkidle")
    app.shoot(page, "dashboard")


def test_scanner_shows_the_camera(new_context: ContextFactory, tmp_path: Path) -> None:
    # A camera pointed at equipment, not at a label: the viewfinder stays open for the picture.
    frame = Image.open(io.BytesIO(media.site_photo_jpeg("rack"))).convert("RGB").resize(media.FRAME_SIZE)
    video = tmp_path / "rack.y4m"
    video.write_bytes(media.y4m_bytes(frame, frames=10))
    context = new_context(extra_args=harness.camera_args(video), permissions=["camera"])
    page = harness.first_page(context)
    app.login(page, "tech2")
    page.get_by_role("link", name="Today").click()
    page.goto("/scan")
    page.get_by_role("heading", name="Scan asset tag").wait_for()
    page.get_by_text("Hold the QR code on the label inside the frame.").wait_for()
    page.wait_for_function(
        "() => { const v = document.querySelector('video'); "
        "return v && v.readyState >= 2 && v.videoWidth === 640; }"
    )
    app.shoot(page, "scan")
