"""The directory /reseau/, its coverage view and the organisation pages."""

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from member_factories import (
    AffiliationFactory,
    GroupMembershipFactory,
    OrganizationFactory,
    PersonFactory,
    WorkingGroupFactory,
    bulk_organizations,
    commune,
    member_of,
)

from members.enums import OrganizationStatus, PersonStatus, Sector
from members.models import AgeGroup, Discipline, Epci, OrganizationType

pytestmark = pytest.mark.django_db

DIRECTORY = reverse("members:directory")
COVERAGE = reverse("members:coverage")


def count_queries(client, url) -> int:
    """The page's own queries: anonymous pages are otherwise served from the page cache (and
    the bulk loads of these tests send no signal that would replace it)."""
    cache.clear()
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def names(response) -> set[str]:
    return {organization.name for organization in response.context["page_obj"]}


@pytest.fixture
def listed_and_unlisted(organization, referent, member):
    """`organization` (listed, with two people) and an unlisted one with a contact."""
    organization.email, organization.phone = "contact@mediatheque-cergy.fr", "01 34 00 00 00"
    organization.address = "1 place des Arts"
    organization.save()
    unlisted = OrganizationFactory(name="Crèche Discrète", listed_publicly=False)
    member_of(unlisted, referent=True, user__first_name="Dominique", user__last_name="Secret")
    return organization, unlisted


# --- Public view vs member view ---------------------------------------------------------------


def test_public_directory_lists_consenting_organisations_without_personal_data(
    client, listed_and_unlisted, referent, member
):
    listed, unlisted = listed_and_unlisted
    response = client.get(DIRECTORY)

    assert response.status_code == 200
    assert names(response) == {listed.name}
    html = response.content.decode()
    assert listed.name in html
    assert unlisted.name not in html
    for person in (referent, member):
        assert person.user.email not in html
        assert person.user.last_name not in html
    assert "Dominique" not in html
    assert listed.email not in html
    assert listed.phone not in html
    assert listed.address not in html
    assert "1 structure" in html


def test_member_directory_shows_every_active_organisation_with_contacts(
    client, listed_and_unlisted, referent, member
):
    listed, unlisted = listed_and_unlisted
    client.force_login(member.user)
    response = client.get(DIRECTORY)

    assert names(response) == {listed.name, unlisted.name}
    html = response.content.decode()
    assert listed.email in html
    assert listed.phone in html
    assert str(referent) in html
    assert "Dominique" in html
    assert "référent·e" in html


@pytest.mark.parametrize("status", [OrganizationStatus.PENDING, OrganizationStatus.ARCHIVED])
def test_pending_and_archived_organisations_are_not_in_the_directory(client, member, status):
    OrganizationFactory(name="Hors annuaire", status=status)
    client.force_login(member.user)
    assert "Hors annuaire" not in names(client.get(DIRECTORY))


def test_a_pending_partner_gets_the_public_directory(client, pending_person, listed_and_unlisted):
    listed, _unlisted = listed_and_unlisted
    client.force_login(pending_person.user)
    response = client.get(DIRECTORY)
    assert response.status_code == 200
    assert names(response) == {listed.name}
    assert "Dominique" not in response.content.decode()


def test_observer_sees_the_member_directory(observer_client, listed_and_unlisted):
    listed, unlisted = listed_and_unlisted
    assert names(observer_client.get(DIRECTORY)) == {listed.name, unlisted.name}


# --- Filters and pagination ------------------------------------------------------------------


@pytest.fixture
def varied(db):
    """Two organisations that differ on every filter."""
    theatre = OrganizationFactory(
        name="Théâtre du Cerf-Volant",
        sector=Sector.CULTURE,
        type=OrganizationType.objects.get(slug="theatre"),
        commune=commune("95018"),  # Argenteuil, Métropole du Grand Paris
        public_description="Spectacles pour les tout-petits et ateliers parents-enfants.",
    )
    theatre.disciplines.set([Discipline.objects.get(slug="theatre")])
    theatre.age_groups.set([AgeGroup.objects.get(code="parents")])
    creche = OrganizationFactory(name="Crèche Les Lucioles")  # EAJE, Cergy
    creche.disciplines.set([Discipline.objects.get(slug="musique")])
    creche.age_groups.set([AgeGroup.objects.get(code="0-1")])
    return theatre, creche


