"""Reads of the coordination app, scoped by who asks (deny by default)."""

from django.db.models import Count, Q

from consortium.core.models import ScopedQuerySet
from consortium.core.permissions import can_observe

from .enums import MailingStatus

GONE_OUT = (MailingStatus.SENDING, MailingStatus.SENT, MailingStatus.FAILED)


class MailingQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """The coordination and the Observation group read every mailing."""
        return self.all() if can_observe(user) else self.none()

    def gone_out(self):
        """Mailings handed to the outbox (sending, sent, or failed)."""
        return self.filter(status__in=GONE_OUT)

    def received_by(self, person):
        """The mailings queued for `person`, newest first: their archive."""
        if person is None:
            return self.none()
        return self.gone_out().filter(deliveries__person=person).order_by("-sent_at", "-pk")

    def for_listing(self):
        """The list page: the author's name in the same query."""
        return self.select_related("created_by", "sent_by")


def delivery_counts(mailing) -> dict[str, int]:
    """{status: count} of the mailing's outbox rows (one query, on the outbox's unique
    key, whose first column is the kind)."""
    from consortium.core.models import OutboxMessage

    rows = OutboxMessage.objects.filter(kind=mailing.outbox_kind).values("status")
    return dict(rows.annotate(total=Count("pk")).values_list("status", "total"))


def deliveries_pending(mailing) -> bool:
    """Some of the mailing's e-mails are still queued or being sent."""
    from consortium.core.enums import OutboxStatus
    from consortium.core.models import OutboxMessage

    waiting = Q(status=OutboxStatus.QUEUED) | Q(status=OutboxStatus.SENDING)
    return OutboxMessage.objects.filter(waiting, kind=mailing.outbox_kind).exists()
