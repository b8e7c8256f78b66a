"""Mailings in real Chromium: axe-core (WCAG 2.1 AA) at 1280 and 360 px on the form (with
an error), the preview of a draft, and a member's archive of the mailings they received."""

import pytest
from event_factories import EventFactory
from factories import CoordinatorFactory
from member_factories import OrganizationFactory, member_of
from test_accessibility import check_page
from transactional import restore_reference_data

from coordination import services

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)
BODY = "<p>Bonjour,</p><p>La rencontre <strong>Lire aux bébés</strong> a lieu le 12.</p>"


@pytest.fixture
def mailings(transactional_db):
    restore_reference_data()
    member = member_of(OrganizationFactory())
    event = EventFactory(title="Lire aux bébés")
    coordinator = CoordinatorFactory()
    fields = {"subject": "Rencontre du réseau", "body": BODY, "everyone": True, "sectors": []}
    sent = services.mailing_create(actor=coordinator, fields=fields, m2m={})
    services.mailing_send(actor=coordinator, mailing=sent)
    draft = services.mailing_create(
        actor=coordinator, fields=fields | {"everyone": False}, m2m={"registrants_of": [event]}
    )
    return {"coordinator": coordinator, "member": member, "draft": draft, "event": event}


@pytest.mark.parametrize("width", WIDTHS)
def test_the_form_with_an_error(new_page, session_of, screenshots, mailings, width):
    page = new_page(width, session_of(mailings["coordinator"]))
    url = f"/coordination/envois/nouveau/?rencontre={mailings['event'].slug}"
    assert page.goto(url).status == 200
    check_page(page, "envoi-formulaire", width, screenshots)
    page.get_by_label("Objet").fill("")
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer et voir l'aperçu").click()
    assert page.get_by_text("Donnez un objet au message.").first.is_visible()
    check_page(page, "envoi-formulaire-erreur", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_preview(new_page, session_of, screenshots, mailings, width):
    page = new_page(width, session_of(mailings["coordinator"]))
    assert page.goto(f"/coordination/envois/{mailings['draft'].pk}/").status == 200
    assert page.get_by_role("heading", name="Aperçu").is_visible()
    check_page(page, "envoi-apercu", width, screenshots)
    assert page.goto("/coordination/envois/").status == 200
    check_page(page, "envois", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_the_archive(new_page, session_of, screenshots, mailings, width):
    page = new_page(width, session_of(mailings["member"].user))
    assert page.goto("/espace/messages/").status == 200
    assert page.get_by_role("link", name="Rencontre du réseau").is_visible()
    check_page(page, "mes-messages", width, screenshots)
