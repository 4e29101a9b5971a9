"""Driving the PWA the way a person does (labels, roles, visible text), plus a few looks into the
device's IndexedDB to know when the app has finished its background work."""

from __future__ import annotations

import io
import re
import time
from pathlib import Path
from typing import Any

from PIL import Image

from tests.e2e import harness

# Counts the app's own stores through the raw IndexedDB API, so the test needs no hook in the app.
_COUNT_STORES = """
async (names) => {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open('doorstep');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    const out = {};
    for (const name of names) {
      if (!db.objectStoreNames.contains(name)) { out[name] = null; continue; }
      out[name] = await new Promise((resolve, reject) => {
        const req = db.transaction(name).objectStore(name).count();
        req.onsuccess = () => resolve(req.result);
        req.onerror = () => reject(req.error);
      });
    }
    return out;
  } finally {
    db.close();
  }
}
"""

_ALL_ROWS = """
async (name) => {
  const db = await new Promise((resolve, reject) => {
    const req = indexedDB.open('doorstep');
    req.onsuccess = () => resolve(req.result);
    req.onerror = () => reject(req.error);
  });
  try {
    if (!db.objectStoreNames.contains(name)) return [];
    return await new Promise((resolve, reject) => {
      const req = db.transaction(name).objectStore(name).getAll();
      req.onsuccess = () => resolve(req.result.map((r) => {
        const copy = { ...r };
        if (copy.blob) copy.blob = null;  // a Blob does not cross into Python
        return copy;
      }));
      req.onerror = () => reject(req.error);
    });
  } finally {
    db.close();
  }
}
"""


def store_counts(page: Any, *names: str) -> dict[str, int | None]:
    return dict(page.evaluate(_COUNT_STORES, list(names)))


# The device's own bookkeeping; every other store holds one replicated collection.
BOOKKEEPING = {"outbox", "masters", "checkpoints", "meta", "photoBlobs", "uploadUrls"}


def replicated_documents(page: Any) -> int:
    """Documents of every replicated collection on the device."""
    names = page.evaluate(
        "async () => { const r = indexedDB.open('doorstep'); "
        "const db = await new Promise((ok, no) => { "
        "r.onsuccess = () => ok(r.result); r.onerror = () => no(r.error); }); "
        "const names = [...db.objectStoreNames]; db.close(); return names; }"
    )
    counts = store_counts(page, *(n for n in names if n not in BOOKKEEPING))
    return sum(n or 0 for n in counts.values())


def store_rows(page: Any, name: str) -> list[dict[str, Any]]:
    return list(page.evaluate(_ALL_ROWS, name))


def wait_until(check: Any, *, timeout: float = 30, interval: float = 0.25, what: str = "condition") -> Any:
    deadline = time.monotonic() + timeout
    last: Any = None
    while time.monotonic() < deadline:
        last = check()
        if last:
            return last
        time.sleep(interval)
    raise AssertionError(f"timed out after {timeout:.0f} s waiting for {what} (last: {last!r})")


def login(page: Any, username: str, password: str = harness.PASSWORD, home: str = "My visits") -> None:
    """Sign in from the login screen, see the role's home screen (technicians: Today; the desk:
    the board) and wait for the first sync to finish."""
    page.goto("/")
    page.get_by_label("Username").fill(username)
    page.get_by_label("Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    page.get_by_role("heading", name=home).wait_for()
    wait_synced(page)


def wait_synced(page: Any, timeout: float = 60) -> None:
    """A whole sync has succeeded (the app records `lastSyncAt` then), nothing waits to be sent,
    and the first-sync panel is gone."""

    def done() -> bool:
        synced = any(r.get("key") == "lastSyncAt" for r in store_rows(page, "meta"))
        return (
            synced
            and store_counts(page, "outbox")["outbox"] == 0
            and page.locator(".first-sync").count() == 0
        )

    wait_until(done, timeout=timeout, what="the sync to finish")


def outbox_summary(page: Any) -> list[tuple[str, str, str, str, int]]:
    """(collection, state, code, reason, attempts) of every queued change: what a failure shows."""
    return [
        (r["collection"], r["state"], r.get("code", ""), r.get("reason", ""), r.get("attempts", 0))
        for r in store_rows(page, "outbox")
    ]


def wait_outbox_empty(page: Any, timeout: float = 60) -> None:
    try:
        wait_until(
            lambda: store_counts(page, "outbox")["outbox"] == 0, timeout=timeout, what="the outbox to drain"
        )
    except AssertionError as exc:
        raise AssertionError(f"{exc}; still queued: {outbox_summary(page)}") from None


def wait_service_worker(page: Any, timeout: float = 60) -> None:
    """The service worker is active (precaching is done) and controls this page, so a reload
    without network is served from its cache."""
    page.wait_for_function(
        "async () => { await navigator.serviceWorker.ready; return !!navigator.serviceWorker.controller; }",
        timeout=timeout * 1000,
    )


def go_offline(context: Any, page: Any) -> None:
    context.set_offline(True)
    page.wait_for_function("() => navigator.onLine === false")


def go_online(context: Any, page: Any) -> None:
    context.set_offline(False)
    page.wait_for_function("() => navigator.onLine === true")


def visit_cards(page: Any) -> Any:
    """The visit cards of the Today screen (each links to its work order)."""
    return page.locator("a.card.visit")


def open_work_order(page: Any, number: str) -> None:
    visit_cards(page).filter(has_text=number).first.click()
    page.get_by_role("heading", name=number).wait_for()


def work_order_id_from_url(page: Any) -> str:
    match = re.search(r"/wo/([0-9a-f-]{36})", page.url)
    assert match, page.url
    return match.group(1)


SCREENSHOTS = harness.REPO / "docs" / "screenshots"


def shoot(page: Any, name: str, *, full_page: bool = False) -> Path:
    """A screenshot for docs/screenshots/, reduced to a 256-colour palette: flat UI colours and
    anti-aliased text survive it, and the file stays a few tens of KB to commit."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    image = Image.open(io.BytesIO(page.screenshot(full_page=full_page))).convert("RGB")
    path = SCREENSHOTS / f"{name}.png"
    image.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
        path, optimize=True
    )
    return path
