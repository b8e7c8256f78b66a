"""The demo data of the projects app: the volumes of one département, every dossier step
with a consistent history, real files, and nothing more on a second run."""

import shutil
import subprocess
from io import StringIO

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from service_checks import require

from consortium.projects.enums import DossierStatus, PracticeStatus, PublicationStatus
from consortium.projects.models import (
    Dossier,
    DossierTransition,
    Opportunity,
    OpportunityFollow,
    Practice,
    PracticeImage,
    Project,
    Resource,
)
from consortium.projects.seed import PIPELINES, minimal_pdf

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes, tmp_path) -> str:
    require("poppler-utils", shutil.which("pdftotext") is not None, "apt-get install poppler-utils")
    path = tmp_path / "ressource.pdf"
    path.write_bytes(pdf)
    result = subprocess.run(
        ["pdftotext", str(path), "-"], capture_output=True, text=True, check=True
    )
    return " ".join(result.stdout.split())


@pytest.fixture
def seeded(mailoutbox):
    call_command("seed_demo", stdout=StringIO())
    return mailoutbox


def _counts():
    models = (Opportunity, Dossier, DossierTransition, Project, Resource, Practice, PracticeImage)
    return {model.__name__: model.objects.count() for model in models}


def test_volumes_at_scale_one(seeded):
    assert Opportunity.objects.count() == 30
    assert Dossier.objects.count() in (40, 41)  # the demo partner's own, if she had none
    assert Project.objects.count() == 25
    assert Project.objects.experiments().count() == 8
    assert Resource.objects.count() == 40
    assert Practice.objects.published().count() == 30
    assert Practice.objects.exclude(status=PracticeStatus.PUBLISHED).exists()
    assert not seeded  # no e-mail


def test_second_run_creates_nothing(seeded):
    counts = _counts()
    call_command("seed_demo", stdout=StringIO())
    assert _counts() == counts


def test_opportunities_are_varied_and_some_close_soon(seeded):
    today = timezone.localdate()
    published = Opportunity.objects.published()
    closing = published.filter(deadline__range=(today, today + timezone.timedelta(days=10)))
    assert closing.count() >= 3
    assert published.filter(is_public=True).exists()
    assert Opportunity.objects.filter(status=PublicationStatus.DRAFT).exists()
    assert len(set(Opportunity.objects.values_list("kind", flat=True))) >= 5
    assert {"Fondation de France", "DRAC Île-de-France", "CAF du Val-d'Oise"} <= set(
        Opportunity.objects.values_list("funder", flat=True)
    )
    assert Opportunity.objects.filter(eligible_epcis__isnull=False).exists()
    assert Opportunity.objects.filter(eligible_epcis__isnull=True).exists()
    assert Opportunity.objects.filter(eligible_sectors__isnull=False).exists()


def test_dossiers_cover_every_step_with_a_consistent_history(seeded):
    assert set(Dossier.objects.values_list("status", flat=True)) == set(DossierStatus.values)
    for dossier in Dossier.objects.prefetch_related("transitions", "owners__affiliations"):
        path = [step.to_status for step in dossier.transitions.all()]
        assert [DossierStatus.IDEA, *path] == PIPELINES[dossier.status]
        assert dossier.owners.exists()
        for owner in dossier.owners.all():
            assert dossier.organization_id in {a.organization_id for a in owner.affiliations.all()}
        if dossier.status == DossierStatus.REFUSED:
            assert dossier.amount_granted is None
    assert Dossier.objects.filter(deadlines__isnull=False).distinct().count() >= 40
    assert Dossier.objects.filter(documents__is_done=False).exists()


def test_projects_have_partners_and_experiments_their_protocol(seeded):
    for project in Project.objects.experiments():
        assert project.hypothesis and project.protocol.startswith("<p>")
    assert not Project.objects.filter(partnerships__isnull=True).exists()


def test_files_and_images_are_real(seeded, tmp_path):
    files = Resource.objects.exclude(file="")
    assert files.exists()
    assert Resource.objects.exclude(url="").count() > files.count()
    pdf = files.filter(file__endswith=".pdf").first()
    with default_storage.open(pdf.file.name) as stream:
        assert pdf_text(stream.read(), tmp_path) == pdf.title
    image = PracticeImage.objects.first()
    assert image.alt_text
    with default_storage.open(image.image.name) as stream:
        assert stream.read(8) == b"\x89PNG\r\n\x1a\n"


def test_practices_carry_their_territory_and_rich_text(seeded):
    practice = Practice.objects.published().first()
    assert practice.communes.exists() and practice.epcis.exists()
    assert practice.age_groups.exists() and practice.disciplines.exists()
    assert practice.what_was_done.startswith("<p>")
    assert practice.transitions.filter(to_status=PracticeStatus.PUBLISHED).exists()


def test_the_demo_partner_follows_opportunities_and_owns_a_dossier(seeded):
    email = "partenaire@demo.consortium95.fr"
    assert OpportunityFollow.objects.filter(person__user__email=email).count() == 2
    assert Dossier.objects.filter(owners__user__email=email).exists()


def test_minimal_pdf_is_a_valid_pdf(tmp_path):
    text = "Comptines (essai) \\ « à lire » – 𝄞"
    assert pdf_text(minimal_pdf(text), tmp_path) == "Comptines (essai) \\ « à lire » – ?"
