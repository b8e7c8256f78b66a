"""Retention periods of the privacy page, and refusals that no retry can fix."""

from datetime import timedelta

import pytest
from django.utils import timezone
from factories import UserFactory

from consortium.core.enums import OutboxStatus
from consortium.core.models import AuditLogEntry, OutboxMessage
from consortium.core.outbox import outbox_deliver, outbox_enqueue, outbox_purge
from consortium.core.services import audit_log_purge, audit_log_record

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
