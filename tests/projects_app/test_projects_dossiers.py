"""Dossiers: the pipeline (only allowed steps, by allowed people, each logged), creation
with its checklist, the checklist and key dates, and the owners' reminders at J-7."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone
from factories import CoordinatorFactory, ObserverFactory
from member_factories import member_of
from project_factories import DossierFactory, OpportunityFactory, today_plus

from consortium.core.exceptions import DomainError
from consortium.core.models import AuditLogEntry, OutboxMessage
from consortium.core.workflows import TransitionError
from members.enums import AffiliationStatus, OrganizationStatus
from projects.enums import (
    DeadlineKind,
    DossierKind,
    DossierStatus,
    ProjectsAuditAction,
)
from projects.models import Dossier, DossierDeadline, DossierDocument
from projects.services import dossiers as services
from projects.tasks.dossiers import send_dossier_reminders

pytestmark = pytest.mark.django_db


def pdf(name="budget.pdf"):
    return SimpleUploadedFile(name, b"%PDF-1.4\n% test\n", content_type="application/pdf")


def create(organization, actor, **fields):
    values = {"title": "Subvention DRAC 2027", "kind": DossierKind.SUBSIDY} | fields
    return services.dossier_create(organization=organization, actor=actor, fields=values)


def audit_actions(dossier) -> list[str]:
    return list(
        AuditLogEntry.objects.filter(target_id=str(dossier.pk))
        .order_by("pk")
        .values_list("action", flat=True)
    )


def steps_of(dossier) -> list[tuple[str, str]]:
    return list(dossier.transitions.values_list("from_status", "to_status"))


# --- Creation ---------------------------------------------------------------------------------


def test_creation_logs_the_first_step_and_an_audit_entry(member, organization):
    dossier = services.dossier_create(
        organization=organization,
        actor=member.user,
        fields={"title": "Subvention DRAC 2027", "kind": DossierKind.SUBSIDY},
        owners=[member],
    )

    assert dossier.status == DossierStatus.IDEA
    assert steps_of(dossier) == [("", DossierStatus.IDEA)]
    assert dossier.transitions.get().actor == member.user
    assert audit_actions(dossier) == [ProjectsAuditAction.DOSSIER_CREATED]
    assert list(dossier.owners.all()) == [member]
    labels = list(dossier.documents.values_list("label", flat=True))
    assert {"Budget prévisionnel", "Statuts", "RIB", "Dernier bilan financier"} <= set(labels)
    assert not dossier.documents.filter(is_done=True).exists()


@pytest.mark.parametrize("kind", list(DossierKind))
def test_every_kind_starts_with_its_own_checklist(member, organization, kind):
    dossier = create(organization, member.user, kind=kind)
    assert dossier.documents.count() >= 5
    positions = list(dossier.documents.values_list("position", flat=True))
    assert positions == sorted(positions)


def test_the_opportunitys_deadline_becomes_the_submission_date(member, organization):
    opportunity = OpportunityFactory(deadline=today_plus(40))
    dossier = create(organization, member.user, opportunity=opportunity)
    deadline = dossier.deadlines.get()
    assert (deadline.kind, deadline.due_on) == (DeadlineKind.SUBMISSION, today_plus(40))


def test_a_member_cannot_create_for_another_organization(other_member, organization):
    with pytest.raises(DomainError):
        create(organization, other_member.user)
    assert not Dossier.objects.exists()


def test_owners_must_belong_to_the_organization(member, other_member, organization):
    with pytest.raises(ValidationError):
        services.dossier_create(
            organization=organization,
            actor=member.user,
            fields={"title": "Convention", "kind": DossierKind.PARTNERSHIP},
            owners=[other_member],
        )
    assert not Dossier.objects.exists()


# --- The pipeline -------------------------------------------------------------------------------


def test_the_whole_pipeline_each_step_logged(member, organization):
    dossier = create(organization, member.user)
    for name in ("preparer", "deposer"):
        services.dossier_transition(dossier=dossier, name=name, actor=member.user)
    services.dossier_transition(
        dossier=dossier, name="accorder", actor=member.user, amount_granted=8000, comment="Oui !"
    )
    for name in ("bilan", "clore"):
        services.dossier_transition(dossier=dossier, name=name, actor=member.user)

    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.CLOSED
    assert dossier.amount_granted == 8000
    assert steps_of(dossier) == [
        ("", "idee"),
        ("idee", "preparation"),
        ("preparation", "depose"),
        ("depose", "accorde"),
        ("accorde", "bilan"),
        ("bilan", "clos"),
    ]
    assert dossier.transitions.get(to_status="accorde").comment == "Oui !"
    assert audit_actions(dossier) == [
        ProjectsAuditAction.DOSSIER_CREATED,
        *[ProjectsAuditAction.DOSSIER_TRANSITION] * 5,
    ]


def test_a_step_that_does_not_start_here_is_refused_and_not_logged(member, organization):
    dossier = create(organization, member.user)
    with pytest.raises(TransitionError):
        services.dossier_transition(dossier=dossier, name="accorder", actor=member.user)
    with pytest.raises(TransitionError):
        services.dossier_transition(dossier=dossier, name="envoler", actor=member.user)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IDEA
    assert dossier.transitions.count() == 1
    assert audit_actions(dossier) == [ProjectsAuditAction.DOSSIER_CREATED]


@pytest.mark.parametrize("who", ["other_member", "observer", "pending"])
def test_outsiders_cannot_move_a_dossier(organization, other_member, pending_person, who):
    dossier = DossierFactory(organization=organization)
    actor = {
        "other_member": other_member.user,
        "observer": ObserverFactory(),
        "pending": pending_person.user,
    }[who]
    with pytest.raises(TransitionError):
        services.dossier_transition(dossier=dossier, name="preparer", actor=actor)
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.IDEA
    assert not dossier.transitions.exists()


def test_members_of_an_archived_organisation_no_longer_move_its_dossiers(organization, member):
    dossier = DossierFactory(organization=organization)
    organization.status = OrganizationStatus.ARCHIVED
    organization.save()
    with pytest.raises(TransitionError):
        services.dossier_transition(dossier=dossier, name="preparer", actor=member.user)


def test_the_coordination_moves_any_dossier(organization):
    dossier = DossierFactory(organization=organization)
    services.dossier_transition(dossier=dossier, name="preparer", actor=CoordinatorFactory())
    assert Dossier.objects.get(pk=dossier.pk).status == DossierStatus.PREPARING


def test_reopening_is_the_coordinations_and_needs_a_comment(member, organization):
    dossier = DossierFactory(organization=organization, status=DossierStatus.CLOSED)
    coordinator = CoordinatorFactory()
    with pytest.raises(TransitionError):
        services.dossier_transition(
            dossier=dossier, name="rouvrir", actor=member.user, comment="Il manque une pièce"
        )
    with pytest.raises(TransitionError):
        services.dossier_transition(dossier=dossier, name="rouvrir", actor=coordinator, comment=" ")
    assert not dossier.transitions.exists()

    services.dossier_transition(
        dossier=dossier, name="rouvrir", actor=coordinator, comment="Le financeur relance"
    )
    dossier.refresh_from_db()
    assert dossier.status == DossierStatus.PREPARING
    record = dossier.transitions.get()
    assert (record.from_status, record.to_status, record.actor) == (
        "clos",
        "preparation",
        coordinator,
    )
    assert record.comment == "Le financeur relance"
    assert audit_actions(dossier) == [ProjectsAuditAction.DOSSIER_TRANSITION]


def test_a_refused_dossier_has_no_granted_amount(member, organization):
    dossier = DossierFactory(
        organization=organization, status=DossierStatus.SUBMITTED, amount_granted=None
    )
    services.dossier_transition(dossier=dossier, name="refuser", actor=member.user)
    dossier.refresh_from_db()
    assert (dossier.status, dossier.amount_granted) == (DossierStatus.REFUSED, None)


# --- Checklist, key dates, read-only once closed -------------------------------------------------


def test_checklist_add_attach_toggle_delete(member, organization):
    dossier = create(organization, member.user, kind=DossierKind.FESTIVAL)
    before = dossier.documents.count()
    added = services.dossier_document_add(dossier=dossier, actor=member.user, label="Affiche")
    assert (added.position, added.is_done) == (before, False)

    services.dossier_document_attach(document=added, actor=member.user, file=pdf("affiche.pdf"))
    added.refresh_from_db()
    assert added.is_done and added.file.name.endswith(".pdf")

    services.dossier_document_toggle(document=added, actor=member.user)
    assert not DossierDocument.objects.get(pk=added.pk).is_done

    services.dossier_document_delete(document=added, actor=member.user)
    assert dossier.documents.count() == before


def test_a_file_of_the_wrong_type_is_refused(member, organization):
    dossier = DossierFactory(organization=organization)
    document = DossierDocument.objects.create(dossier=dossier, label="RIB")
    fake = SimpleUploadedFile("rib.pdf", b"MZ\x90\x00 not a pdf")
    with pytest.raises(ValidationError):
        services.dossier_document_attach(document=document, actor=member.user, file=fake)
    document.refresh_from_db()
    assert not document.file and not document.is_done


def test_a_closed_dossier_is_read_only(member, organization):
    dossier = DossierFactory(organization=organization, status=DossierStatus.CLOSED)
    document = DossierDocument.objects.create(dossier=dossier, label="RIB")
    with pytest.raises(DomainError):
        services.dossier_document_toggle(document=document, actor=member.user)
    with pytest.raises(DomainError):
        services.dossier_deadline_add(
            dossier=dossier, actor=member.user, kind=DeadlineKind.OTHER, due_on=today_plus(3)
        )
    with pytest.raises(DomainError):
        services.dossier_update(dossier=dossier, actor=member.user, fields={"title": "Autre"})
    assert not DossierDocument.objects.get(pk=document.pk).is_done
    assert Dossier.objects.get(pk=dossier.pk).title == dossier.title


def test_update_keeps_status_and_organization(member, organization, other_member):
    dossier = DossierFactory(organization=organization)
    services.dossier_update(
        dossier=dossier,
        actor=member.user,
        fields={"title": "Nouveau titre", "status": DossierStatus.GRANTED},
        owners=[member],
    )
    dossier.refresh_from_db()
    assert (dossier.title, dossier.status) == ("Nouveau titre", DossierStatus.IDEA)
    assert list(dossier.owners.all()) == [member]
    with pytest.raises(DomainError):
        services.dossier_update(dossier=dossier, actor=other_member.user, fields={"title": "X"})


# --- Reminders at J-7 ----------------------------------------------------------------------------


@pytest.fixture
def sending(django_capture_on_commit_callbacks):
    """Send what is queued, as the worker does after each commit (Celery is eager here)."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def dossier_due(organization, owners, *, in_days=10, kind=DeadlineKind.SUBMISSION, **fields):
    dossier = DossierFactory(organization=organization, **fields)
    dossier.owners.set(owners)
    deadline = DossierDeadline.objects.create(
        dossier=dossier, kind=kind, due_on=today_plus(in_days)
    )
    return dossier, deadline


