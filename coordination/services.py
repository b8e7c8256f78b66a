"""Writes of the coordination app: mailings, and leaving or joining them again.

A mailing is written as a draft (its segment chosen), tested on the coordinator, then sent:
`mailing_send` takes it from draft to sending under a row lock and queues one outbox row
per person it reaches, all in one transaction. The outbox's unique (kind, target,
address) and MailingDelivery's unique (mailing, person) make "once per person"
structural; a second send is refused by the workflow (the mailing is no longer a draft).
The outbox then delivers in batches; `mailings_settle` records when it is done.
"""

import html
import re
from collections.abc import Iterable

from django.conf import settings
from django.core import signing
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _

from consortium.core.exceptions import DomainError, PermissionRefused
from consortium.core.models import User
from consortium.core.outbox import (
    Addressee,
    outbox_enqueue,
    outbox_enqueue_many,
    stored_attachment,
)
from consortium.core.richtext import plain_text, sanitize_html
from consortium.core.services import audit_log_record
from consortium.core.workflows import workflow_apply
from members.models import Person

from .enums import CoordinationAuditAction, MailingStatus
from .models import Mailing, MailingDelivery, MailingOptOut
from .querysets import deliveries_pending, delivery_counts
from .rules import may_write_mailings
from .segments import has_criteria, mailing_recipients
from .workflows import MAILING_TRANSITIONS

TEMPLATE = "member_mailing"
UNSUBSCRIBE_SALT = "coordination.mailings"
M2M_FIELDS = (
    "organization_types", "epcis", "communes", "groups",
    "registrants_of", "attendees_of", "needs", "opportunities",
)  # fmt: skip
FIELDS = ("subject", "body", "everyone", "sectors")


def _require_coordination(actor) -> None:
    if not may_write_mailings(actor):
        raise PermissionRefused(_("Seule la coordination écrit et envoie les messages."))


# --- Drafts -------------------------------------------------------------------------------


@transaction.atomic
def mailing_create(*, actor: User, fields: dict, m2m: dict, attachment=None) -> Mailing:
    """The coordinator writes a mailing: a draft, with its segment."""
    _require_coordination(actor)
    mailing = Mailing(created_by=actor, **{name: fields[name] for name in FIELDS})
    if attachment:
        mailing.attachment = attachment
    mailing.save()
    _set_segment(mailing, m2m)
    audit_log_record(actor=actor, action=CoordinationAuditAction.MAILING_CREATED, target=mailing)
    return mailing


@transaction.atomic
def mailing_update(
    *, actor: User, mailing: Mailing, fields: dict, m2m: dict, attachment=None
) -> Mailing:
    """Change a draft (its text, attachment or segment); a mailing that left is kept as
    it was sent. `attachment`: a new file, or False to remove the current one."""
    _require_coordination(actor)
    mailing = Mailing.objects.select_for_update().get(pk=mailing.pk)
    if mailing.status != MailingStatus.DRAFT:
        raise DomainError(_("Cet envoi est parti : il ne peut plus être modifié."))
    for name in FIELDS:
        setattr(mailing, name, fields[name])
    old_file = mailing.attachment.name if mailing.attachment else ""
    if attachment is False:
        mailing.attachment = ""
    elif attachment:
        mailing.attachment = attachment
    mailing.save()
    _set_segment(mailing, m2m)
    new_file = mailing.attachment.name if mailing.attachment else ""
    if old_file and old_file != new_file:
        storage = mailing.attachment.storage
        transaction.on_commit(lambda: storage.delete(old_file))
    audit_log_record(actor=actor, action=CoordinationAuditAction.MAILING_UPDATED, target=mailing)
    return mailing


def _set_segment(mailing: Mailing, m2m: dict) -> None:
    for name in M2M_FIELDS:
        getattr(mailing, name).set(m2m.get(name, []))


@transaction.atomic
def mailing_cancel(*, actor: User, mailing: Mailing) -> Mailing:
    """Abandon a draft: it stays in the list, marked abandoned, and is never sent."""
    _require_coordination(actor)
    workflow_apply(
        transitions=MAILING_TRANSITIONS,
        obj=mailing,
        name="abandonner",
        actor=actor,
        audit_action=CoordinationAuditAction.MAILING_CANCELLED,
    )
    return mailing


# --- The message, as it goes out ----------------------------------------------------------


_BLOCK_END = re.compile(r"</(p|li|h3|h4|blockquote)>|<br\s*/?>", re.IGNORECASE)
_LINK = re.compile(r'<a\s[^>]*href="([^"]*)"[^>]*>(.*?)</a>', re.IGNORECASE | re.DOTALL)


def text_of(body: str) -> str:
    """The plain-text part of a rich-text body: paragraphs on their own lines, each link
    followed by its address."""
    body = _LINK.sub(lambda m: f"{m.group(2)} ({m.group(1)})", sanitize_html(body))
    text = html.unescape(plain_text(_BLOCK_END.sub("\n", body)))
    return re.sub(r"\n{3,}", "\n\n", text).strip()


def mailing_context(mailing: Mailing, *, is_test: bool = False) -> dict:
    """What the e-mail templates get (the same for everyone but the unsubscribe link)."""
    return {
        "subject": mailing.subject,
        "body_html": mark_safe(sanitize_html(mailing.body)),  # noqa: S308 (sanitised)
        "body_text": text_of(mailing.body),
        "attachment_name": _attachment_name(mailing),
        "is_test": is_test,
    }


def _attachment_name(mailing: Mailing) -> str:
    return mailing.attachment.name.rsplit("/", 1)[-1] if mailing.attachment else ""


