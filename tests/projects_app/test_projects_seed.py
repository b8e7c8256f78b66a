"""The demo data of the projects app: the volumes of one département, every dossier step
with a consistent history, real files, and nothing more on a second run."""

import shutil
import subprocess
from io import StringIO
from itertools import pairwise

import pytest
from django.core.files.storage import default_storage
from django.core.management import call_command
from django.utils import timezone
from service_checks import require

from members.consents import CONSENTS
from members.enums import ConsentPurpose, PersonStatus
from members.models import ConsentRecord, Person
from projects.enums import (
    DeadlineKind,
    DossierStatus,
    PracticeStatus,
    PublicationStatus,
)
from projects.models import (
    Dossier,
    DossierDeadline,
    DossierDocument,
    DossierTransition,
    Opportunity,
    OpportunityFollow,
    Practice,
    PracticeImage,
    Project,
    Resource,
)
from projects.seed import minimal_pdf
from projects.services.digest import digest_recipients
from projects.workflows import DOSSIER_TRANSITIONS

DIGEST = CONSENTS[ConsentPurpose.DIGEST]

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
    models = (
        Opportunity,
        Dossier,
        DossierTransition,
        DossierDeadline,
        DossierDocument,
        OpportunityFollow,
        Project,
        Resource,
        Practice,
        PracticeImage,
        ConsentRecord,
    )
    counts = {model.__name__: model.objects.count() for model in models}
    counts["digest"] = Person.objects.filter(wants_digest=True).count()
    return counts


ALLOWED_STEPS = {
    (source, transition.target)
    for transition in DOSSIER_TRANSITIONS.values()
    for source in transition.sources
}


def test_volumes_at_scale_one(seeded):
    assert Opportunity.objects.count() == 30
    assert Dossier.objects.count() in (40, 41)  # the demo partner's own, if she had none
    assert Project.objects.count() == 25
    assert Project.objects.experiments().count() == 8
    assert Resource.objects.count() == 40
    # 30, and the one the evaluations seed publishes from a model sheet when no seeded
    # experiment has a published practice yet for it to update.
    assert Practice.objects.published().count() in (30, 31)
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
        assert dossier.owners.exists()
        for owner in dossier.owners.all():
            assert dossier.organization_id in {a.organization_id for a in owner.affiliations.all()}
        if dossier.status == DossierStatus.REFUSED:
            assert dossier.amount_granted is None
    assert Dossier.objects.filter(deadlines__isnull=False).distinct().count() >= 40
    assert Dossier.objects.filter(documents__is_done=False).exists()


def test_every_history_starts_at_the_creation_and_follows_the_workflow(seeded):
    now = timezone.now()
    closed_from = set()
    for dossier in Dossier.objects.prefetch_related("transitions"):
        steps = list(dossier.transitions.all())  # ordered by created_at, id
        assert (steps[0].from_status, steps[0].to_status) == ("", DossierStatus.IDEA)
        assert steps[-1].to_status == dossier.status
        for previous, step in pairwise(steps):
            assert step.from_status == previous.to_status
            assert (step.from_status, step.to_status) in ALLOWED_STEPS
            assert previous.created_at <= step.created_at
        assert dossier.created_at <= steps[0].created_at
        assert steps[-1].created_at <= now
        assert dossier.updated_at >= steps[-1].created_at
        if dossier.status == DossierStatus.CLOSED:
            closed_from.add(steps[-1].from_status)
        granted = DossierStatus.GRANTED in {step.to_status for step in steps}
        assert (dossier.amount_granted is not None) == granted
    assert len(closed_from) >= 2  # not every closed dossier went the whole way


def test_linked_dossiers_keep_to_their_call_deadline(seeded):
    today = timezone.localdate()
    linked = Dossier.objects.filter(opportunity__isnull=False).select_related("opportunity")
    linked = linked.prefetch_related("deadlines", "transitions")
    assert linked.filter(opportunity__deadline__gte=today).exists()
    assert linked.filter(opportunity__deadline__lt=today).exists()
    for dossier in linked:
        deadline = dossier.opportunity.deadline
        submission = [
            d.due_on for d in dossier.deadlines.all() if d.kind == DeadlineKind.SUBMISSION
        ]
        assert submission == [deadline]
        if deadline >= today:
            assert dossier.status in {DossierStatus.IDEA, DossierStatus.PREPARING}
        filed = [s for s in dossier.transitions.all() if s.to_status == DossierStatus.SUBMITTED]
        for step in filed:
            assert timezone.localdate(step.created_at) <= deadline


def test_submitted_dossiers_have_a_past_submission_date(seeded):
    today = timezone.localdate()
    filed = Dossier.objects.filter(transitions__to_status=DossierStatus.SUBMITTED).distinct()
    dates = DossierDeadline.objects.filter(dossier__in=filed, kind=DeadlineKind.SUBMISSION)
    assert dates.exists()
    assert not dates.filter(due_on__gte=today).exists()


def test_a_third_of_the_members_receive_the_digest(seeded):
    subscribers = Person.objects.filter(wants_digest=True)
    active = Person.objects.filter(status=PersonStatus.ACTIVE).count()
    assert 0.2 <= subscribers.count() / active <= 0.45
    assert subscribers.filter(user__email="partenaire@demo.consortium95.fr").exists()
    consents = ConsentRecord.objects.filter(purpose=ConsentPurpose.DIGEST)
    assert consents.count() == subscribers.count()
    assert set(consents.values_list("person_id", flat=True)) == set(
        subscribers.values_list("pk", flat=True)
    )
    assert set(consents.values_list("given", "wording_version", "wording")) == {
        (True, DIGEST.version, DIGEST.text())
    }
    assert digest_recipients(week="2000-W01").count() == subscribers.count()


def test_a_withdrawn_digest_consent_is_not_given_again(seeded):
    person = Person.objects.filter(wants_digest=True).first()
    Person.objects.filter(pk=person.pk).update(wants_digest=False)
    ConsentRecord.objects.create(
        person=person,
        purpose=ConsentPurpose.DIGEST,
        given=False,
        wording_version=DIGEST.version,
        wording=DIGEST.text(),
    )
    call_command("seed_demo", stdout=StringIO())
    person.refresh_from_db()
    assert not person.wants_digest
    assert person.consents.filter(purpose=ConsentPurpose.DIGEST).count() == 2


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