def run_daily(first_day: int, last_day: int) -> dict[int, int]:
    """The task every day from today + first_day; the days that queued something."""
    today = timezone.localdate()
    queued = {}
    for offset in range(first_day, last_day + 1):
        count = services.dossier_send_deadline_reminders(today=today + timedelta(days=offset))
        if count:
            queued[offset] = count
    return queued


def test_owners_are_reminded_once_at_j7(organization, member, referent, sending, mailoutbox):
    dossier, deadline = dossier_due(organization, [member, referent], in_days=10)
    with sending():
        queued = run_daily(0, 12)
    assert queued == {3: 2}  # J-7 of a date 10 days ahead, both owners
    assert sorted(message.to[0] for message in mailoutbox) == sorted(
        [member.user.email, referent.user.email]
    )
    message = mailoutbox[0]
    assert dossier.title in message.subject and "7 jours" in message.subject
    assert dossier.get_absolute_url() in message.body
    rows = OutboxMessage.objects.filter(template="member_dossier_deadline")
    assert {row.kind for row in rows} == {
        f"projects.dossier_deadline:{deadline.pk}:{deadline.due_on.isoformat()}"
    }


def test_a_missed_day_is_caught_up_once(organization, member):
    dossier_due(organization, [member], in_days=10)
    assert run_daily(5, 12) == {5: 1}  # the task did not run at J-7: J-5 catches up


