"""factory_boy factories of the projects app: opportunities, dossiers, projects, resources,
practices. Each builds a valid object in its most common published state."""

import io
from datetime import timedelta

import factory
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from member_factories import OrganizationFactory
from PIL import Image

from members.enums import Sector
from projects.enums import (
    DossierKind,
    DossierStatus,
    OpportunityKind,
    PracticeStatus,
    ProjectStatus,
    PublicationStatus,
    ResourceKind,
)
from projects.models import (
    Dossier,
    Opportunity,
    Practice,
    Project,
    ProjectPartner,
    Resource,
)


def today_plus(days: int):
    return timezone.localdate() + timedelta(days=days)


class OpportunityFactory(factory.django.DjangoModelFactory):
    """A published call for projects, open to every member, closing in a month."""

    class Meta:
        model = Opportunity

    title = factory.Sequence(lambda n: f"Appel à projets éveil culturel {n}")
    slug = factory.Sequence(lambda n: f"appel-a-projets-eveil-{n}")
    kind = OpportunityKind.CALL_FOR_PROJECTS
    funder = "Fondation de France"
    summary = "Soutien aux projets d'éveil artistique des tout-petits."
    deadline = factory.LazyFunction(lambda: today_plus(30))
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class ProjectFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Project

    title = factory.Sequence(lambda n: f"Projet bébés lecteurs {n}")
    slug = factory.Sequence(lambda n: f"projet-bebes-lecteurs-{n}")
    summary = "Lectures partagées entre crèches et médiathèques."
    status = ProjectStatus.RUNNING


class ProjectPartnerFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = ProjectPartner

    project = factory.SubFactory(ProjectFactory)
    organization = factory.SubFactory(OrganizationFactory)


class DossierFactory(factory.django.DjangoModelFactory):
    """A subsidy request of an organisation, still an idea."""

    class Meta:
        model = Dossier

    organization = factory.SubFactory(OrganizationFactory)
    title = factory.Sequence(lambda n: f"Demande de subvention {n}")
    kind = DossierKind.SUBSIDY
    status = DossierStatus.IDEA


class ResourceFactory(factory.django.DjangoModelFactory):
    """A published link for members."""

    class Meta:
        model = Resource

    title = factory.Sequence(lambda n: f"Guide de l'éveil musical {n}")
    slug = factory.Sequence(lambda n: f"guide-eveil-musical-{n}")
    kind = ResourceKind.LINK
    summary = "Un guide pratique pour les professionnels de la petite enfance."
    url = "https://www.exemple.fr/guide"
    status = PublicationStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


class PracticeFactory(factory.django.DjangoModelFactory):
    """A published best-practice sheet."""

    class Meta:
        model = Practice

    title = factory.Sequence(lambda n: f"Éveil sonore à la crèche {n}")
    slug = factory.Sequence(lambda n: f"eveil-sonore-creche-{n}")
    summary = "Des musiciens en résidence dans une crèche pendant trois mois."
    what_was_done = "<p>Douze séances d'éveil musical avec les familles.</p>"
    sector = Sector.EARLY_CHILDHOOD
    status = PracticeStatus.PUBLISHED
    published_at = factory.LazyFunction(timezone.now)


def png_upload(name: str = "photo.png", size=(48, 32)) -> SimpleUploadedFile:
    """A small real PNG, that Pillow (ImageField), validate_image and WeasyPrint all open."""
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 80, 40)).save(buffer, "PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")
