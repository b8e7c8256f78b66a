"""The member area and the validation queue in real Chromium: axe-core (WCAG 2.1 AA) at
1280 and 360 px, and a keyboard-only journey from signup to the pending page."""

import re

import pytest
from django.core import mail
from factories import PASSWORD, CoordinatorFactory, UserFactory
from member_factories import (
    AffiliationFactory,
    GroupMembershipFactory,
    NeedFactory,
    OrganizationFactory,
    PersonFactory,
    member_of,
)
from test_accessibility import check_page
from transactional import restore_reference_data

from members.enums import AffiliationStatus, OrganizationStatus, PersonStatus
from members.models import Organization, Person

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)
CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]+(/accounts/confirm-email/[-:\w]+/)")


@pytest.fixture
def network(transactional_db):
    """Territory and vocabularies (a live_server test flushes the migrations' rows)."""
    restore_reference_data()


def pending_creator(name: str) -> Person:
    person = PersonFactory(status=PersonStatus.PENDING, job_title="Directrice")
    organization = OrganizationFactory(
        name=name, status=OrganizationStatus.PENDING, created_by=person.user
    )
    AffiliationFactory(person=person, organization=organization, is_referent=True, status="pending")
    return person


@pytest.fixture
def accounts(network):
    """One account per situation of /espace/, and a queue with a duplicate to flag."""
    organization = OrganizationFactory(name="Médiathèque de la Gare")
    referent = member_of(organization, referent=True)
    GroupMembershipFactory(person=referent)
    NeedFactory(author=referent, title="Un intervenant musique en crèche")
    AffiliationFactory(organization=organization, status=AffiliationStatus.PENDING)
    pending = pending_creator("Mediatheque Gare")  # flagged: close to the one above
    joining = PersonFactory(status=PersonStatus.PENDING)
    AffiliationFactory(person=joining, organization=organization, status="pending")
    return {
        "nouveau": UserFactory(),
        "en-attente": pending.user,
        "membre": referent.user,
        "coordination": CoordinatorFactory(),
    }


PAGES = [
    ("espace-nouveau", "/espace/", "nouveau"),
    ("espace-en-attente", "/espace/", "en-attente"),
    ("espace-membre", "/espace/", "membre"),
    ("espace-profil", "/espace/profil/", "membre"),
    ("espace-creer-structure", "/espace/structure/creer/", "nouveau"),
    ("espace-chercher-structure", "/espace/structure/?q=gare", "nouveau"),
    ("espace-preferences", "/espace/preferences/", "membre"),
    ("espace-supprimer-compte", "/espace/supprimer-mon-compte/", "membre"),
    ("espace-gerer-structure", "/espace/structures/{slug}/", "membre"),
    ("coordination-validations", "/coordination/validations/", "coordination"),
]


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize(("name", "path", "who"), PAGES, ids=[p[0] for p in PAGES])
def test_page(new_page, session_of, screenshots, accounts, name, path, who, width):
    page = new_page(width, session_of(accounts[who]))
    slug = Organization.objects.get(name="Médiathèque de la Gare").slug
    path = path.format(slug=slug)
    response = page.goto(path)
    assert response.status == 200, f"{path} answered {response.status}"
    # Open every <details> so that what they hide is checked too.
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    check_page(page, name, width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_organisation_form_with_errors(new_page, session_of, screenshots, accounts, width):
    page = new_page(width, session_of(accounts["nouveau"]))
    page.goto("/espace/structure/creer/")
    page.locator("main form [type=submit]").click()
    page.wait_for_load_state()
    assert page.locator("[role=alert]").count() == 1
    assert page.locator("#id_name[aria-invalid=true]").count() == 1
    check_page(page, "espace-creer-structure-erreurs", width, screenshots)


def tab_to(page, selector: str, limit: int = 80) -> None:
    """Press Tab until `selector` has the focus (it must be reachable by keyboard)."""
    for _ in range(limit):
        page.keyboard.press("Tab")
        if page.evaluate("(s) => document.activeElement.matches(s)", selector):
            return
    raise AssertionError(f"{selector} never got the focus with Tab")


def test_keyboard_only_signup_to_pending_page(new_page, network, mailoutbox, screenshots):
    page = new_page(1280)
    page.goto("/accounts/signup/")
    tab_to(page, "input[name=email]")
    page.keyboard.type("clavier@exemple.fr")
    tab_to(page, "input[name=password1]")
    page.keyboard.type(PASSWORD)
    tab_to(page, "input[name=password2]")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # The link of the e-mail, then the confirmation button.
    link = CONFIRM_LINK.search(mail.outbox[-1].body).group(1)
    page.goto(link)
    tab_to(page, "main button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # From wherever the confirmation lands, the header leads to the member area.
    tab_to(page, "nav a[href='/espace/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert page.locator("h1").inner_text() == "Bienvenue dans le réseau"

    # Step 1: the profile, submitted with Enter.
    tab_to(page, "#id_first_name")
    page.keyboard.type("Claire")
    page.keyboard.press("Tab")
    page.keyboard.type("Vidal")
    page.keyboard.press("Tab")
    page.keyboard.type("Directrice de crèche")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    # Step 2: create the organisation.
    tab_to(page, "a[href='/espace/structure/creer/']")
    with page.expect_navigation():
        page.keyboard.press("Enter")
    tab_to(page, "#id_name")
    page.keyboard.type("Crèche Les Colibris")
    tab_to(page, "input[name=sector]")
    page.keyboard.press("ArrowDown")  # Culture → Petite enfance
    tab_to(page, "#id_type")
    page.keyboard.type("EAJE")
    tab_to(page, "#id_commune")
    page.keyboard.type("Cergy")
    tab_to(page, "#id_listed_publicly")
    page.keyboard.press("Space")
    tab_to(page, "main form button[type=submit]")
    with page.expect_navigation():
        page.keyboard.press("Enter")

    assert page.locator("h1").inner_text() == "Votre demande est en cours d'examen"
    organization = Organization.objects.get(name="Crèche Les Colibris")
    assert organization.status == OrganizationStatus.PENDING
    assert organization.commune.name == "Cergy"
    assert organization.type.slug == "eaje"
    assert organization.sector == "petite_enfance"
    assert organization.listed_publicly
    person = Person.objects.get(user__email="clavier@exemple.fr")
    assert person.user.get_full_name() == "Claire Vidal"
    check_page(page, "clavier-en-attente", 1280, screenshots)
