"""Personal data of the projects app: what "export my data" gives, what deleting the
account removes (follows, digests) and what it keeps without the person (the rest)."""

import pytest
from django.utils import timezone
from factories import UserFactory
from member_factories import member_of
from project_factories import (
    DossierFactory,
    OpportunityFactory,
    PracticeFactory,
    ProjectFactory,
    ResourceFactory,
)

from consortium.core.privacy import erase_account, export_for, rule_for
from projects.models import (
    DigestDelivery,
    Dossier,
    DossierTransition,
    Opportunity,
    OpportunityFollow,
    Practice,
    PracticeComment,
    PracticeTransition,
    Project,
    Resource,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def footprint(organization, member):
    """Everything the member left in the projects app, and a colleague's for contrast."""
    user = member.user
    colleague = member_of(organization)
    opportunity = OpportunityFactory(title="Appel Premiers pas", created_by=user)
    dossier = DossierFactory(organization=organization, title="Subvention DRAC", created_by=user)
    dossier.owners.set([member, colleague])
    practice = PracticeFactory(
        title="Bébés lecteurs", proposed_by=member, organization=organization
    )
    return {
        "user": user,
        "colleague": colleague,
        "follow": OpportunityFollow.objects.create(opportunity=opportunity, person=member),
        "other_follow": OpportunityFollow.objects.create(opportunity=opportunity, person=colleague),
        "digest": DigestDelivery.objects.create(
            person=member, week="2026-W10", covered_until=timezone.now(), opportunity_count=2
        ),
        "dossier": dossier,
        "dossier_step": DossierTransition.objects.create(
            dossier=dossier, from_status="idee", to_status="preparation", actor=user, comment="Go"
        ),
        "practice": practice,
        "practice_step": PracticeTransition.objects.create(
            practice=practice, from_status="brouillon", to_status="proposee", actor=user
        ),
        "comment": PracticeComment.objects.create(practice=practice, author=user, body="Merci !"),
        "project": ProjectFactory(title="Malle partagée", created_by=user),
        "resource": ResourceFactory(title="Guide des comptines", created_by=user),
    }


def test_export_contains_follows_owned_dossiers_and_proposed_practices(footprint):
    data = export_for(user=footprint["user"])
    assert data["projects.opportunityfollow"] == [
        {"opportunity__title": "Appel Premiers pas", "created_at": footprint["follow"].created_at}
    ]
    assert data["projects.digestdelivery"][0]["week"] == "2026-W10"
    assert data["projects.dossier_owners"] == [
        {
            "dossier__organization__name": "Médiathèque de Cergy",
            "dossier__title": "Subvention DRAC",
            "dossier__status": "idee",
        }
    ]
    assert [row["title"] for row in data["projects.practice"]] == ["Bébés lecteurs"]
    assert data["projects.practicecomment"][0]["body"] == "Merci !"
    assert data["projects.dossiertransition"][0]["comment"] == "Go"
    assert [row["title"] for row in data["projects.project"]] == ["Malle partagée"]


def test_export_holds_nothing_of_someone_else(footprint):
    data = export_for(user=UserFactory())
    for key in ("opportunityfollow", "dossier_owners", "practice", "dossier", "practicecomment"):
        assert data[f"projects.{key}"] == []


def test_deletion_removes_follows_and_digests_and_unlinks_the_rest(footprint):
    erase_account(user=footprint["user"])
    assert not OpportunityFollow.objects.filter(pk=footprint["follow"].pk).exists()
    assert OpportunityFollow.objects.filter(pk=footprint["other_follow"].pk).exists()
    assert not DigestDelivery.objects.exists()
    dossier = Dossier.objects.get(pk=footprint["dossier"].pk)
    assert list(dossier.owners.all()) == [footprint["colleague"]]
    assert dossier.created_by is None
    practice = Practice.objects.get(pk=footprint["practice"].pk)
    assert (practice.title, practice.proposed_by) == ("Bébés lecteurs", None)
    assert PracticeComment.objects.get().author is None
    assert PracticeComment.objects.get().body == "Merci !"
    assert DossierTransition.objects.get().actor is None
    assert PracticeTransition.objects.get().actor is None
    for model in (Opportunity, Project, Resource):
        assert model.objects.get().created_by is None


@pytest.mark.parametrize(
    "model", [OpportunityFollow, DigestDelivery, Dossier, Practice, PracticeComment]
)
def test_the_personal_models_have_rules(model):
    assert rule_for(model) is not None