def filter_values():
    return {
        "sector": Sector.CULTURE.value,
        "type": OrganizationType.objects.get(slug="theatre").pk,
        "discipline": Discipline.objects.get(slug="theatre").pk,
        "age": AgeGroup.objects.get(code="parents").pk,
        "epci": commune("95018").epci_id,
        "commune": commune("95018").pk,
        "q": "ateliers parents",
    }


@pytest.mark.parametrize("name", ["sector", "type", "discipline", "age", "epci", "commune", "q"])
def test_each_filter_keeps_only_matching_organisations(client, varied, name):
    theatre, creche = varied
    assert names(client.get(DIRECTORY)) == {theatre.name, creche.name}
    response = client.get(DIRECTORY, {name: filter_values()[name]})
    assert names(response) == {theatre.name}


def test_text_search_also_matches_the_commune(client, varied):
    _theatre, creche = varied
    assert names(client.get(DIRECTORY, {"q": "cergy"})) == {creche.name}


def test_no_result_says_so_and_offers_to_clear_the_filters(client, varied):
    response = client.get(DIRECTORY, {"q": "introuvable"})
    html = response.content.decode()
    assert "Aucune structure ne correspond à ces critères." in html
    assert "Effacer les filtres" in html


def test_an_unknown_filter_value_is_reported_and_ignored(client, varied):
    response = client.get(DIRECTORY, {"commune": "999999"})
    assert response.status_code == 200
    assert len(names(response)) == 2
    assert 'aria-invalid="true"' in response.content.decode()


def test_pagination_twenty_per_page_keeps_the_filters(client):
    bulk_organizations(25)
    OrganizationFactory(name="Théâtre", sector=Sector.CULTURE)
    first = client.get(DIRECTORY, {"sector": Sector.EARLY_CHILDHOOD.value})
    assert len(first.context["page_obj"]) == 20
    assert first.context["page_obj"].paginator.count == 25
    html = first.content.decode()
    assert "25 structures" in html
    assert 'href="?sector=petite_enfance&amp;page=2#resultats"' in html
    assert 'aria-current="page"' in html
    second = client.get(DIRECTORY, {"sector": Sector.EARLY_CHILDHOOD.value, "page": 2})
    assert len(second.context["page_obj"]) == 5
    assert "Théâtre" not in names(second)


def test_a_page_number_out_of_range_gives_the_last_page(client):
    bulk_organizations(21)
    response = client.get(DIRECTORY, {"page": 99})
    assert response.status_code == 200
    assert response.context["page_obj"].number == 2


# --- Query counts ----------------------------------------------------------------------------


@pytest.mark.parametrize("role", ["public", "member"])
def test_directory_query_count_does_not_grow_with_organisations(client, role):
    bulk_organizations(10, prefix="premier")
    if role == "member":
        client.force_login(member_of().user)
    few = count_queries(client, DIRECTORY)
    bulk_organizations(190, prefix="second")
    assert count_queries(client, DIRECTORY) == few


def test_organisation_page_query_count_does_not_grow_with_people(client):
    organization = OrganizationFactory()
    group = WorkingGroupFactory()
    viewer = member_of()
    client.force_login(viewer.user)

    def add_people(count):
        for _ in range(count):
            person = member_of(organization)
            GroupMembershipFactory(group=group, person=person)

    add_people(3)
    few = count_queries(client, organization.get_absolute_url())
    add_people(30)
    assert count_queries(client, organization.get_absolute_url()) == few


def test_coverage_query_count_does_not_grow(client):
    bulk_organizations(10, prefix="premier")
    few = count_queries(client, COVERAGE)
    bulk_organizations(190, prefix="second", commune_code="95018")
    assert count_queries(client, COVERAGE) == few


# --- Coverage ------------------------------------------------------------------------------


@pytest.fixture
def territory(db):
    """Cergy-Pontoise: 2 culture + 1 early childhood in Cergy, 1 culture in Pontoise
    (unlisted); Roissy: 1 social in Sarcelles. Plus a pending and an archived one, which
    never count."""
    culture = {"sector": Sector.CULTURE, "type": OrganizationType.objects.get(slug="musee")}
    OrganizationFactory(commune=commune("95127"), **culture)
    OrganizationFactory(commune=commune("95127"), **culture)
    OrganizationFactory(commune=commune("95127"))
    OrganizationFactory(commune=commune("95500"), listed_publicly=False, **culture)
    OrganizationFactory(
        commune=commune("95585"),
        sector=Sector.SOCIAL,
        type=OrganizationType.objects.get(slug="centre-social"),
    )
    OrganizationFactory(commune=commune("95018"), status=OrganizationStatus.PENDING)
    OrganizationFactory(commune=commune("95268"), status=OrganizationStatus.ARCHIVED)


