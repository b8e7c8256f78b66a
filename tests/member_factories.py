"""factory_boy factories of the network: organisations, people, groups, needs."""

import factory
from factories import UserFactory

from members.enums import (
    AffiliationStatus,
    GroupMembershipStatus,
    OrganizationStatus,
    PersonStatus,
    Sector,
)
from members.models import (
    Action,
    Affiliation,
    Commune,
    GroupMembership,
    Need,
    Organization,
    OrganizationType,
    Person,
    Theme,
    WorkingGroup,
)


def commune(insee_code="95127"):  # Cergy
    return Commune.objects.get(insee_code=insee_code)


class OrganizationFactory(factory.django.DjangoModelFactory):
    """An active organisation of the early-childhood sector, in Cergy."""

    class Meta:
        model = Organization

    name = factory.Sequence(lambda n: f"Crèche Les Petits Pas {n}")
    slug = factory.Sequence(lambda n: f"creche-les-petits-pas-{n}")
    sector = Sector.EARLY_CHILDHOOD
    type = factory.LazyFunction(lambda: OrganizationType.objects.get(slug="eaje"))
    commune = factory.LazyFunction(commune)
    status = OrganizationStatus.ACTIVE
    listed_publicly = True


class PersonFactory(factory.django.DjangoModelFactory):
    """An active member (validated by the coordination), without organisation."""

    class Meta:
        model = Person

    user = factory.SubFactory(UserFactory)
    job_title = "Éducatrice de jeunes enfants"
    status = PersonStatus.ACTIVE


class AffiliationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Affiliation

    person = factory.SubFactory(PersonFactory)
    organization = factory.SubFactory(OrganizationFactory)
    status = AffiliationStatus.ACTIVE
    is_referent = False


def member_of(organization=None, *, referent=False, **person_fields) -> Person:
    """An active person affiliated (actively) with `organization` (a new one by default)."""
    organization = organization or OrganizationFactory()
    person = PersonFactory(**person_fields)
    AffiliationFactory(person=person, organization=organization, is_referent=referent)
    return person


class WorkingGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = WorkingGroup

    title = factory.Sequence(lambda n: f"Groupe de travail {n}")
    slug = factory.Sequence(lambda n: f"groupe-de-travail-{n}")
    theme = factory.LazyFunction(lambda: Theme.objects.get(slug="lecture"))
    description = "Partager les pratiques de lecture avec les tout-petits."
    is_open = True


class GroupMembershipFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = GroupMembership

    group = factory.SubFactory(WorkingGroupFactory)
    person = factory.SubFactory(PersonFactory)
    status = GroupMembershipStatus.MEMBER


class ActionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Action

    group = factory.SubFactory(WorkingGroupFactory)
    title = factory.Sequence(lambda n: f"Action {n}")


class NeedFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Need

    title = factory.Sequence(lambda n: f"Former les équipes à la lecture {n}")
    description = "Nous aimerions une formation à la lecture à voix haute."
    theme = factory.LazyFunction(lambda: Theme.objects.get(slug="lecture"))
    sector = Sector.EARLY_CHILDHOOD
    commune = factory.LazyFunction(commune)
    author = factory.SubFactory(PersonFactory)


# --- Needs (added for the needs pages) ---------------------------------------------------


class NeedTagFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.NeedTag"

    name = factory.Sequence(lambda n: f"Étiquette {n}")
    slug = factory.Sequence(lambda n: f"etiquette-{n}")


class NeedSupportFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = "members.NeedSupport"

    need = factory.SubFactory(NeedFactory)
    person = factory.SubFactory(PersonFactory)


# --- Bulk builders, for query-count tests (10 rows vs 200 rows) ---------------------------


def bulk_people(count: int, *, prefix: str = "bulk") -> list[Person]:
    """`count` active people (with their users), in three queries."""
    from consortium.core.models import User

    users = User.objects.bulk_create(
        User(email=f"{prefix}{i}@exemple.fr", first_name="Prénom", last_name=f"{prefix.title()}{i}")
        for i in range(count)
    )
    return Person.objects.bulk_create(
        Person(user=user, status=PersonStatus.ACTIVE, job_title="Médiatrice") for user in users
    )


def bulk_organizations(count: int, *, prefix: str = "structure", listed=True, commune_code="95127"):
    """`count` active organisations, each with a referent, two disciplines and two ages."""
    from members.models import AgeGroup, Discipline

    place = commune(commune_code)
    kind = OrganizationType.objects.get(slug="eaje")
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"{prefix.title()} {i}",
            slug=f"{prefix}-{i}",
            sector=Sector.EARLY_CHILDHOOD,
            type=kind,
            commune=place,
            email=f"{prefix}{i}@structure.fr",
            status=OrganizationStatus.ACTIVE,
            listed_publicly=listed,
        )
        for i in range(count)
    )
    people = bulk_people(count, prefix=f"{prefix}-contact")
    Affiliation.objects.bulk_create(
        Affiliation(
            person=person, organization=org, status=AffiliationStatus.ACTIVE, is_referent=True
        )
        for person, org in zip(people, organizations, strict=True)
    )
    disciplines, ages = list(Discipline.objects.all()[:2]), list(AgeGroup.objects.all()[:2])
    through = Organization.disciplines.through
    through.objects.bulk_create(
        through(organization=org, discipline=d) for org in organizations for d in disciplines
    )
    through = Organization.age_groups.through
    through.objects.bulk_create(
        through(organization=org, agegroup=a) for org in organizations for a in ages
    )
    return organizations
