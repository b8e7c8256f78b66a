"""Public pages are served from the cache to anonymous visitors, per language, and a change
of what they show is visible at once; a signed-in person never gets an anonymous page."""

import pytest
from django.conf import settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from event_factories import EventFactory, RegistrationFactory
from member_factories import PersonFactory
from project_factories import OpportunityFactory, PracticeFactory

from consortium.core.workflows import workflow_apply
from events.enums import EventStatus
from projects.enums import PracticeStatus, ProjectsAuditAction
from projects.workflows import PRACTICE_TRANSITIONS

pytestmark = pytest.mark.django_db

PUBLIC_PAGES = [
    "/",
    "/agenda/",
    "/bonnes-pratiques/",
    "/reseau/",
    "/reseau/couverture/",
    "/financements/publiques/",
    "/ressources/",
    "/accessibilite/",
]


def english(client: Client) -> Client:
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    return client


def queries(client: Client, path: str) -> tuple[int, str]:
    with CaptureQueriesContext(connection) as context:
        response = client.get(path)
    assert response.status_code == 200
    return len(context), response.content.decode()


@pytest.mark.parametrize("path", PUBLIC_PAGES)
def test_an_anonymous_visit_sets_no_cookie_and_the_second_costs_no_query(client, path):
    first = client.get(path)
    assert first.status_code == 200
    assert not first.cookies, f"{path} sets {list(first.cookies)}"
    assert b"csrfmiddlewaretoken" not in first.content
    count, html = queries(client, path)
    assert count == 0
    assert html == first.content.decode()
    assert "max-age=0" in first["Cache-Control"]


def test_a_browser_that_has_the_page_gets_a_304(client):
    etag = client.get("/agenda/")["ETag"]
    assert client.get("/agenda/", headers={"if-none-match": etag}).status_code == 304
    EventFactory()
    assert client.get("/agenda/", headers={"if-none-match": etag}).status_code == 200


def test_event_and_practice_pages_are_cached_too(client):
    event, practice = EventFactory(), PracticeFactory()
    for path in (event.get_absolute_url(), practice.get_absolute_url()):
        client.get(path)
        assert queries(client, path)[0] == 0


def test_the_language_switch_needs_no_csrf_token_and_changes_the_cached_page():
    client = Client(enforce_csrf_checks=True)
    assert "Agenda" in client.get("/").content.decode()
    response = client.post(reverse("set_language"), {"language": "en", "next": "/"})
    assert response.status_code == 302
    assert response.cookies[settings.LANGUAGE_COOKIE_NAME].value == "en"
    assert client.get("/")["Content-Language"] == "en"


def test_a_published_practice_shows_at_once_in_both_languages(client, coordinator):
    practice = PracticeFactory(title="Bébés lecteurs", status=PracticeStatus.SUBMITTED)
    french, other = client, english(Client())
    for visitor in (french, other):
        assert "Bébés lecteurs" not in visitor.get("/bonnes-pratiques/").content.decode()
    workflow_apply(
        transitions=PRACTICE_TRANSITIONS,
        obj=practice,
        name="publier",
        actor=coordinator,
        history=practice.transitions,
        audit_action=ProjectsAuditAction.PRACTICE_TRANSITION,
    )
    for visitor in (french, other):
        assert "Bébés lecteurs" in visitor.get("/bonnes-pratiques/").content.decode()


def test_a_cancelled_event_shows_at_once(client):
    event = EventFactory(title="Concert au berceau")
    assert "badge--error" not in client.get("/agenda/").content.decode()
    client.get(event.get_absolute_url())
    event.status = EventStatus.CANCELLED
    event.save()
    assert "annul" in client.get(event.get_absolute_url()).content.decode().lower()
    assert "badge--error" in client.get("/agenda/").content.decode()  # the "annulée" badge


def test_an_edited_opportunity_shows_at_once(client):
    opportunity = OpportunityFactory(title="Appel à résidences 2027", is_public=True)
    assert "Appel à résidences 2027" in client.get("/financements/publiques/").content.decode()
    opportunity.title = "Appel à résidences en crèche 2027"
    opportunity.save()
    page = client.get("/financements/publiques/").content.decode()
    assert "Appel à résidences en crèche 2027" in page


def test_a_registration_that_fills_an_event_shows_at_once(client):
    event = EventFactory(capacity=1)
    assert "1 restante" in client.get(event.get_absolute_url()).content.decode()
    RegistrationFactory(event=event, person=PersonFactory())
    assert "0 restante" in client.get(event.get_absolute_url()).content.decode()


def test_a_signed_in_person_never_gets_the_anonymous_page_nor_the_reverse(client, member):
    anonymous = Client()
    anonymous.get("/agenda/")  # cached for anonymous visitors
    client.force_login(member.user)
    signed_in = client.get("/agenda/").content.decode()
    assert member.user.email in signed_in
    assert member.user.email not in anonymous.get("/agenda/").content.decode()
    # A visitor holding a session (just signed out, messages pending) is not served either.
    anonymous.cookies[settings.SESSION_COOKIE_NAME] = "whatever"
    assert queries(anonymous, "/agenda/")[0] > 0
