"""The coordination's events pages in real Chromium: axe-core (WCAG 2.1 AA) and 360 px on
the list, the form (also with its errors), the registrations and the émargement, and an
émargement done by tapping."""

import pytest
from event_factories import EventFactory, RegistrationFactory, in_days
from factories import CoordinatorFactory, ObserverFactory
from member_factories import NeedFactory, OrganizationFactory, member_of
from test_accessibility import check_page
from transactional import restore_reference_data

from events.enums import EventStatus, RegistrationStatus
from events.models import Attendance

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def network(transactional_db):
    """Territory and vocabularies (a live_server test flushes the migrations' rows), and a
    training with people registered, waiting and cancelled, plus a few other events."""
    restore_reference_data()
    NeedFactory(title="Former les équipes à l'éveil musical")
    training = EventFactory(
        training=True,
        title="Éveil musical : chanter avec les bébés",
        capacity=3,
        # The first session took place yesterday (émargement opens when a session begins).
        sessions=[(in_days(-1, 9), in_days(-1, 12, 30)), (in_days(6, 14), in_days(6, 17))],
    )
    EventFactory(training=True, title="Éveil musical, deuxième session")
    EventFactory(title="Brouillon de rencontre", draft=True, sessions=0)
    EventFactory(title="Festival annulé", status=EventStatus.CANCELLED)
    names = [("Hélène", "Dupré"), ("Zoé", "Lefèvre"), ("Amadou", "Diallo"), ("Inès", "Morel")]
    registrations = []
    for i, (first, last) in enumerate(names):
        organization = OrganizationFactory(name=f"Crèche Les Lucioles {i}")
        person = member_of(
            organization, user__first_name=first, user__last_name=last, phone="01 30 00 00 00"
        )
        registrations.append(
            RegistrationFactory(
                event=training,
                person=person,
                organization_name=organization.name,
                status=RegistrationStatus.CONFIRMED if i < 3 else RegistrationStatus.WAITLISTED,
            )
        )
    RegistrationFactory(event=training, status=RegistrationStatus.CANCELLED)
    return {
        "coordinator": CoordinatorFactory(),
        "observer": ObserverFactory(),
        "training": training,
        "registrations": registrations,
    }


def coordinator_page(new_page, session_of, network, width):
    return new_page(width, session_of(network["coordinator"]))


@pytest.mark.parametrize("width", WIDTHS)
def test_events_list(new_page, session_of, screenshots, network, width):
    page = coordinator_page(new_page, session_of, network, width)
    assert page.goto("/coordination/rencontres/").status == 200
    assert page.get_by_role("link", name="Nouvelle rencontre").is_visible()
    check_page(page, "coordination-rencontres", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_event_form(new_page, session_of, screenshots, network, width):
    page = coordinator_page(new_page, session_of, network, width)
    assert page.goto(f"/coordination/rencontres/{network['training'].slug}/").status == 200
    check_page(page, "coordination-rencontre", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_new_event_form_with_errors(new_page, session_of, screenshots, network, width):
    page = coordinator_page(new_page, session_of, network, width)
    assert page.goto("/coordination/rencontres/nouvelle/").status == 200
    check_page(page, "coordination-rencontre-nouvelle", width, screenshots)
    page.locator("#id_title").fill("Rencontre en ligne")
    page.locator("#id_is_online").check()
    page.locator("#id_capacity").fill("0")
    with page.expect_navigation():
        page.locator("main form.form [type=submit]").click()
    assert page.locator("[role=alert]").is_visible()
    assert page.locator("#id_online_url").get_attribute("aria-invalid") == "true"
    assert page.locator("#id_capacity").get_attribute("aria-invalid") == "true"
    check_page(page, "coordination-rencontre-nouvelle-erreurs", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["coordinator", "observer"])
def test_registrations(new_page, session_of, screenshots, network, who, width):
    page = new_page(width, session_of(network[who]))
    path = f"/coordination/rencontres/{network['training'].slug}/inscriptions/"
    assert page.goto(path).status == 200
    if who == "coordinator":
        page.locator("main details summary").first.click()  # a "Déplacer…" disclosure, opened
    check_page(page, f"coordination-inscriptions-{who}", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_sessions(new_page, session_of, screenshots, network, width):
    page = coordinator_page(new_page, session_of, network, width)
    assert page.goto(f"/coordination/rencontres/{network['training'].slug}/seances/").status == 200
    check_page(page, "coordination-seances", width, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_attendance(new_page, session_of, screenshots, network, width):
    page = coordinator_page(new_page, session_of, network, width)
    training = network["training"]
    session = training.sessions.first()
    path = f"/coordination/rencontres/{training.slug}/emargement/{session.pk}/"
    assert page.goto(path).status == 200
    check_page(page, "coordination-emargement", width, screenshots)


def test_attendance_by_tapping_on_a_phone(new_page, session_of, screenshots, network):
    page = coordinator_page(new_page, session_of, network, 360)
    training = network["training"]
    helene, zoe, _amadou, _waiting = network["registrations"]
    session = training.sessions.first()
    page.goto(f"/coordination/rencontres/{training.slug}/emargement/{session.pk}/")
    page.get_by_role("group", name="Hélène Dupré").get_by_label("Présent·e").check()
    page.get_by_role("group", name="Zoé Lefèvre").get_by_label("Absent·e").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Enregistrer l'émargement").last.click()
    marks = dict(Attendance.objects.values_list("registration_id", "present"))
    assert marks == {helene.pk: True, zoe.pk: False}
    assert page.get_by_text("1 pas encore émargé·e").is_visible()
    assert page.get_by_role("group", name="Hélène Dupré").get_by_label("Présent·e").is_checked()
    check_page(page, "coordination-emargement-enregistre", 360, screenshots)


@pytest.mark.parametrize("width", WIDTHS)
def test_reminders(new_page, session_of, screenshots, network, width):
    page = coordinator_page(new_page, session_of, network, width)
    assert page.goto("/coordination/rencontres/rappels/").status == 200
    check_page(page, "coordination-rappels", width, screenshots)