def table_row(response, epci_name):
    table = response.context["table"]
    row = next(row for row in table["rows"] if row["object"].name == epci_name)
    return dict(zip([sector.value for sector in table["columns"]], row["cells"], strict=True))


def test_coverage_counts_per_epci_and_sector_for_members(client, territory, member):
    client.force_login(member.user)
    response = client.get(COVERAGE)
    assert response.status_code == 200
    # `member` belongs to the `organization` fixture: one more early-childhood one in Cergy.
    assert table_row(response, "CA de Cergy-Pontoise") == {
        "culture": 3,
        "petite_enfance": 2,
        "social": 0,
        "education": 0,
        "collectivite": 0,
    }
    assert table_row(response, "CA Roissy Pays de France")["social"] == 1
    assert table_row(response, "Métropole du Grand Paris") == dict.fromkeys(
        ["culture", "petite_enfance", "social", "education", "collectivite"], 0
    )
    table = response.context["table"]
    assert table["grand_total"] == 6
    assert table["totals"] == [3, 2, 1, 0, 0]
    assert len(table["rows"]) == Epci.objects.count() == 12


def test_public_coverage_counts_only_consenting_organisations(client, territory):
    response = client.get(COVERAGE)
    assert table_row(response, "CA de Cergy-Pontoise")["culture"] == 2
    assert response.context["table"]["grand_total"] == 4
    html = response.content.decode()
    assert "annuaire public" in html


def test_coverage_renders_a_linked_table_and_a_bar_chart_without_inline_style(
    client, territory, member
):
    client.force_login(member.user)
    html = client.get(COVERAGE).content.decode()
    cergy = Epci.objects.get(name="CA de Cergy-Pontoise")
    assert (
        f'<a href="{reverse("members:directory")}?epci={cergy.pk}">CA de Cergy-Pontoise</a>' in html
    )
    assert 'role="region" aria-labelledby="tableau-couverture"' in html
    assert "<tfoot>" in html
    # The chart says its numbers in text; the bars themselves are hidden from readers.
    assert 'CA de Cergy-Pontoise<span class="visually-hidden"> :</span>' in html
    assert '<svg class="bar-chart__track" aria-hidden="true" focusable="false">' in html
    assert 'class="bar-chart__bar" width="100%"' in html
    assert "style=" not in html


def test_communes_without_member_largest_first(client, territory, member):
    client.force_login(member.user)
    response = client.get(COVERAGE)
    communes = list(response.context["page_obj"])
    codes = [c.insee_code for c in communes]
    populations = [c.population for c in communes]
    assert populations == sorted(populations, reverse=True)
    # Argenteuil (largest) only has a pending organisation, Garges an archived one.
    assert codes[0] == "95018"
    assert "95268" in codes
    for covered in ("95127", "95500", "95585"):
        assert covered not in codes
    assert response.context["page_obj"].paginator.count == 183 - 3
    html = response.content.decode()
    assert "180 communes" in html


def test_public_communes_without_member_follow_the_public_listing(client, territory):
    response = client.get(COVERAGE, {"page": 1})
    codes = {c.insee_code for c in response.context["page_obj"].paginator.object_list}
    assert "95500" in codes  # Pontoise's only organisation is not listed publicly
    assert "95127" not in codes


def test_coverage_communes_are_paginated(client, territory):
    response = client.get(COVERAGE, {"page": 2})
    assert response.context["page_obj"].number == 2
    assert len(response.context["page_obj"]) == 20
    assert 'href="?page=3#sans-structure"' in response.content.decode()


# --- Organisation page ---------------------------------------------------------------------


def test_public_organisation_page_has_no_personal_data(client, organization, referent, member):
    group = WorkingGroupFactory(title="Lire aux bébés")
    GroupMembershipFactory(group=group, person=member)
    organization.email = "contact@mediatheque-cergy.fr"
    organization.save()
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    html = response.content.decode()
    assert organization.name in html
    assert member.user.last_name not in html
    assert member.user.email not in html
    assert organization.email not in html
    assert "Lire aux bébés" not in html


