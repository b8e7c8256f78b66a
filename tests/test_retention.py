"""Retention periods of the privacy page, each applied by its daily service, and refusals
that no retry can fix."""

from datetime import timedelta

import pytest
from allauth.account.models import EmailAddress
from django.urls import reverse
from django.utils import timezone
from event_factories import AttendanceFactory, EventFactory, RegistrationFactory, in_days
from factories import PASSWORD, CoordinatorFactory, ObserverFactory, UserFactory
from member_factories import PersonFactory

from consortium.core.enums import AuditAction, OutboxStatus
from consortium.core.models import AuditLogEntry, OutboxMessage, User
from consortium.core.outbox import outbox_deliver, outbox_enqueue, outbox_purge
from consortium.core.privacy import inactive_accounts_erase, inactive_accounts_warn
from consortium.core.services import audit_log_purge, audit_log_record
from consortium.core.tasks import purge_expired_records
from evaluations import figures
from evaluations.figures import Period
from evaluations.models import Answer, Question, Response, Survey
from events.documents import hours_attended
from events.models import Attendance, Registration
from events.services import registrations_anonymise_old
from members.enums import MembersAuditAction, PersonStatus
from members.services import pending_accounts_delete
from members.tasks import delete_pending_accounts

pytestmark = pytest.mark.django_db


def _message(user, kind="essai"):
    return outbox_enqueue(
        template="member_group_accepted",
        recipient=user,
        context={"group": {"title": "Lire aux bébés", "get_absolute_url": "/groupes/x/"}},
        kind=kind,
    )


def test_old_sent_and_failed_messages_are_purged_queued_ones_kept(settings):
    user = UserFactory()
    old = timezone.now() - timedelta(days=settings.OUTBOX_RETENTION_DAYS + 1)
    sent, failed, queued, recent = (_message(user, kind=k) for k in "abcd")
    OutboxMessage.objects.filter(pk=sent.pk).update(status=OutboxStatus.SENT, created_at=old)
    OutboxMessage.objects.filter(pk=failed.pk).update(status=OutboxStatus.FAILED, created_at=old)
    OutboxMessage.objects.filter(pk=queued.pk).update(created_at=old)
    OutboxMessage.objects.filter(pk=recent.pk).update(status=OutboxStatus.SENT)
    assert outbox_purge() == 2
    assert set(OutboxMessage.objects.values_list("pk", flat=True)) == {queued.pk, recent.pk}


def test_audit_entries_older_than_a_year_are_purged(settings):
    user = UserFactory()
    old = audit_log_record(actor=user, action="essai.ancien")
    audit_log_record(actor=user, action="essai.recent")
    AuditLogEntry.objects.filter(pk=old.pk).update(
        created_at=timezone.now() - timedelta(days=settings.AUDIT_LOG_RETENTION_DAYS + 1)
    )
    assert audit_log_purge() == 1
    assert list(AuditLogEntry.objects.values_list("action", flat=True)) == ["essai.recent"]


def test_a_refused_recipient_fails_at_once_without_retries(settings):
    settings.MAILERS = {"default": {"BACKEND": "flaky_mail.RefusingBackend"}}
    message = _message(UserFactory())
    assert outbox_deliver(message_id=message.pk) == OutboxStatus.FAILED
    message.refresh_from_db()
    assert message.status == OutboxStatus.FAILED
    assert message.attempts == 1
    assert "SMTPRecipientsRefused" in message.last_error


def test_registrations_of_events_over_for_three_years_lose_their_person(settings):
    days = settings.ATTENDANCE_RETENTION_DAYS + 10
    old = RegistrationFactory(
        event=EventFactory(sessions=[(in_days(-days, 9, 0), in_days(-days, 12, 0))])
    )
    recent = RegistrationFactory(
        event=EventFactory(sessions=[(in_days(-30, 9, 0), in_days(-30, 12, 0))])
    )
    assert registrations_anonymise_old() == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert old.person is None
    assert recent.person is not None


# --- Accounts never confirmed or never validated (90 days) --------------------------------


