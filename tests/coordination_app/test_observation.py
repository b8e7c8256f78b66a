"""The Département's view: the Observation group reads what the coordination sees and
writes nothing; no link on their pages leads to a 404 or to a form.

The crawl starts from the pages of their navigation and follows every link one level
down; their own account pages (/espace/, /accounts/) are theirs to edit and left out.
"""

import re
from urllib.parse import urlsplit

import pytest
from django.urls import reverse
from event_factories import EventFactory, RegistrationFactory, in_days
from member_factories import NeedFactory, PersonFactory
from project_factories import DossierFactory

from members.enums import PersonStatus

OWN_PAGES = ("/espace/", "/accounts/", "/i18n/", "/static/", "/media/")
# Forms every page has: the language switch and signing out.
HARMLESS_FORMS = ("/i18n/setlang/", "/accounts/logout/")
# Pages whose form only reads: the Observation group generates activity reports (issue 11:
# "the coordinator and the Observation group choose a period and generate").
READING_FORMS = {"/coordination/rapports/"}
LINK = re.compile(r'<a [^>]*href="([^"#]*)[^"]*"')
POST_FORM = re.compile(r'<form [^>]*method="post"[^>]*>', re.IGNORECASE)
ACTION = re.compile(r'action="([^"]*)"')


def links(html: str) -> set[str]:
    found = set()
    for href in LINK.findall(html):
        parts = urlsplit(href)
        if parts.netloc or not parts.path.startswith("/") or parts.path.startswith(OWN_PAGES):
            continue
        found.add(href)
    return found


def writing_forms(html: str) -> list[str]:
    forms = [ACTION.search(form) for form in POST_FORM.findall(html)]
    actions = [match.group(1) if match else "" for match in forms]
    return [action for action in actions if not action.startswith(HARMLESS_FORMS)]


@pytest.fixture
def network(db):
    PersonFactory(status=PersonStatus.PENDING)
    NeedFactory()
    event = EventFactory(sessions=[(in_days(3), in_days(3, 12))])
    RegistrationFactory(event=event)
    DossierFactory(amount_requested=5000, funder="DRAC Île-de-France")


def test_observers_reach_no_404_and_no_form(observer_client, network):
    start = [
        reverse("coordination:dashboard"),
        reverse("events:manage"),
        reverse("projects:dossier_board"),
        reverse("members:coverage"),
    ]
    seen, problems = set(), []
    for page in start:
        html = observer_client.get(page).content.decode()
        for href in sorted(links(html) - seen):
            seen.add(href)
            response = observer_client.get(href)
            if response.status_code != 200:
                problems.append(f"{page} → {href}: {response.status_code}")
            elif href not in READING_FORMS and (forms := writing_forms(response.content.decode())):
                problems.append(f"{page} → {href}: a form to {forms}")
    assert len(seen) > 20
    assert not problems, "\n".join(problems)


def test_the_board_shows_amounts_by_funder_and_year_to_observers(observer_client, network):
    DossierFactory(amount_requested=2500, amount_granted=2000, funder="DRAC Île-de-France")
    page = observer_client.get(reverse("projects:dossier_board")).content.decode()
    assert "Montants par financeur et par année" in page
    assert "7\xa0500" in page and "2\xa0000" in page
    assert "lecture seule" in page
    assert f'href="{reverse("projects:dossiers")}"' not in page