def test_member_organisation_page_shows_people_and_groups(client, organization, referent, member):
    group = WorkingGroupFactory(title="Lire aux bébés")
    GroupMembershipFactory(group=group, person=member)
    archived = WorkingGroupFactory(title="Ancien groupe", archived_at="2026-01-01T00:00Z")
    GroupMembershipFactory(group=archived, person=member)
    viewer = member_of()
    client.force_login(viewer.user)
    response = client.get(organization.get_absolute_url())
    html = response.content.decode()
    assert str(referent) in html
    assert member.job_title in html
    assert "Lire aux bébés" in html
    assert "Ancien groupe" not in html
    assert reverse("members:organization_manage", args=[organization.slug]) not in html


@pytest.mark.parametrize(
    ("who", "can_manage"),
    [("referent", True), ("member", False), ("coordinator", True), ("observer", False)],
)
def test_manage_link_for_referents_and_the_coordination(
    client, organization, referent, member, coordinator, observer, who, can_manage
):
    user = {
        "referent": referent.user,
        "member": member.user,
        "coordinator": coordinator,
        "observer": observer,
    }[who]
    client.force_login(user)
    html = client.get(organization.get_absolute_url()).content.decode()
    manage = reverse("members:organization_manage", args=[organization.slug])
    assert (manage in html) is can_manage


@pytest.fixture
def unlisted(db):
    organization = OrganizationFactory(name="Crèche Discrète", listed_publicly=False)
    member_of(organization, referent=True)
    return organization


@pytest.fixture
def pending_organization(pending_person):
    return pending_person.affiliations.get().organization


ROLES = ["anonymous", "pending", "member", "referent", "other", "coordinator", "observer"]


def login(client, role, *, member, referent, other_member, pending_person, coordinator, observer):
    users = {
        "pending": pending_person.user,
        "member": member.user,
        "referent": referent.user,
        "other": other_member.user,
        "coordinator": coordinator,
        "observer": observer,
    }
    if role != "anonymous":
        client.force_login(users[role])


EXPECTED_ORGANIZATION_STATUS = {
    # role: (listed, unlisted, pending organisation of `pending_person`, archived)
    "anonymous": (200, 404, 404, 404),
    "pending": (200, 404, 200, 404),
    "member": (200, 200, 404, 404),
    "referent": (200, 200, 404, 404),
    "other": (200, 200, 404, 404),
    "coordinator": (200, 200, 200, 200),
    "observer": (200, 200, 200, 200),
}


@pytest.mark.parametrize("role", ROLES)
def test_organisation_page_access(
    client,
    role,
    organization,
    unlisted,
    pending_organization,
    member,
    referent,
    other_member,
    pending_person,
    coordinator,
    observer,
):
    archived = OrganizationFactory(status=OrganizationStatus.ARCHIVED)
    login(
        client,
        role,
        member=member,
        referent=referent,
        other_member=other_member,
        pending_person=pending_person,
        coordinator=coordinator,
        observer=observer,
    )
    statuses = tuple(
        client.get(org.get_absolute_url()).status_code
        for org in (organization, unlisted, pending_organization, archived)
    )
    assert statuses == EXPECTED_ORGANIZATION_STATUS[role]


def test_a_member_sees_their_own_archived_organisation(client):
    organization = OrganizationFactory(status=OrganizationStatus.ARCHIVED)
    person = PersonFactory()
    AffiliationFactory(person=person, organization=organization)
    client.force_login(person.user)
    response = client.get(organization.get_absolute_url())
    assert response.status_code == 200
    assert "Archivée" in response.content.decode()


@pytest.mark.parametrize("role", ROLES)
@pytest.mark.parametrize("url", [DIRECTORY, COVERAGE])
def test_directory_and_coverage_are_open_to_everyone(
    client,
    role,
    url,
    member,
    referent,
    other_member,
    pending_person,
    coordinator,
    observer,
):
    login(
        client,
        role,
        member=member,
        referent=referent,
        other_member=other_member,
        pending_person=pending_person,
        coordinator=coordinator,
        observer=observer,
    )
    assert client.get(url).status_code == 200


def test_inactive_people_are_not_listed_as_contacts(client, organization, member):
    member_of(organization, status=PersonStatus.REFUSED, user__last_name="Refusée")
    viewer = member_of()
    client.force_login(viewer.user)
    assert "Refusée" not in client.get(organization.get_absolute_url()).content.decode()
