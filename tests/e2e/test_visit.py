"""The whole visit offline (the issue's end-to-end scenario): tech1 signs in, loses the network,
reloads (the service worker serves the app), agrees the visit time, does the checklist, scans the
asset's QR label through the camera, takes photos, has the customer sign and rate; then the
network comes back and the server must hold every record exactly once, the photos' bytes, and a
service report PDF with the signature in it."""

from __future__ import annotations

import hashlib
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import app, harness, media, visit
from tests.e2e.conftest import ContextFactory


def _the_order(server: harness.Server) -> dict[str, Any]:
    """tech1's accepted order with a proposed visit time and assets at its site."""
    rows = server.query(
        "SELECT w.id, w.number, w.site_id FROM work_order w JOIN user u ON u.id = w.assigned_to_id "
        "JOIN appointment a ON a.work_order_id = w.id AND a.status = 'proposed' "
        "WHERE u.username = 'tech1' AND w.status = 'accepted' "
        "AND EXISTS (SELECT 1 FROM asset s WHERE s.site_id = w.site_id AND s.deleted = 0) ORDER BY w.number"
    )
    assert rows, "the demo data has no accepted order with a proposed appointment for tech1"
    return dict(rows[0])


def _pdf_tool(name: str) -> str:
    path = shutil.which(name)
    if path is None:
        pytest.fail(f"{name} is missing: install poppler-utils (scripts/ensure-system-deps.sh test)")
    return path


def test_a_whole_visit_offline_reaches_the_server_exactly_once(
    new_context: ContextFactory, server: harness.Server, tmp_path: Path
) -> None:
    order = _the_order(server)
    oid, number = order["id"], order["number"]
    asset = dict(
        server.query(
            "SELECT id, tag_code FROM asset WHERE site_id = ? AND deleted = 0 ORDER BY tag_code LIMIT 1",
            (order["site_id"],),
        )[0]
    )
    label = server.get(f"/labels/assets/{asset['id']}.png", server.token("tech1"))
    assert label.status_code == 200, label.text
    camera = media.write_label_video(label.content, tmp_path / "label.y4m")
    photos = visit.photo_files(tmp_path, 3)

    context = new_context(extra_args=harness.camera_args(camera), permissions=["camera"])
    page = harness.first_page(context)
    app.login(page, "tech1")
    app.shoot(page, "today")
    app.wait_service_worker(page)

    app.go_offline(context, page)
    page.reload()
    page.get_by_role("heading", name="My visits").wait_for()
    graphql_calls: list[str] = []
    page.on("request", lambda r: graphql_calls.append(r.url) if "/graphql" in r.url else None)

    app.open_work_order(page, number)
    app.shoot(page, "work-order")
    visit.confirm_appointment(page, oid, number)
    visit.status_move(page, "On my way", "On the way")
    visit.status_move(page, "Arrived on site", "On site")
    visit.write_resolution(page)
    used = visit.complete_checklist(page, oid, photos)
    app.shoot(page, "checklist")
    shots = {"signature": lambda: app.shoot(page, "signature")}
    visit.scan_asset(page, oid, asset["tag_code"])
    visit.attach_photo(page, oid, number, photos[used])
    taken = used + 1
    visit.status_move(page, "Work done", "Work done")
    visit.sign_and_rate(page, oid, shots)
    app.shoot(page, "completion")

    waiting = app.store_counts(page, "outbox", "photoBlobs")
    assert (waiting["outbox"] or 0) > 0, waiting
    assert waiting["photoBlobs"] == taken, waiting
    assert graphql_calls == [], "the app reached for the network while offline"

    app.go_online(context, page)
    app.wait_outbox_empty(page, timeout=90)
    app.wait_until(
        lambda: all(r["state"] == "uploaded" for r in app.store_rows(page, "photoBlobs")),
        timeout=90,
        what="every photo to upload",
    )
    attention = [r for r in app.store_rows(page, "outbox") if r.get("state") == "needs_attention"]
    assert attention == [], attention

    _assert_server_holds_the_visit(server, order, asset, taken)
    _assert_service_report(server, oid, tmp_path, photos_expected=taken)


def _count(server: harness.Server, table: str, order_id: str) -> list[Any]:
    return server.query(f"SELECT * FROM {table} WHERE work_order_id = ? AND deleted = 0", (order_id,))


def _assert_server_holds_the_visit(
    server: harness.Server, order: dict[str, Any], asset: dict[str, Any], photos: int
) -> None:
    oid = order["id"]
    wo = server.query(
        "SELECT status, signed_at, resolution, arrived_at FROM work_order WHERE id = ?", (oid,)
    )[0]
    assert wo["status"] == "customer_signed"
    assert wo["signed_at"] is not None
    assert wo["arrived_at"] is not None
    assert wo["resolution"] == visit.RESOLUTION

    appointments = _count(server, "appointment", oid)
    assert len(appointments) == 1
    assert appointments[0]["status"] == "confirmed"
    assert appointments[0]["customer_contact"] == visit.CONTACT

    runs = _count(server, "checklist_run", oid)
    assert len(runs) == 1
    answers = json.loads(runs[0]["answers"])
    for key in (
        "uniform",
        "agreed_visit_time",
        "protective_sheet",
        "customer_tested_service",
        "work_area_cleaned",
    ):
        assert key in answers, f"checklist answer {key} missing: {sorted(answers)}"

    scans = _count(server, "asset_scan", oid)
    assert len(scans) == 1
    assert scans[0]["asset_id"] == asset["id"]
    assert scans[0]["seal_state"] == "intact"

    stored = _count(server, "photo", oid)
    assert len(stored) == photos, [p["caption"] for p in stored]
    assert len({p["sha256"] for p in stored}) == photos
    token = server.token("dispatcher")
    for p in stored:
        assert p["status"] == "ready", p["status"]
        got = server.get(f"/media/{p['sha256']}", token)
        assert got.status_code == 200, (p["sha256"], got.status_code)
        assert hashlib.sha256(got.content).hexdigest() == p["sha256"]

    signatures = _count(server, "signature", oid)
    assert len(signatures) == 1
    assert signatures[0]["signer_name"] == visit.SIGNER
    assert signatures[0]["hash_matches"] == 1

    ratings = _count(server, "satisfaction_rating", oid)
    assert [r["score"] for r in ratings] == [5]

    # Each status move happened once, whatever the phone retried.
    moves = server.query(
        "SELECT action, count(*) AS n FROM audit_entry "
        "WHERE entity_id = ? AND action LIKE 'to_%' GROUP BY action",
        (oid,),
    )
    assert all(m["n"] == 1 for m in moves), [tuple(m) for m in moves]


def _assert_service_report(server: harness.Server, oid: str, tmp_path: Path, photos_expected: int) -> None:
    response = server.get(f"/reports/work-orders/{oid}.pdf", server.token("dispatcher"))
    assert response.status_code == 200, response.text
    pdf = tmp_path / "report.pdf"
    pdf.write_bytes(response.content)
    listing = subprocess.run(  # noqa: S603
        [_pdf_tool("pdfimages"), "-list", str(pdf)], capture_output=True, text=True, check=True
    ).stdout
    images = [line.split() for line in listing.splitlines()[2:] if line.strip()]
    # Column 3 is the type: "image" (an smask is the alpha of another image).
    assert sum(1 for cols in images if cols[2] == "image") >= photos_expected + 1, listing
    text = subprocess.run(  # noqa: S603
        [_pdf_tool("pdftotext"), "-layout", str(pdf), "-"], capture_output=True, text=True, check=True
    ).stdout
    assert visit.SIGNER in text, text[-2000:]
