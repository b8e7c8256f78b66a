"""Retention periods of the privacy page, and refusals that no retry can fix."""

from datetime import timedelta

import pytest
from django.utils import timezone
from event_factories import EventFactory, RegistrationFactory, in_days
from factories import UserFactory

from consortium.core.enums import OutboxStatus
from consortium.core.models import AuditLogEntry, OutboxMessage
from consortium.core.outbox import outbox_deliver, outbox_enqueue, outbox_purge
from consortium.core.privacy import inactive_accounts_erase
from consortium.core.services import audit_log_purge, audit_log_record
from events.services import registrations_anonymise_old

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


def test_accounts_unused_for_three_years_are_erased_staff_kept(settings):
    long_ago = timezone.now() - timedelta(days=settings.INACTIVE_ACCOUNT_RETENTION_DAYS + 1)
    idle, never, active = UserFactory(), UserFactory(), UserFactory()
    staff = UserFactory(is_staff=True)
    User = type(idle)
    User.objects.filter(pk__in=[idle.pk, staff.pk]).update(last_login=long_ago)
    User.objects.filter(pk=never.pk).update(last_login=None, date_joined=long_ago)
    User.objects.filter(pk=active.pk).update(last_login=timezone.now())
    assert inactive_accounts_erase() == 2
    assert set(User.objects.values_list("pk", flat=True)) == {active.pk, staff.pk}


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
