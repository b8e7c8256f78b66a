"""Eligibility matching of opportunities, in SQL: each set empty = no restriction, else the
organisation's value must be in it; one of a person's active organisations is enough."""

from datetime import timedelta

import pytest
from django.utils import timezone
from member_factories import AffiliationFactory, member_of
from project_factories import OpportunityFactory

from members.enums import AffiliationStatus, OrganizationStatus
from members.models import Discipline, Organization
from projects.models import Opportunity, OpportunityFollow
from projects_app.opportunities_helpers import (
    ANDILLY,
    CERGY,
    organization_with,
    restricted_opportunity,
)

pytestmark = pytest.mark.django_db


def matched(opportunity, organizations) -> bool:
    return Opportunity.objects.filter(pk=opportunity.pk).matching(organizations).exists()


def test_epci_and_sector_restriction_reaches_exactly_the_matching_members():
    """The issue's case: restricted to one EPCI and one sector."""
    opportunity = restricted_opportunity(sectors=["culture"], epci_of=[CERGY])
    fits = organization_with(sector="culture", type_slug="mediatheque", insee=CERGY)
    wrong_sector = organization_with(sector="petite_enfance", insee=CERGY)
    wrong_place = organization_with(sector="culture", type_slug="mediatheque", insee=ANDILLY)
    people = {
        "fits": member_of(fits),
        "wrong_sector": member_of(wrong_sector),
        "wrong_place": member_of(wrong_place),
    }
    reached = {
        name
        for name, person in people.items()
        if matched(opportunity, Organization.objects.acted_for_by(person))
    }
    assert reached == {"fits"}


def test_unrestricted_opportunity_matches_every_organisation():
    opportunity = OpportunityFactory()
    assert matched(opportunity, [organization_with(sector="social", type_slug="centre-social")])
    assert matched(opportunity, [organization_with(insee=ANDILLY)])


@pytest.mark.parametrize(
    ("restriction", "profile", "expected"),
    [
        ({"types": ["eaje", "rpe"]}, {"type_slug": "rpe"}, True),
        ({"types": ["eaje"]}, {"type_slug": "pmi"}, False),
        ({"disciplines": ["musique", "danse"]}, {"disciplines": ["danse", "cirque"]}, True),
        ({"disciplines": ["musique"]}, {"disciplines": ["danse"]}, False),
        ({"disciplines": ["musique"]}, {"disciplines": []}, False),
        ({"ages": ["0-1"]}, {"ages": ["0-1", "1-3"]}, True),
        ({"ages": ["parents"]}, {"ages": ["3-6"]}, False),
        ({"sectors": ["petite_enfance", "social"]}, {}, True),
    ],
)
def test_each_dimension(restriction, profile, expected):
    opportunity = restricted_opportunity(**restriction)
    assert matched(opportunity, [organization_with(**profile)]) is expected


def test_all_dimensions_must_hold_for_the_same_organisation():
    """One organisation right on the sector, another right on the EPCI: no match."""
    opportunity = restricted_opportunity(sectors=["culture"], epci_of=[ANDILLY])
    culture_in_cergy = organization_with(sector="culture", type_slug="theatre", insee=CERGY)
    early_in_andilly = organization_with(insee=ANDILLY)
    assert not matched(opportunity, [culture_in_cergy, early_in_andilly])
    culture_in_andilly = organization_with(sector="culture", type_slug="theatre", insee=ANDILLY)
    assert matched(opportunity, [culture_in_cergy, culture_in_andilly])


def test_any_active_organisation_of_a_person_is_enough_not_a_left_one():
    opportunity = restricted_opportunity(sectors=["culture"])
    person = member_of(organization_with())
    assert not matched(opportunity, Organization.objects.acted_for_by(person))
    theatre = organization_with(sector="culture", type_slug="theatre")
    affiliation = AffiliationFactory(person=person, organization=theatre)
    assert matched(opportunity, Organization.objects.acted_for_by(person))
    affiliation.status = AffiliationStatus.LEFT
    affiliation.save()
    assert not matched(opportunity, Organization.objects.acted_for_by(person))


def test_archived_organisations_do_not_count():
    opportunity = restricted_opportunity(sectors=["culture"])
    theatre = organization_with(
        sector="culture", type_slug="theatre", status=OrganizationStatus.ARCHIVED
    )
    assert not Organization.objects.acted_for_by(member_of(theatre)).exists()
    assert matched(opportunity, Organization.objects.filter(pk=theatre.pk))


def test_matching_has_no_duplicates_and_two_queries(django_assert_num_queries):
    """Several organisations and several overlapping disciplines: each opportunity once;
    the organisations' ids are read first (the database then starts from them)."""
    opportunity = restricted_opportunity(disciplines=["musique", "danse", "chant"])
    OpportunityFactory()
    organizations = [
        organization_with(disciplines=["musique", "danse"]),
        organization_with(disciplines=["chant", "danse"]),
    ]
    queryset = Organization.objects.filter(pk__in=[org.pk for org in organizations])
    with django_assert_num_queries(2):
        found = list(Opportunity.objects.matching(queryset))
    assert len(found) == 2
    assert found.count(opportunity) == 1


def test_facets_read_open_to():
    music = restricted_opportunity(disciplines=["musique"])
    dance = restricted_opportunity(disciplines=["danse"])
    everyone = OpportunityFactory()
    found = set(Opportunity.objects.open_to_discipline(Discipline.objects.get(slug="musique")))
    assert found == {music, everyone}
    assert dance not in found


def test_open_closing_within_and_follows():
    today = timezone.localdate()
    past = OpportunityFactory(deadline=today - timedelta(days=1))
    soon = OpportunityFactory(deadline=today + timedelta(days=3))
    last_day = OpportunityFactory(deadline=today)
    permanent = OpportunityFactory(deadline=None)
    later = OpportunityFactory(deadline=today + timedelta(days=40))
    assert set(Opportunity.objects.open()) == {soon, last_day, permanent, later}
    assert set(Opportunity.objects.closing_within(3)) == {soon, last_day}
    assert past not in Opportunity.objects.open()
    person = member_of()
    OpportunityFollow.objects.create(opportunity=soon, person=person)
    followed = {o.pk: o.is_followed for o in Opportunity.objects.with_follow_of(person)}
    assert followed[soon.pk] is True
    assert followed[later.pk] is False
    assert not any(o.is_followed for o in Opportunity.objects.with_follow_of(None))