def _joined(user, days):
    type(user).objects.filter(pk=user.pk).update(date_joined=timezone.now() - timedelta(days=days))


def test_accounts_never_confirmed_or_validated_are_deleted_after_their_period(settings):
    days = settings.PENDING_ACCOUNT_RETENTION_DAYS
    unconfirmed = PersonFactory().user  # validated by mistake, the address never confirmed
    EmailAddress.objects.filter(user=unconfirmed).update(verified=False)
    pending = PersonFactory(status=PersonStatus.PENDING).user
    refused = PersonFactory(status=PersonStatus.REFUSED).user
    no_profile = UserFactory()
    member = PersonFactory().user
    recent = PersonFactory(status=PersonStatus.PENDING).user
    observer, coordinator = ObserverFactory(), CoordinatorFactory()
    for user in (unconfirmed, pending, refused, no_profile, member, observer, coordinator):
        _joined(user, days + 1)
    _joined(recent, days - 1)
    gone = {unconfirmed.pk, pending.pk, refused.pk, no_profile.pk}

    assert pending_accounts_delete() == 4

    left = set(User.objects.values_list("pk", flat=True))
    assert left == {member.pk, recent.pk, observer.pk, coordinator.pk}
    entries = AuditLogEntry.objects.filter(action=MembersAuditAction.PENDING_ACCOUNT_DELETED)
    assert {int(e.target_id) for e in entries} == gone
    # Without personal data: the account's number only, no author, no name, no address.
    for entry in entries:
        assert entry.actor is None and entry.data == {} and entry.message == ""
        assert entry.target_repr == f"utilisateur #{entry.target_id}"


# --- Accounts inactive for two years: warned, then erased ----------------------------------


def _inactive(settings, **fields):
    user = PersonFactory(user__language=fields.pop("language", "fr"), **fields).user
    last = timezone.now() - timedelta(days=settings.INACTIVE_ACCOUNT_RETENTION_DAYS + 1)
    User.objects.filter(pk=user.pk).update(last_login=last, date_joined=last)
    return user


def test_inactive_accounts_are_warned_once_in_their_language_with_a_login_link(settings):
    french, english = _inactive(settings), _inactive(settings, language="en")
    active = UserFactory(last_login=timezone.now())
    never = UserFactory()  # joined now, never logged in: not inactive yet

    assert inactive_accounts_warn() == 2
    assert inactive_accounts_warn() == 0  # once

    warned = User.objects.filter(inactivity_warned_at__isnull=False)
    assert set(warned.values_list("pk", flat=True)) == {french.pk, english.pk}
    assert not OutboxMessage.objects.filter(recipient__in=[active, never]).exists()
    login = settings.SITE_URL + reverse("account_login")
    fr = OutboxMessage.objects.get(recipient=french)
    en = OutboxMessage.objects.get(recipient=english)
    assert "sera supprimé le" in fr.subject and "depuis 2 ans" in fr.body_text
    assert "will be deleted on" in en.subject and "for 2 years" in en.body_text
    assert login in fr.body_text and login in en.body_html
    assert AuditLogEntry.objects.filter(action=AuditAction.INACTIVITY_WARNED).count() == 2


def test_a_warned_account_still_unused_after_the_notice_is_erased(settings):
    staff = _inactive(settings, user__is_staff=True)
    coordinator, observer = CoordinatorFactory(), ObserverFactory()
    for user in (coordinator, observer):
        User.objects.filter(pk=user.pk).update(last_login=timezone.now() - timedelta(days=3000))
    idle, never = _inactive(settings), _inactive(settings)
    User.objects.filter(pk=never.pk).update(last_login=None)  # imported, never came
    assert inactive_accounts_warn() == 2  # the Département's own accounts are left out

    notice = timedelta(days=settings.INACTIVE_ACCOUNT_WARNING_DAYS)
    assert inactive_accounts_erase(now=timezone.now() + notice - timedelta(hours=1)) == 0
    assert inactive_accounts_erase(now=timezone.now() + notice + timedelta(hours=1)) == 2

    assert not User.objects.filter(pk__in=[idle.pk, never.pk]).exists()
    assert User.objects.filter(pk__in=[staff.pk, coordinator.pk, observer.pk]).count() == 3
    entries = AuditLogEntry.objects.filter(action=AuditAction.INACTIVE_DELETED)
    assert {e.target_repr for e in entries} == {f"utilisateur #{u.pk}" for u in (idle, never)}
    assert {e.actor for e in entries} == {None}


