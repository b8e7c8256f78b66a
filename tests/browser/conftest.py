"""Playwright (sync API) on Debian's Chromium, against pytest-django's live_server.

Never `playwright install`: downloads are blocked here, and CI uses the same system
Chromium. pytest-playwright is not installed; these fixtures are all it would give us.
"""

import os
from pathlib import Path

import pytest
from django.conf import settings

SCREENSHOTS = Path(__file__).resolve().parent.parent.parent / "var" / "screenshots"
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
    "--disable-quic",
]


@pytest.fixture(scope="session")
def browser(chromium_path):
    # Playwright's sync API runs an event loop in this thread; Django would then refuse
    # the ORM calls of the test itself (factories, live_server's database).
    os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def new_page(browser, live_server):
    """`new_page(width, session=None)`: a fresh browser tab, optionally logged in."""
    contexts = []

    def open_page(width: int, session: str | None = None):
        context = browser.new_context(
            viewport={"width": width, "height": 800}, base_url=live_server.url, locale="fr-FR"
        )
        contexts.append(context)
        if session:
            context.add_cookies(
                [{"name": settings.SESSION_COOKIE_NAME, "value": session, "url": live_server.url}]
            )
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_page
    for context in contexts:
        context.close()


@pytest.fixture
def session_of(client):
    """The session cookie of `user`, logged in without going through the login form."""

    def session(user) -> str:
        client.force_login(user)
        return client.cookies[settings.SESSION_COOKIE_NAME].value

    return session


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