def _attachments(mailing: Mailing) -> list[dict]:
    if not mailing.attachment:
        return []
    import mimetypes

    name = _attachment_name(mailing)
    mimetype = mimetypes.guess_type(name)[0] or "application/octet-stream"
    return [
        stored_attachment(filename=name, stored_name=mailing.attachment.name, mimetype=mimetype)
    ]


def unsubscribe_token(person: Person) -> str:
    """A signed token naming the person: works without login, never expires (the link of
    an old e-mail must still work), the same for every mailing."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(person.pk))


def person_from_unsubscribe_token(token: str) -> Person | None:
    """The person a token was made for, or None (tampered, or the account is gone)."""
    try:
        pk = int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Person.objects.select_related("user").filter(pk=pk).first()


def unsubscribe_url(person: Person) -> str:
    path = reverse("coordination:unsubscribe", kwargs={"token": unsubscribe_token(person)})
    return f"{settings.SITE_URL}{path}"


def _personal_headers(url: str) -> dict[str, str]:
    """RFC 2369 and RFC 8058: the mail client's own one-click unsubscribe button."""
    return {"List-Unsubscribe": f"<{url}>", "List-Unsubscribe-Post": "List-Unsubscribe=One-Click"}


@transaction.atomic
def mailing_send_test(*, actor: User, mailing: Mailing) -> None:
    """Send the mailing, as members will get it, to the coordinator alone (any number of
    times: each test is its own e-mail)."""
    _require_coordination(actor)
    url = f"{settings.SITE_URL}{reverse('coordination:my_mailings')}"
    outbox_enqueue(
        template=TEMPLATE,
        recipient=actor,
        context={**mailing_context(mailing, is_test=True), "unsubscribe_url": url},
        target=mailing,
        kind=f"coordination.mailing_test:{mailing.pk}:{timezone.now().isoformat()}",
        attachments=_attachments(mailing),
    )
    audit_log_record(actor=actor, action=CoordinationAuditAction.MAILING_TESTED, target=mailing)


@transaction.atomic
def mailing_send(*, actor: User, mailing: Mailing) -> int:
    """Send the mailing to its segment, once per person: returns how many it reaches.

    Refused for a mailing that is no longer a draft (sent already, or being sent by a
    second click), or that reaches nobody.
    """
    _require_coordination(actor)
    if not has_criteria(mailing):
        raise DomainError(_("Choisissez au moins un groupe de destinataires."))
    people = list(mailing_recipients(mailing))
    if not people:
        raise DomainError(_("Ce message ne toucherait personne : élargissez les destinataires."))
    workflow_apply(
        transitions=MAILING_TRANSITIONS,
        obj=mailing,
        name="envoyer",
        actor=actor,
        audit_action=CoordinationAuditAction.MAILING_SENT,
        extra={"sent_by": actor, "sent_at": timezone.now(), "recipient_count": len(people)},
        data={"recipients": len(people)},
    )
    _queue(mailing, people)
    return len(people)


def _queue(mailing: Mailing, people: Iterable[Person]) -> None:
    """One MailingDelivery and one outbox row per person, in bulk."""
    MailingDelivery.objects.bulk_create(
        [MailingDelivery(mailing=mailing, person=person) for person in people], batch_size=1000
    )
    addressees = []
    for person in people:
        url = unsubscribe_url(person)
        addressees.append(
            Addressee(
                person.user,
                target=mailing,
                values={"unsubscribe_url": url},
                headers=_personal_headers(url),
            )
        )
    outbox_enqueue_many(
        template=TEMPLATE,
        addressees=addressees,
        context=mailing_context(mailing),
        kind=mailing.outbox_kind,
        attachments=_attachments(mailing),
        personal=("unsubscribe_url",),
    )


def mailings_settle() -> int:
    """Record as sent (or failed) the mailings whose e-mails the outbox is done with
    (beat; the workflow logs each step). Returns how many were settled."""
    settled = 0
    for mailing in Mailing.objects.filter(status=MailingStatus.SENDING):
        if deliveries_pending(mailing):
            continue
        counts = delivery_counts(mailing)
        name = "terminer" if counts.get("sent") or not counts else "echouer"
        workflow_apply(
            transitions=MAILING_TRANSITIONS,
            obj=mailing,
            name=name,
            actor=None,
            audit_action=CoordinationAuditAction.MAILING_SETTLED,
            data=counts,
        )
        settled += 1
    return settled


# --- Leaving the mailings, and coming back ------------------------------------------------


@transaction.atomic
def mailings_unsubscribe(*, person: Person, source: str = MailingOptOut.Source.LINK) -> bool:
    """Stop the coordination's mailings for `person` (the one-click link, or their space).

    Returns False when they had already left: a second click changes nothing.
    """
    person = Person.objects.select_for_update().get(pk=person.pk)
    _, created = MailingOptOut.objects.get_or_create(person=person, defaults={"source": source})
    if created:
        audit_log_record(
            actor=person.user, action=CoordinationAuditAction.MAILINGS_UNSUBSCRIBED, target=person
        )
    return created


@transaction.atomic
def mailings_resubscribe(*, person: Person) -> bool:
    """`person` gets the coordination's mailings again. False when they had not left."""
    person = Person.objects.select_for_update().get(pk=person.pk)
    deleted, _ = MailingOptOut.objects.filter(person=person).delete()
    if deleted:
        audit_log_record(
            actor=person.user, action=CoordinationAuditAction.MAILINGS_RESUBSCRIBED, target=person
        )
    return bool(deleted)
