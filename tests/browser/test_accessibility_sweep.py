"""axe-core (WCAG 2.1 A and AA) on every page of the access matrix, for every role that
may open it, at 1280 and 360 px, in Chromium.

The list of pages is not written here: it is derived from the access matrix
(tests/test_access_matrix.py and tests/access_rows/), so a new route is swept as soon as it
has its row. A (route, role) pair is swept when the matrix expects a 200 and the answer is
HTML (CSV, iCalendar, PDF, spreadsheet and JSON downloads are left out). The URL kwargs come
from the matrix's own sample objects: one representative object per route.

Left out, on purpose (the accessibility statement says so):
- the Django admin (`admin:*`): a third-party interface, used by the coordination only;
- `observer_with_profile`: the matrix declares it answers every page as the observer
  (access.SAME_AS);
- a page whose <main> has the same structure (`skeleton`) as one already checked, for this
  role or another: same elements, same attributes with the same values (ids, classes,
  roles, aria-*, for, type, name...), text present at the same places. What is ignored
  (the words, the values of href, action, value, src, datetime, title, placeholder)
  changes nothing axe-core checks here (contrast is computed from the classes;
  empty names and empty headings are kept as "no text"). Around <main>, every page is the
  same layout/base.html: a role's header and footer are checked on each of its pages that
  is swept. This divides the work by more than two (433 pairs down to 184 pages).

Cost: 184 pages, each loaded once at 1280 px, then narrowed to 360 px in the same tab
and checked again; one browser context per role, axe-core injected once per page load
(an init script), not once per check. Measured: 5 min 44 s wall, about 1 min 20 s of CPU,
on the two cores shared with five other jobs; on CI's two quiet cores that is about two
minutes, with the sample objects' setup, too close to the 2.5 minutes the sweep may add to
each of CI's two test runs. So it runs in one of them only: the service-flag run
(REQUIRE_SERVICES=1, PostgreSQL), where it cannot be skipped; in the SQLite run it is
skipped. Run it anywhere with
`A11Y_SWEEP=1 ./dev test tests/browser/test_accessibility_sweep.py -n 0`.
"""

import hashlib
import os
import re
from html.parser import HTMLParser

import pytest
from access import ROLES, SAME_AS
from axe_playwright_python.base import AXE_FILE_PATH, AxeResults
from django.conf import settings
from django.test import Client
from django.urls import reverse
from service_checks import services_required
from test_access_matrix import ROUTES, build_samples, log_in
from test_accessibility import AXE_OPTIONS
from transactional import restore_reference_data

from consortium.pages.accessibility import AUDITED_ROUTES

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)
# The coordinator first: she sees the most, so the other roles mostly add what is theirs.
SWEPT_ROLES = sorted((role for role in ROLES if role not in SAME_AS), key="coordinator".__ne__)
EXCLUDED_PREFIXES = ("admin:",)
# Attributes whose value is content, not structure (see the module's docstring).
VALUELESS = frozenset({"href", "action", "value", "src", "datetime", "title", "placeholder"})
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


def swept_routes(role: str) -> list[str]:
    """The routes of the matrix that `role` may open with a 200, the admin left out."""
    return sorted(
        name
        for name, row in ROUTES.items()
        if row.expected(role) == 200 and not name.startswith(EXCLUDED_PREFIXES)
    )


def route_url(name: str, samples: dict) -> str:
    row = ROUTES[name]
    return reverse(name, kwargs=row.kwargs(samples) if row.kwargs else {})


class _Skeleton(HTMLParser):
    """The structure of <main>: tags, attributes and where there is text."""

    def __init__(self):
        super().__init__()
        self.parts: list[str] = []
        self.inside = False

    def handle_starttag(self, tag, attrs):
        self.inside = self.inside or tag == "main"
        if self.inside:
            kept = sorted((key, None if key in VALUELESS else value) for key, value in attrs)
            self.parts.append(f"<{tag} {kept}>")

    def handle_endtag(self, tag):
        if self.inside:
            self.parts.append(f"</{tag}>")
        self.inside = self.inside and tag != "main"

    def handle_data(self, data):
        if self.inside and data.strip():
            self.parts.append("T")


