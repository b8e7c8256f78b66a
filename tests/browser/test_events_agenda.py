"""The agenda in real Chromium: axe-core (WCAG 2.1 AA) at 1280 and 360 px for the public
and a member, and a registration done by clicking « M'inscrire »."""

import pytest
from event_factories import AttendanceFactory, EventFactory, RegistrationFactory, in_days
from member_factories import NeedFactory, OrganizationFactory, WorkingGroupFactory, member_of
from test_accessibility import check_page
from transactional import restore_reference_data

from consortium.core.models import OutboxMessage
from events.enums import RegistrationStatus
from events.models import Registration

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def agenda(transactional_db):
    """Territory and vocabularies (a live_server test flushes the migrations' rows), events."""
    restore_reference_data()
    member = member_of(OrganizationFactory(name="Multi-accueil Les Lucioles"))
    training = EventFactory(
        title="Formation : lire des albums aux tout-petits",
        training=True,
        description="Trois demi-journées pour lire avec les bébés.\n\nAvec une autrice.",
        group=WorkingGroupFactory(title="Lire avec les tout-petits"),
        sessions=[(in_days(d, 9), in_days(d, 12, 30)) for d in (12, 19, 26)],
        capacity=2,
    )
    training.needs.add(NeedFactory(title="Former les équipes à la lecture à voix haute"))
    RegistrationFactory(event=training)
    EventFactory(title="Café des partenaires", online=True, members_only=True)
    EventFactory(title="Festival Premiers Pas", capacity=1)
    past = EventFactory(
        title="Formation : éveil musical",
        training=True,
        sessions=[(in_days(-20, 14), in_days(-20, 17, 30))],
    )
    AttendanceFactory(registration__event=past, registration__person=member)
    RegistrationFactory(event=EventFactory(title="Rencontre de printemps"), person=member)
    return {"member": member, "training": training}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_agenda_list(new_page, session_of, screenshots, agenda, who, width):
    session = session_of(agenda["member"].user) if who == "member" else None
    page = new_page(width, session)
    assert page.goto("/agenda/").status == 200
    assert (page.locator("text=Café des partenaires").count() > 0) == (who == "member")
    check_page(page, f"agenda-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["anonymous", "member"])
def test_event_page(new_page, session_of, screenshots, agenda, who, width):
    session = session_of(agenda["member"].user) if who == "member" else None
    page = new_page(width, session)
    assert page.goto(agenda["training"].get_absolute_url()).status == 200
    check_page(page, f"rencontre-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_past_agenda_and_my_registrations(new_page, session_of, screenshots, agenda, width):
    page = new_page(width, session_of(agenda["member"].user))
    assert page.goto("/agenda/?periode=passees").status == 200
    check_page(page, "agenda-passees", width, screenshots)
    assert page.goto("/agenda/mes-inscriptions/").status == 200
    page.locator("main details summary").click()
    check_page(page, "mes-inscriptions", width, screenshots)


def test_register_by_clicking(new_page, session_of, screenshots, agenda):
    member, training = agenda["member"], agenda["training"]
    page = new_page(360, session_of(member.user))
    page.goto(training.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("button", name="M'inscrire").click()

    assert page.url.endswith(training.get_absolute_url())
    assert page.get_by_text("C'est noté, vous êtes inscrit·e !").is_visible()
    assert page.get_by_text("Vous êtes inscrit·e à cette rencontre.").is_visible()
    assert page.get_by_role("button", name="Me désinscrire").is_visible()
    registration = Registration.objects.get(event=training, person=member)
    assert registration.status == RegistrationStatus.CONFIRMED
    message = OutboxMessage.objects.get(template="participant_registration_confirmed")
    assert message.recipient_email == member.user.email
    check_page(page, "rencontre-inscrite", 360, screenshots)


def test_full_event_puts_the_clicker_on_the_waitlist(new_page, session_of, agenda):
    member = agenda["member"]
    festival = EventFactory(title="Complet", capacity=1, sessions=[(in_days(8), in_days(8, 12))])
    RegistrationFactory(event=festival)
    page = new_page(1280, session_of(member.user))
    page.goto(festival.get_absolute_url())
    with page.expect_navigation():
        page.get_by_role("button", name="M'inscrire").click()
    assert page.get_by_text("Vous êtes en tête de la liste d'attente").is_visible()
    registration = Registration.objects.get(event=festival, person=member)
    assert registration.status == RegistrationStatus.WAITLISTED
    assert page.get_by_role("button", name="Quitter la liste d'attente").is_visible()