def test_report_dates_too_but_not_other_dates_nor_finished_files(organization, member):
    report = {"kind": DeadlineKind.REPORT, "status": DossierStatus.GRANTED}
    dossier_due(organization, [member], in_days=7, **report)
    dossier_due(organization, [member], in_days=7, kind=DeadlineKind.OTHER)
    dossier_due(organization, [member], in_days=7, status=DossierStatus.CLOSED)
    dossier_due(organization, [member], in_days=7, status=DossierStatus.REFUSED)
    assert services.dossier_send_deadline_reminders() == 1
    assert services.dossier_send_deadline_reminders() == 0


@pytest.mark.parametrize(
    ("kind", "status", "reminded"),
    [
        (DeadlineKind.SUBMISSION, DossierStatus.PREPARING, True),
        (DeadlineKind.SUBMISSION, DossierStatus.SUBMITTED, False),  # already submitted
        (DeadlineKind.SUBMISSION, DossierStatus.GRANTED, False),
        (DeadlineKind.REPORT, DossierStatus.PREPARING, False),  # nothing granted yet
        (DeadlineKind.REPORT, DossierStatus.REPORT_DUE, True),
    ],
)
def test_a_date_is_reminded_only_while_it_is_still_to_meet(
    organization, member, kind, status, reminded
):
    dossier_due(organization, [member], in_days=5, kind=kind, status=status)
    assert services.dossier_send_deadline_reminders() == int(reminded)


def test_an_owner_who_left_the_organisation_is_not_reminded(organization, member):
    colleague = member_of(organization)
    dossier_due(organization, [member, colleague], in_days=3)
    member.affiliations.filter(organization=organization).update(status=AffiliationStatus.LEFT)
    assert services.dossier_send_deadline_reminders() == 1


def test_a_date_moved_later_is_reminded_again(organization, member):
    _, deadline = dossier_due(organization, [member], in_days=7)
    assert services.dossier_send_deadline_reminders() == 1
    deadline.due_on = today_plus(14)
    deadline.save()
    assert run_daily(0, 14) == {7: 1}


def test_the_daily_task_runs_the_sweep(organization, member):
    dossier_due(organization, [member], in_days=6)
    assert send_dossier_reminders.delay().get() == 1
    assert send_dossier_reminders.name == "projects.send_dossier_reminders"


def test_owners_who_left_the_network_are_not_reminded(organization, member):
    member.status = "refused"
    member.save()
    dossier_due(organization, [member, member_of(organization)], in_days=3)
    assert services.dossier_send_deadline_reminders() == 1