def test_logging_in_after_the_warning_keeps_the_account(settings, client):
    idle = _inactive(settings)
    inactive_accounts_warn()
    response = client.post(reverse("account_login"), {"login": idle.email, "password": PASSWORD})
    assert response.status_code == 302
    idle.refresh_from_db()
    assert idle.inactivity_warned_at is None
    later = timezone.now() + timedelta(days=settings.INACTIVE_ACCOUNT_WARNING_DAYS + 1)
    assert inactive_accounts_erase(now=later) == 0
    assert User.objects.filter(pk=idle.pk).exists()


def test_a_login_the_signal_missed_still_keeps_the_account(settings):
    idle = _inactive(settings)
    inactive_accounts_warn()
    User.objects.filter(pk=idle.pk).update(last_login=timezone.now())
    later = timezone.now() + timedelta(days=settings.INACTIVE_ACCOUNT_WARNING_DAYS + 1)
    assert inactive_accounts_erase(now=later) == 0


def test_the_daily_tasks_apply_every_account_rule(settings):
    idle = _inactive(settings)
    pending = PersonFactory(status=PersonStatus.PENDING).user
    _joined(pending, settings.PENDING_ACCOUNT_RETENTION_DAYS + 1)
    purge_expired_records()
    delete_pending_accounts()
    idle.refresh_from_db()
    assert idle.inactivity_warned_at is not None
    assert not User.objects.filter(pk=pending.pk).exists()
    tasks = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()}
    assert {"consortium.core.tasks.purge_expired_records"} <= tasks
    assert {"members.tasks.delete_pending_accounts"} <= tasks


# --- Attendance: people go, the counts stay -------------------------------------------------


def test_anonymised_attendance_keeps_the_reports_counts_and_no_account(settings):
    days = settings.ATTENDANCE_RETENTION_DAYS + 10
    start = in_days(-days, 9, 0)
    event = EventFactory(training=True, sessions=[(start, start + timedelta(hours=3))])
    coordinator = CoordinatorFactory()
    registrations = [
        RegistrationFactory(event=event, registered_by=coordinator, organization_name="Crèche")
        for _ in range(3)
    ]
    for registration, present in zip(registrations, (True, True, False), strict=True):
        AttendanceFactory(registration=registration, present=present, marked_by=coordinator)
    period = Period(start.date(), start.date())
    before = (figures.events(period), figures.training_hours(period))
    hours = [hours_attended(r) for r in registrations]

    assert registrations_anonymise_old() == 3

    assert (figures.events(period), figures.training_hours(period)) == before
    assert before[0]["participants"] == 2 and before[1]["trainee_hours"] == 6
    assert [hours_attended(r) for r in registrations] == hours
    rows = Registration.objects.filter(event=event)
    assert rows.count() == 3
    assert set(rows.values_list("person", "registered_by", "organization_name")) == {
        (None, None, "Crèche")
    }
    assert set(Attendance.objects.values_list("marked_by", flat=True)) == {None}


# --- Survey answers --------------------------------------------------------------------------


def test_survey_answers_point_to_no_person_account_or_invitation():
    """Responses are anonymous by construction: no field of a Response or an Answer (nor
    what they point to, apart from the survey and its questions) leads to someone."""
    allowed = {Survey, Question, Response}
    for model in (Response, Answer):
        for field in model._meta.get_fields():
            if field.is_relation and field.concrete:
                assert field.related_model in allowed, f"{model.__name__}.{field.name}"
    assert {f.name for f in Response._meta.concrete_fields} == {"id", "survey", "submitted_on"}
