"""A real browser (Debian's chromium, driven by Playwright) against the real server process.

The server is the one the HTTP tests start (``live_port`` in tests/http/conftest.py,
re-exported here). The tests fail, never skip, when chromium is missing:
``make test`` installs it. Every page is served under a strict
Content-Security-Policy (no inline script or style attribute), so a page that
relies on inline code fails here.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright
from playwright.sync_api import Error as PlaywrightError

from ..http.conftest import build_dir, live_port

__all__ = ["build_dir", "live_port"]

CHROMIUM = "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
CSP = "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'"


def chromium_path() -> str:
    found = CHROMIUM if Path(CHROMIUM).exists() else shutil.which("chromium")
    if not found:
        pytest.fail("chromium is not installed: run `make browser` (apt-get install chromium)")
    return found


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=chromium_path(), args=ARGS)
        yield launched
        launched.close()


@pytest.fixture(scope="session")
def base_url(live_port: int) -> str:
    return f"http://127.0.0.1:{live_port}"


@pytest.fixture(scope="session")
def screenshots(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where the tests leave screenshots for a person to look at (never inside the repository)."""
    return tmp_path_factory.mktemp("screenshots")


def _with_csp(route: Route) -> None:
    try:
        response = route.fetch()
        route.fulfill(response=response, headers={**response.headers, "content-security-policy": CSP})
    except PlaywrightError:
        # the test ended and closed its page while this request was in flight; a request
        # that fails during a test leaves its page without an answer, and that test fails
        pass


@pytest.fixture
def page(browser: Browser, base_url: str) -> Iterator[Page]:
    context = browser.new_context(base_url=base_url, viewport={"width": 1280, "height": 900})
    context.route("**/*", _with_csp)
    opened = context.new_page()
    problems: list[str] = []
    opened.on("pageerror", lambda err: problems.append(f"script error: {err}"))

    def on_console(message: object) -> None:
        text = getattr(message, "text", "")
        # a query that fails on purpose logs its 400/503; anything else is a defect
        if getattr(message, "type", "") == "error" and "Failed to load resource" not in text:
            problems.append(f"console: {text}")

    opened.on("console", on_console)
    yield opened
    context.close()
    assert problems == []
