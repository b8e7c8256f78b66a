"""WCAG 2.1 AA (axe-core) and small screens, page by page, in real Chromium.

Each page is checked at 1280 px and at 360 px (a small phone), and a full-page
screenshot is written to var/screenshots/<page>-<width>.png for review.
"""

import pytest
from axe_playwright_python.sync_playwright import Axe
from factories import PASSWORD, UserFactory

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]},
    "resultTypes": ["violations"],
}

# name, path, whether the page needs a logged-in visitor
PAGES = [
    ("accueil", "/", False),
    ("accessibilite", "/accessibilite/", False),
    ("mentions-legales", "/mentions-legales/", False),
    ("donnees-personnelles", "/donnees-personnelles/", False),
    ("connexion", "/accounts/login/", False),
    ("inscription", "/accounts/signup/", False),
    ("mot-de-passe-oublie", "/accounts/password/reset/", False),
    ("adresses-e-mail", "/accounts/email/", True),
    ("changer-mot-de-passe", "/accounts/password/change/", True),
    ("deconnexion", "/accounts/logout/", True),
]


def check_page(page, name: str, width: int, screenshots) -> None:
    """Screenshot first (useful even when the checks fail), then axe and overflow."""
    page.screenshot(path=str(screenshots / f"{name}-{width}.png"), full_page=True)
    problems = []
    results = Axe().run(page, options=AXE_OPTIONS)
    if results.violations_count:
        problems.append(results.generate_report())
    scroll_width = page.evaluate("document.documentElement.scrollWidth")
    if scroll_width > width:
        problems.append(f"horizontal scroll: the page is {scroll_width} px wide in {width} px")
    assert not problems, f"{page.url} at {width} px:\n" + "\n".join(problems)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "path", "logged_in"), PAGES, ids=[p[0] for p in PAGES])
def test_page(new_page, session_of, screenshots, name, path, logged_in, width):
    session = session_of(UserFactory()) if logged_in else None
    page = new_page(width, session)
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    assert page.url.endswith(path), f"{path} redirected to {page.url}"
    check_page(page, name, width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_verification_sent_page_after_signup(new_page, screenshots, width):
    page = new_page(width)
    page.goto("/accounts/signup/")
    form = page.locator("main form")
    form.locator("input[name=email]").fill(f"nouvelle-{width}@exemple.fr")
    form.locator("input[name=password1]").fill(PASSWORD)
    form.locator("input[name=password2]").fill(PASSWORD)
    with page.expect_navigation(url="**/accounts/confirm-email/"):
        form.locator("[type=submit]").click()
    check_page(page, "verification-envoyee", width, screenshots)


def test_skip_link_is_the_first_stop_and_moves_focus_to_the_content(new_page):
    page = new_page(1280)
    page.goto("/")
    page.keyboard.press("Tab")
    focused = page.evaluate(
        "({href: document.activeElement.getAttribute('href'),"
        " box: document.activeElement.getBoundingClientRect().toJSON()})"
    )
    assert focused["href"] == "#contenu"
    # Visible once focused (RGAA 12.7): inside the viewport, not a 1 px clip.
    box = focused["box"]
    assert box["width"] > 10 and box["height"] > 10, box
    assert box["top"] >= 0 and box["left"] >= 0, box

    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "contenu"
    assert page.evaluate("document.activeElement.tagName") == "MAIN"
