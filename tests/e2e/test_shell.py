"""The app shell in a real browser: sign-in, the Today list, working offline after a reload served
by the service worker, a status change made offline reaching the server once, the language
switch, and installability."""

from __future__ import annotations

import re
import shutil
import subprocess
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import app, harness
from tests.e2e.conftest import ContextFactory


def _open_orders(server: harness.Server, username: str) -> list[Any]:
    statuses = (
        "dispatched",
        "accepted",
        "appointment_confirmed",
        "en_route",
        "on_site",
        "work_done",
        "cannot_finish",
        "on_hold",
    )
    marks = ",".join("?" * len(statuses))
    return server.query(
        f"SELECT w.id, w.number, w.status FROM work_order w JOIN user u ON u.id = w.assigned_to_id "
        f"WHERE u.username = ? AND w.status IN ({marks}) AND w.deleted = 0 ORDER BY w.number",
        (username, *statuses),
    )


def test_offline_reload_and_status_change_reach_the_server_once(
    new_context: ContextFactory, server: harness.Server
) -> None:
    context = new_context()
    page = harness.first_page(context)
    page.goto("/")
    page.get_by_role("button", name="Sign in").wait_for()
    app.shoot(page, "login")

    app.login(page, "tech2")
    expected = _open_orders(server, "tech2")
    cards = app.visit_cards(page)
    assert expected
    app.wait_until(lambda: cards.count() == len(expected), timeout=15, what=f"{len(expected)} visit cards")
    for order in expected:
        assert cards.filter(has_text=order["number"]).count() == 1, order["number"]
    app.wait_service_worker(page)

    # Without any network the reload comes from the service worker and the data from IndexedDB.
    app.go_offline(context, page)
    page.reload()
    page.get_by_role("heading", name="My visits").wait_for()
    assert app.visit_cards(page).count() == len(expected)
    assert page.get_by_role("button", name="Offline").is_visible()

    dispatched = next(o for o in expected if o["status"] == "dispatched")
    app.open_work_order(page, dispatched["number"])
    page.get_by_role("button", name="Accept", exact=True).click()
    page.get_by_text("Changes not sent yet").wait_for()
    assert app.store_counts(page, "outbox")["outbox"] == 1

    app.go_online(context, page)
    app.wait_outbox_empty(page)
    page.get_by_text("Changes not sent yet").wait_for(state="detached")
    rows = server.query("SELECT status, accepted_at FROM work_order WHERE id = ?", (dispatched["id"],))
    assert rows[0]["status"] == "accepted"
    assert rows[0]["accepted_at"] is not None
    # One change, one audit entry, however many times the phone retried.
    audits = server.query(
        "SELECT count(*) AS n FROM audit_entry a JOIN user u ON u.id = a.actor_id "
        "WHERE a.entity_id = ? AND u.username = 'tech2'",
        (dispatched["id"],),
    )
    assert audits[0]["n"] == 1


def _cjk_font_installed() -> bool:
    fc_list = shutil.which("fc-list")
    if fc_list is None:
        return False
    found = subprocess.run([fc_list, ":lang=zh", "family"], capture_output=True, text=True, check=False)  # noqa: S603
    return bool(found.stdout.strip())


def test_chinese_from_the_settings(new_context: ContextFactory) -> None:
    # Without a CJK font the text is there but drawn as boxes, and the screenshot is useless.
    if not _cjk_font_installed():
        pytest.fail("no CJK font: install fonts-wqy-microhei (scripts/ensure-system-deps.sh test)")
    page = harness.first_page(new_context())
    app.login(page, "tech2")
    page.get_by_role("link", name="Settings").click()
    page.get_by_role("radio", name="简体中文").click()
    page.get_by_role("link", name="今日").click()
    page.get_by_role("heading", name="我的上门任务").wait_for()
    assert page.locator("html").get_attribute("lang") == "zh-CN"
    # The section heading holds its count too ("今天 6").
    assert page.get_by_role("heading", name=re.compile(r"^今天")).count() == 1
    assert page.get_by_role("link", name="设置").is_visible()
    app.shoot(page, "today-zh-CN")


def test_installable(new_context: ContextFactory, pwa_dist: Path) -> None:
    context = new_context()
    page = harness.first_page(context)
    page.goto("/")
    app.wait_service_worker(page)
    cdp = context.new_cdp_session(page)
    errors = cdp.send("Page.getInstallabilityErrors")["installabilityErrors"]
    assert errors == [], errors
    manifest = cdp.send("Page.getAppManifest")
    assert manifest["errors"] == [], manifest["errors"]
    assert manifest["url"].endswith("/manifest.webmanifest")
    assert (pwa_dist / "icons" / "icon-512.png").is_file()
