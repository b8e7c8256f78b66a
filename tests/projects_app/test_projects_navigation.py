"""Where the projects app shows up: header entries per role, and the member area's links."""

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db

HOME = reverse("pages:home")


def nav_urls(response) -> list[str]:
    return [item["url"] for item in response.context["nav_items"]]


def test_the_public_sees_the_public_pages_only(client):
    urls = nav_urls(client.get(HOME))
    assert {"/bonnes-pratiques/", "/ressources/", "/financements/publiques/"} <= set(urls)
    assert not {"/financements/", "/projets/", "/dossiers/"} & set(urls)


def test_a_partner_sees_the_watch_projects_and_dossiers(client, member):
    client.force_login(member.user)
    urls = nav_urls(client.get(HOME))
    assert {"/financements/", "/projets/", "/dossiers/"} <= set(urls)
    assert "/financements/publiques/" not in urls


def test_observers_have_no_dossiers_entry(observer_client):
    urls = nav_urls(observer_client.get(HOME))
    assert "/financements/" in urls and "/dossiers/" not in urls


def test_the_member_area_links_to_dossiers_proposals_and_followed_funding(client, member):
    client.force_login(member.user)
    page = client.get(reverse("members:space")).content.decode()
    for link in ('href="/dossiers/"', 'href="/bonnes-pratiques/mes-propositions/"'):
        assert link in page
    assert 'href="/financements/?suivies=1"' in page
