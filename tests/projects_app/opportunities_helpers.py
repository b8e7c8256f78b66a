"""Helpers of the funding-watch tests: organisations with a profile, restricted
opportunities, and digest subscribers with their consent."""

from member_factories import OrganizationFactory, commune, member_of
from project_factories import OpportunityFactory

from members.models import AgeGroup, ConsentRecord, Discipline, Epci, OrganizationType
from projects.models import OpportunitySector

CERGY = "95127"  # CA de Cergy-Pontoise
ANDILLY = "95014"  # CA Plaine Vallée


def organization_with(
    *, sector="petite_enfance", type_slug="eaje", insee=CERGY, disciplines=(), ages=(), **fields
):
    """An active organisation with the given profile."""
    organization = OrganizationFactory(
        sector=sector,
        type=OrganizationType.objects.get(slug=type_slug),
        commune=commune(insee),
        **fields,
    )
    organization.disciplines.set(Discipline.objects.filter(slug__in=disciplines))
    organization.age_groups.set(AgeGroup.objects.filter(code__in=ages))
    return organization


def restricted_opportunity(*, sectors=(), types=(), disciplines=(), ages=(), epci_of=(), **fields):
    """A published opportunity restricted as told (EPCIs given by one commune each)."""
    opportunity = OpportunityFactory(**fields)
    OpportunitySector.objects.bulk_create(
        OpportunitySector(opportunity=opportunity, sector=sector) for sector in sectors
    )
    opportunity.eligible_types.set(OrganizationType.objects.filter(slug__in=types))
    opportunity.eligible_disciplines.set(Discipline.objects.filter(slug__in=disciplines))
    opportunity.eligible_ages.set(AgeGroup.objects.filter(code__in=ages))
    opportunity.eligible_epcis.set(Epci.objects.filter(communes__insee_code__in=epci_of))
    return opportunity


def consent(person, given=True):
    return ConsentRecord.objects.create(
        person=person, purpose="digest", given=given, wording_version="2026-11", wording="Oui"
    )


def subscriber(organization=None, **person_fields):
    """An active member who asked for the digest and consented to it."""
    person = member_of(organization, wants_digest=True, **person_fields)
    consent(person)
    return person
