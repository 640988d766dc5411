"""Browser tests: Playwright driving Debian's chromium against pytest-django's live server.

Every request the pages make is recorded; tests assert none leaves 127.0.0.1 (no CDN, no web
fonts, no telemetry), because the platform runs on offline government intranets. Every
Content-Security-Policy violation is recorded too, and fails the test that caused it: a refused
script is a chart or a button that silently stops working.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pytest

# Playwright's sync API runs an event loop in this thread; Django refuses ORM calls from a thread
# with a running loop unless told that this is safe here (tests, not a server).
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1", "localhost"}
SCREENSHOTS = Path(__file__).resolve().parent.parent / "artifacts" / "screenshots"
# Run in every document before its own scripts (Playwright's init scripts are exempt from the
# page's CSP): report each violation on the console, where RecordedPage picks it up.
CSP_VIOLATION_PREFIX = "CSP violation:"
REPORT_CSP_VIOLATIONS = f"""
document.addEventListener("securitypolicyviolation", function (e) {{
  console.error("{CSP_VIOLATION_PREFIX} " + e.effectiveDirective + " blocked "
    + (e.blockedURI || "inline") + " at " + e.sourceFile + ":" + e.lineNumber);
}});
"""


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Browser tests share the live server's database, which is flushed after each test; the
    reference tables that data migrations load (industries) must come back for the next one."""
    here = Path(__file__).resolve().parent
    for item in items:
        if here in Path(str(item.path)).resolve().parents and not item.get_closest_marker(
            "django_db"
        ):
            item.add_marker(pytest.mark.django_db(transaction=True, serialized_rollback=True))


@pytest.fixture(autouse=True)
def _reference_tables(transactional_db: Any) -> None:
    """GB/T 4754-2017 comes from a data migration; a flush by an earlier transactional test on
    the same worker empties it, and serialized rollback does not always restore it under xdist."""
    from chainlead.registry.reference_data import industries_load

    industries_load()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    if not Path(CHROMIUM).exists():
        # Never skip silently: a missing browser is a broken set-up.
        pytest.fail(f"{CHROMIUM} is not installed (make system-deps installs it)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(
            executable_path=CHROMIUM, args=CHROMIUM_ARGS, headless=True
        )
        yield chromium
        chromium.close()


class RecordedPage:
    """A Playwright page, every URL it requested and every CSP violation it saw."""

    def __init__(self, page: Any) -> None:
        self.page = page
        self.requests: list[str] = []
        self.script_errors: list[str] = []
        self.csp_violations: list[str] = []
        page.on("request", lambda request: self.requests.append(request.url))
        page.on("pageerror", lambda error: self.script_errors.append(str(error)))
        page.on("console", self._console)

    def _console(self, message: Any) -> None:
        if message.text.startswith(CSP_VIOLATION_PREFIX):
            self.csp_violations.append(f"{message.text} (page {self.page.url})")

    def outside_requests(self) -> list[str]:
        return [
            url
            for url in self.requests
            if urlsplit(url).scheme not in ("data", "blob", "about")
            and urlsplit(url).hostname not in LOCAL_HOSTS
        ]

    def screenshot(self, name: str, **kwargs: Any) -> Path:
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        path = SCREENSHOTS / f"{name}.png"
        self.page.screenshot(path=str(path), **kwargs)
        return path


@pytest.fixture
def recorded_page(browser: Any, live_server: Any) -> Iterator[RecordedPage]:
    context = browser.new_context(
        locale="zh-CN", viewport={"width": 1366, "height": 900}, device_scale_factor=1
    )
    # Generous: CI runs two test workers and a live server on two cores.
    context.set_default_timeout(30_000)
    context.add_init_script(REPORT_CSP_VIOLATIONS)
    page = context.new_page()
    recorded = RecordedPage(page)
    yield recorded
    context.close()
    assert not recorded.csp_violations, "The Content-Security-Policy refused:\n" + "\n".join(
        recorded.csp_violations
    )
