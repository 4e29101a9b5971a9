"""Fixtures of the browser tests: one built PWA and one seeded server for the session, one
Playwright driver, and a fresh persistent Chromium profile per test.

Each test works on its own work orders or users, so the shared server's data never couples them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.e2e import harness

ARTIFACTS = harness.REPO / "test-artifacts" / "e2e"  # removed by `make clean`


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # A missing browser is a broken test environment, not a reason to pass quietly: say so.
    if not harness.have_chromium():
        for item in items:
            if item.path.is_relative_to(Path(__file__).parent):
                item.add_marker(
                    pytest.mark.skip(reason=f"no Chromium at {harness.CHROMIUM} (apt-get install chromium)")
                )


@pytest.fixture(scope="session")
def pwa_dist() -> Path:
    return harness.pwa_dist()


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory, pwa_dist: Path) -> Iterator[harness.Server]:
    with harness.running_server(tmp_path_factory.mktemp("server"), pwa_dist) as srv:
        yield srv


@pytest.fixture(scope="session")
def playwright() -> Iterator[Any]:
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        yield pw


ContextFactory = Callable[..., Any]


@pytest.fixture
def new_context(
    playwright: Any, server: harness.Server, tmp_path: Path, request: pytest.FixtureRequest
) -> Iterator[ContextFactory]:
    """`new_context(viewport=..., extra_args=..., locale=..., permissions=...)`: a persistent
    profile of its own. On failure the server's log tail goes into the report."""
    opened: list[Any] = []
    console: list[str] = []

    def watch(page: Any) -> None:
        page.on("console", lambda msg: console.append(f"[{msg.type}] {msg.text}"))
        page.on("pageerror", lambda err: console.append(f"[pageerror] {err}"))

    def make(**kwargs: Any) -> Any:
        profile = tmp_path / f"profile-{len(opened)}"
        context = harness.launch_context(playwright, profile, base_url=server.url, **kwargs)
        context.set_default_timeout(15_000)
        context.on("page", watch)
        for page in context.pages:
            watch(page)
        opened.append(context)
        return context

    yield make
    report = getattr(request.node, "rep_call", None)
    failed = report is not None and report.failed
    if failed:
        # What the screen showed when it failed, for the person reading the report.
        ARTIFACTS.mkdir(parents=True, exist_ok=True)
        for i, context in enumerate(opened):
            for j, page in enumerate(context.pages):
                shot = ARTIFACTS / f"{request.node.name}-{i}-{j}.png"
                try:
                    page.screenshot(path=shot)
                    print(f"screenshot: {shot} ({page.url})")
                except Exception as exc:  # a crashed page still lets the others be shown
                    print(f"no screenshot of {page.url}: {exc}")
    for context in opened:
        context.close()
    if failed:
        print("--- browser console ---\n" + "\n".join(console[-80:]))
        print(f"--- server log ---\n{server.log_tail()}")


@pytest.hookimpl(wrapper=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]) -> Any:
    report = yield
    if report.when == "call":
        item.rep_call = report  # type: ignore[attr-defined]
    return report
