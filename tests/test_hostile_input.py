"""Hostile input, property-based (hypothesis): whatever the query string of a list or the
text of a form, no page answers 500, a refused form says why in French, and a refused
form changes nothing.

Values mix control, bidirectional and confusable characters, very long text, malformed
dates and numbers, unexpected choices and ids; keys are each list's own filters plus
random ones.
"""

import hostile
import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given, settings
from hypothesis import strategies as st
from member_factories import NeedFactory, member_of

from members.models import Need

# The shared strategies (tests/hostile.py): control, direction and look-alike characters,
# markup, very long text, malformed dates, numbers and ids.
text = hostile.text
values = hostile.hostile_value
KEYS = [
    "q",
    "page",
    "periode",
    "secteur",
    "sector",
    "epci",
    "theme",
    "discipline",
    "age",
    "statut",
    "status",
    "kind",
    "type",
    "commune",
    "deadline_before",
    "organization",
    "ordre",
    "annee",
]
queries = st.dictionaries(st.sampled_from(KEYS) | text, values, max_size=4)
# The `portal` profile (tests/conftest.py), with more examples: a GET is cheap.
HYPOTHESIS = settings(max_examples=15)

PUBLIC_LISTS = [
    "events:agenda",
    "projects:practices",
    "members:directory",
    "members:coverage",
    "projects:resources",
    "projects:opportunities_public",
    "projects:search",
]
MEMBER_LISTS = ["members:needs", "members:groups", "projects:opportunities", "projects:projects"]
COORDINATION_LISTS = [
    "events:manage",
    "members:validations",
    "projects:dossier_board",
    "projects:dossiers",
    "coordination:dashboard",
    "coordination:mailings",
]


def assert_answers(client: Client, name: str, query: dict) -> None:
    response = client.get(reverse(name), query)
    assert response.status_code in (200, 302, 400, 404), (name, query, response.status_code)


@pytest.mark.parametrize("name", PUBLIC_LISTS)
def test_public_lists_take_any_query_string(client, db, name):
    @HYPOTHESIS
    @given(query=queries)
    def check(query):
        assert_answers(client, name, query)

    check()


@pytest.mark.parametrize("name", MEMBER_LISTS)
def test_member_lists_take_any_query_string(client, db, name):
    client.force_login(member_of().user)

    @HYPOTHESIS
    @given(query=queries)
    def check(query):
        assert_answers(client, name, query)

    check()


@pytest.mark.parametrize("name", COORDINATION_LISTS)
def test_coordination_lists_take_any_query_string(coordinator_client, name):
    @HYPOTHESIS
    @given(query=queries)
    def check(query):
        assert_answers(coordinator_client, name, query)

    check()


def test_a_hostile_need_is_refused_in_french_or_kept_as_typed(client, db):
    person = member_of()
    client.force_login(person.user)
    NeedFactory()

    @HYPOTHESIS
    @given(title=values, description=values, theme=values, commune=values)
    def check(title, description, theme, commune):
        before = Need.objects.count()
        data = {"title": title, "description": description, "theme": theme, "commune": commune}
        data |= {"sector": "culture"}
        response = client.post(reverse("members:need_create"), data)
        assert response.status_code in (200, 302)
        if response.status_code == 200:  # refused: says so in French, changes nothing
            assert "Le formulaire n'a pas pu être envoyé" in response.content.decode()
            assert Need.objects.count() == before
        else:
            need = Need.objects.latest("pk")
            assert need.title == title.strip() and "\u202e" not in need.title

    check()
