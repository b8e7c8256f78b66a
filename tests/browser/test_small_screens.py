"""What a phone shows first, in real Chromium: a short header whose menu opens without
JavaScript, the émargement's save button always on screen, the registration box high on an
event page, a dossier board that fits the screen, and unique landmarks (axe) on the pages
that repeated them."""

import pytest
from axe_playwright_python.sync_playwright import Axe
from django.conf import settings
from event_factories import EventFactory, RegistrationFactory, in_days
from factories import CoordinatorFactory
from member_factories import OrganizationFactory
from project_factories import DossierFactory
from test_accessibility import check_page
from transactional import restore_reference_data

from events.enums import RegistrationStatus
from events.models import Attendance
from projects.enums import DossierStatus

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)
PHONE_HEIGHT = 800
# Brand and menu button on one row: about 125 px; the six-row header was 630 px.
PHONE_HEADER_MAX = 160


@pytest.fixture
def network(transactional_db):
    """A training with a long émargement list and a waitlist, and a dossier at every step."""
    restore_reference_data()
    training = EventFactory(
        training=True,
        title="Éveil musical : chanter avec les bébés",
        capacity=30,
        # One session under way (the émargement opens when a session begins), one to come.
        sessions=[(in_days(-1, 9), in_days(-1, 12, 30)), (in_days(5, 9), in_days(5, 12, 30))],
    )
    RegistrationFactory.create_batch(20, event=training)
    RegistrationFactory.create_batch(2, event=training, status=RegistrationStatus.WAITLISTED)
    organization = OrganizationFactory(name="Multi-accueil Les Lucioles")
    for status in DossierStatus:
        DossierFactory.create_batch(2, organization=organization, status=status)
    return {"coordinator": CoordinatorFactory(), "training": training}


@pytest.fixture
def open_page(browser, live_server, session_of, network):
    """`open_page(width, javascript=True)`: a tab logged in as the coordinator."""
    contexts = []

    def open_(width: int, javascript: bool = True):
        context = browser.new_context(
            viewport={"width": width, "height": PHONE_HEIGHT},
            base_url=live_server.url,
            locale="fr-FR",
            java_script_enabled=javascript,
        )
        contexts.append(context)
        context.add_cookies(
            [
                {
                    "name": settings.SESSION_COOKIE_NAME,
                    "value": session_of(network["coordinator"]),
                    "url": live_server.url,
                }
            ]
        )
        page = context.new_page()
        page.set_default_timeout(10_000)
        return page

    yield open_
    for context in contexts:
        context.close()


def header_height(page) -> float:
    return page.evaluate("document.querySelector('header').getBoundingClientRect().height")


def main_nav(page):
    return page.get_by_role("navigation", name="Navigation principale")


def menu_toggle(page):
    # A <summary>: the browser exposes it as a disclosure button with its expanded state.
    return page.locator("header summary", has_text="Menu")


def in_viewport(page, locator) -> bool:
    box = locator.bounding_box()
    return box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE_HEIGHT


# --- Header ------------------------------------------------------------------------------


def test_on_a_phone_the_header_is_short_and_its_menu_opens_without_javascript(open_page):
    page = open_page(360, javascript=False)
    page.goto("/coordination/rencontres/")
    assert header_height(page) <= PHONE_HEADER_MAX
    assert not main_nav(page).is_visible()
    toggle = menu_toggle(page)
    toggle.focus()
    page.keyboard.press("Enter")
    assert main_nav(page).get_by_role("link", name="Rencontres").is_visible()
    assert page.get_by_role("button", name="Se déconnecter").is_visible()
    # The header search has a visible label, not only an accessible name.
    label = page.locator("label[for=recherche-entete]")
    assert label.is_visible() and label.bounding_box()["width"] > 50
    assert page.get_by_role("searchbox", name="Rechercher dans le site").is_visible()
    page.keyboard.press("Enter")
    assert not main_nav(page).is_visible()


def test_on_a_computer_the_menu_is_open_and_the_button_hidden(open_page):
    page = open_page(1280)
    page.goto("/coordination/rencontres/")
    assert not page.locator("summary.site-menu__toggle").is_visible()
    assert main_nav(page).get_by_role("link", name="Rencontres").is_visible()
    assert page.locator("label[for=recherche-entete]").bounding_box()["width"] > 50
    # Everything in the header is reachable with Tab, the navigation included.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim() === 'Rencontres'"):
            break
    else:
        raise AssertionError("the main navigation never got the focus with Tab")


# --- Émargement, event page, board --------------------------------------------------------


def test_the_save_button_of_the_emargement_stays_on_a_phone_screen(open_page, network):
    page = open_page(360)
    training = network["training"]
    session = training.sessions.first()
    page.goto(f"/coordination/rencontres/{training.slug}/emargement/{session.pk}/")
    save = page.get_by_role("button", name="Enregistrer l'émargement")
    assert save.count() == 1
    assert in_viewport(page, save), "not on the first screen"
    people = page.locator("main fieldset")
    people.nth(10).scroll_into_view_if_needed()
    assert in_viewport(page, save), "not on screen in the middle of the list"
    people.nth(10).get_by_label("Présent·e").check()
    with page.expect_navigation():
        save.click()
    assert Attendance.objects.filter(present=True).count() == 1


def test_the_registration_box_comes_first_on_a_phone(open_page, network):
    page = open_page(360)
    page.goto(network["training"].get_absolute_url())
    registration = page.locator("#inscription")
    assert in_viewport(page, registration)
    top = {
        anchor: page.locator(anchor).bounding_box()["y"] for anchor in ("#inscription", "#seances")
    }
    assert top["#inscription"] < top["#seances"]


@pytest.mark.parametrize("width", WIDTHS)
def test_the_dossier_board_fits_the_screen(open_page, width):
    page = open_page(width)
    page.goto("/dossiers/tableau/")
    sizes = page.evaluate(
        "[...document.querySelectorAll('html, .dossier-board')]"
        ".map((e) => [e.scrollWidth, e.clientWidth])"
    )
    assert len(sizes) == 2
    for scroll_width, client_width in sizes:
        assert scroll_width <= client_width
    assert page.get_by_role("heading", name="Clos").is_visible()


# --- Landmarks ---------------------------------------------------------------------------

LANDMARK_RULES = {"runOnly": {"type": "rule", "values": ["landmark-unique"]}}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("page_name", ["rencontres", "inscriptions", "tableau"])
def test_landmarks_are_unique(open_page, screenshots, network, page_name, width):
    slug = network["training"].slug
    path = {
        "rencontres": "/coordination/rencontres/",
        "inscriptions": f"/coordination/rencontres/{slug}/inscriptions/",
        "tableau": "/dossiers/tableau/",
    }[page_name]
    page = open_page(width)
    assert page.goto(path).status == 200
    results = Axe().run(page, options=LANDMARK_RULES)
    assert not results.violations_count, results.generate_report()
    if width == 360:
        menu_toggle(page).click()  # the open menu too
        results = Axe().run(page, options=LANDMARK_RULES)
        assert not results.violations_count, results.generate_report()
    check_page(page, f"ecran-{page_name}", width, screenshots)
