"""The weekly digest of the watch: each consenting member gets, once a week, the new
opportunities and resources that match their organisations, and can leave in one click.

Once a week is enforced twice: a DigestDelivery row per (person, ISO week), and the
outbox's unique kind `projects.digest:<week>` per person. Nothing is sent when nothing
matches. Each digest covers what was published since the previous one (the last seven
days for a first one), so an item never comes twice.
"""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.conf import settings
from django.core import signing
from django.db import IntegrityError, transaction
from django.db.models import OuterRef, Subquery
from django.urls import reverse
from django.utils import timezone

from consortium.core.outbox import outbox_enqueue
from consortium.core.services import audit_log_record
from members.enums import ConsentPurpose, PersonStatus
from members.models import ConsentRecord, Organization, Person
from members.services import person_preferences_update

from ..enums import ProjectsAuditAction
from ..models import DigestDelivery, Opportunity, Resource

UNSUBSCRIBE_SALT = "projects.digest"
FIRST_DIGEST_PERIOD = timedelta(days=7)
# Items listed in one e-mail; the counts and a link to the full list say the rest.
MAX_LISTED = 20


@dataclass(frozen=True)
class DigestContent:
    opportunities: list
    resources: list
    opportunity_count: int
    resource_count: int

    @property
    def is_empty(self) -> bool:
        return not (self.opportunity_count or self.resource_count)


def iso_week(moment: datetime) -> str:
    """ "2026-W49": the ISO week of `moment` in Paris."""
    year, week, _ = timezone.localdate(moment).isocalendar()
    return f"{year}-W{week:02d}"


# --- Unsubscribe links -------------------------------------------------------------------


def unsubscribe_token(person: Person) -> str:
    """A signed token naming the person; it works without login and does not expire
    (a List-Unsubscribe link in an old e-mail must still work). No timestamp: the same
    person always gets the same link."""
    return signing.Signer(salt=UNSUBSCRIBE_SALT).sign(str(person.pk))


def person_from_unsubscribe_token(token: str) -> Person | None:
    """The person a token was made for, or None (tampered, or the account is gone)."""
    try:
        pk = int(signing.Signer(salt=UNSUBSCRIBE_SALT).unsign(token))
    except (signing.BadSignature, ValueError):
        return None
    return Person.objects.select_related("user").filter(pk=pk).first()


def unsubscribe_url(person: Person) -> str:
    path = reverse("projects:digest_unsubscribe", kwargs={"token": unsubscribe_token(person)})
    return f"{settings.SITE_URL}{path}"


@transaction.atomic
def digest_unsubscribe(*, person: Person) -> bool:
    """Stop the digest: the preference, a consent withdrawal record, an audit entry.

    Returns False when the person was not subscribed (a second click changes nothing).
    """
    person = Person.objects.select_for_update().select_related("user").get(pk=person.pk)
    if not person.wants_digest:
        return False
    person_preferences_update(
        person=person,
        wants_reminders=person.wants_reminders,
        wants_digest=False,
        language=person.user.language,
    )
    audit_log_record(
        actor=person.user, action=ProjectsAuditAction.DIGEST_UNSUBSCRIBED, target=person
    )
    return True


# --- Who gets a digest, and what is in it --------------------------------------------------


def digest_recipients(*, week: str):
    """Active people who asked for the digest, whose latest digest consent is a yes, and
    who have not had this week's digest; with `last_covered_until` annotated."""
    latest_consent = ConsentRecord.objects.filter(
        person=OuterRef("pk"), purpose=ConsentPurpose.DIGEST
    ).order_by("-created_at", "-id")
    last_digest = DigestDelivery.objects.filter(person=OuterRef("pk")).order_by("-covered_until")
    return (
        Person.objects.filter(wants_digest=True, status=PersonStatus.ACTIVE, user__is_active=True)
        .annotate(
            consent_given=Subquery(latest_consent.values("given")[:1]),
            last_covered_until=Subquery(last_digest.values("covered_until")[:1]),
        )
        .filter(consent_given=True)
        .exclude(digests__week=week)
        .select_related("user")
        .order_by("pk")
    )


def digest_content(*, person: Person, since: datetime, until: datetime) -> DigestContent:
    """What matches `person`'s organisations among what was published in (since, until]."""
    organizations = Organization.objects.acted_for_by(person)
    period = {"published_at__gt": since, "published_at__lte": until}
    opportunities = (
        Opportunity.objects.published()
        .open(timezone.localdate(until))
        .filter(**period)
        .matching(organizations)
        .order_by("deadline", "title")
    )
    resources = Resource.objects.published().filter(**period).matching(organizations)
    listed_opportunities = list(opportunities[:MAX_LISTED])
    listed_resources = list(resources.order_by("-published_at", "title")[:MAX_LISTED])
    return DigestContent(
        opportunities=listed_opportunities,
        resources=listed_resources,
        opportunity_count=_count(opportunities, listed_opportunities),
        resource_count=_count(resources, listed_resources),
    )


def _count(queryset, listed: list) -> int:
    # The count query only when the list was cut: most digests are short.
    return len(listed) if len(listed) < MAX_LISTED else queryset.count()


def _queue(person: Person, *, week: str, content: DigestContent, now: datetime) -> bool:
    """Record the delivery and queue the e-mail, together or not at all."""
    url = unsubscribe_url(person)
    try:
        with transaction.atomic():
            DigestDelivery.objects.create(
                person=person,
                week=week,
                covered_until=now,
                opportunity_count=min(content.opportunity_count, 32767),
                resource_count=min(content.resource_count, 32767),
            )
            message = outbox_enqueue(
                template="member_digest",
                recipient=person.user,
                context={"person": person, "digest": content, "unsubscribe_url": url},
                target=person,
                kind=f"projects.digest:{week}",
                headers={
                    "List-Unsubscribe": f"<{url}>",
                    "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
                },
            )
    except IntegrityError:
        return False  # another run recorded this week's digest first
    return message is not None


def digest_send_weekly(*, now: datetime | None = None) -> int:
    """Queue this week's digest for every consenting member with something new for them.

    Returns how many digests were queued. Safe to run again: a second run in the same
    ISO week finds everyone already served. Costs a constant number of queries per
    recipient (their matching opportunities and resources).
    """
    now = now or timezone.now()
    week = iso_week(now)
    queued = 0
    for person in digest_recipients(week=week):
        since = person.last_covered_until or now - FIRST_DIGEST_PERIOD
        content = digest_content(person=person, since=since, until=now)
        if not content.is_empty:
            queued += _queue(person, week=week, content=content, now=now)
    return queued