def skeleton(html: str) -> str:
    parser = _Skeleton()
    parser.feed(CSRF.sub("", html))
    assert parser.parts, "no <main> in the page"
    return hashlib.sha256("".join(parser.parts).encode()).hexdigest()


def html_pages(client: Client, role: str, samples: dict, seen: set[str], names: set[str]):
    """The URLs to sweep for `role`: HTML answers whose structure is not in `seen`; the
    names of the routes that answer HTML are added to `names`.

    A page that ends the session (allauth's e-mail confirmation of another account logs
    the visitor out) goes last, and `client` logs in again for the pages after it.
    """
    urls, last = [], []
    for name in swept_routes(role):
        url = route_url(name, samples)
        response = client.get(url)
        if response.streaming:
            b"".join(response.streaming_content)  # closes the file
            continue
        assert response.status_code == 200, f"{name} ({role}): {response.status_code}"
        ends_session = role != "anonymous" and "_auth_user_id" not in client.session
        if ends_session:
            log_in(client, role, samples)
        if not response["Content-Type"].startswith("text/html"):
            continue
        names.add(name)
        key = skeleton(response.content.decode())
        if key not in seen:
            seen.add(key)
            (last if ends_session else urls).append(url)
    return urls + last


def page_problems(page, url: str, width: int) -> list[str]:
    """axe-core's violations and a horizontal scroll, at the tab's current width."""
    problems = []
    results = AxeResults(page.evaluate("options => axe.run(document, options)", AXE_OPTIONS))
    if results.violations_count:
        problems.append(f"{url} at {width} px:\n{results.generate_report()}")
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"{url} at {width} px: the page is {scroll_width} px wide")
    return problems


def sweep_role(browser, base_url: str, session: str | None, urls: list[str]) -> list[str]:
    """One context (the role's session), one tab; each page at every width."""
    context = browser.new_context(
        viewport={"width": WIDTHS[0], "height": 800}, base_url=base_url, locale="fr-FR"
    )
    context.add_init_script(path=str(AXE_FILE_PATH))
    if session:
        name = settings.SESSION_COOKIE_NAME
        context.add_cookies([{"name": name, "value": session, "url": base_url}])
    page = context.new_page()
    page.set_default_timeout(10_000)
    problems = []
    try:
        for url in urls:
            response = page.goto(url)
            assert response.status == 200, f"{url}: {response.status} in the browser"
            # Widths in alternate order: the tab is already at the first one.
            widths = WIDTHS if page.viewport_size["width"] == WIDTHS[0] else WIDTHS[::-1]
            for width in widths:
                page.set_viewport_size({"width": width, "height": 800})
                problems += page_problems(page, url, width)
    finally:
        context.close()
    return problems


@pytest.fixture
def matrix(transactional_db):
    """The access matrix's sample objects, committed for the live server."""
    restore_reference_data()
    return build_samples()


# Decided before the fixtures: skipping must not cost the live server and the samples.
@pytest.mark.skipif(
    not (services_required() or os.environ.get("A11Y_SWEEP")),
    reason="the sweep runs with REQUIRE_SERVICES=1 (CI's PostgreSQL run) or A11Y_SWEEP=1",
)
@pytest.mark.timeout(900)
def test_every_page_of_the_access_matrix_passes_axe(browser, live_server, matrix):
    seen: set[str] = set()
    names: set[str] = set()
    problems, swept = [], 0
    for role in SWEPT_ROLES:
        client = Client()
        log_in(client, role, matrix)
        urls = html_pages(client, role, matrix, seen, names)
        cookie = client.cookies.get(settings.SESSION_COOKIE_NAME)
        session = cookie.value if cookie and role != "anonymous" else None
        if urls:
            problems += sweep_role(browser, live_server.url, session, urls)
        swept += len(urls)
    assert swept > 100, f"only {swept} pages swept: is the access matrix still read?"
    # The accessibility statement lists what this test checks, no more, no less.
    assert sorted(names) == sorted(AUDITED_ROUTES), (
        "update consortium/pages/accessibility.py AUDITED_ROUTES: "
        f"missing {sorted(names - set(AUDITED_ROUTES))}, "
        f"not swept {sorted(set(AUDITED_ROUTES) - names)}"
    )
    assert not problems, f"{len(problems)} problems\n" + "\n\n".join(problems)
