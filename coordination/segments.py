"""Who a mailing reaches: the union of its criteria, among the people it may reach.

Each criterion is a subquery of people; the union is one query whatever the number of
criteria, and a person matching several is one row (one e-mail). Only active members
with an active account who did not leave the mailings are reached.
"""

from functools import reduce
from operator import or_

from django.db.models import Q, QuerySet

from events.models import Attendance, Registration
from members.enums import AffiliationStatus, GroupMembershipStatus
from members.models import Affiliation, GroupMembership, NeedSupport, Organization, Person
from projects.models import OpportunityFollow

from .models import Mailing


def reachable_people() -> QuerySet:
    """Active members (the members app's one queryset for it), with an active account,
    who have not left the coordination's mailings."""
    return Person.objects.active().filter(user__is_active=True, mailing_opt_out__isnull=True)


def mailing_recipients(mailing: Mailing) -> QuerySet:
    """The people `mailing` reaches, each once, with their account, in a stable order."""
    people = reachable_people().select_related("user").order_by("pk")
    if mailing.everyone:
        return people
    return people.filter(reduce(or_, _criteria(mailing)))


def _criteria(mailing: Mailing) -> list[Q]:
    """One `pk__in` condition per kind of criterion (an empty one matches nobody)."""
    return [
        Q(pk__in=_of_organizations(mailing)),
        Q(pk__in=_members_of_groups(mailing)),
        Q(pk__in=Registration.objects.confirmed()
          .filter(event__in=mailing.registrants_of.all()).values("person")),
        Q(pk__in=Attendance.objects.filter(
            present=True, registration__event__in=mailing.attendees_of.all()
        ).values("registration__person")),
        Q(pk__in=NeedSupport.objects.filter(need__in=mailing.needs.all()).values("person")),
        Q(pk__in=mailing.needs.values("author")),  # who expressed a need supports it first
        Q(pk__in=OpportunityFollow.objects.filter(
            opportunity__in=mailing.opportunities.all()
        ).values("person")),
    ]  # fmt: skip


def _of_organizations(mailing: Mailing) -> QuerySet:
    """People affiliated to an active organisation of a chosen sector, type or place."""
    matching = (
        Q(sector__in=mailing.sectors)
        | Q(type__in=mailing.organization_types.all())
        | Q(commune__epci__in=mailing.epcis.all())
        | Q(commune__in=mailing.communes.all())
    )
    organizations = Organization.objects.active().filter(matching)
    return Affiliation.objects.filter(
        status=AffiliationStatus.ACTIVE, organization__in=organizations
    ).values("person")


def _members_of_groups(mailing: Mailing) -> QuerySet:
    return GroupMembership.objects.filter(
        status=GroupMembershipStatus.MEMBER, group__in=mailing.groups.all()
    ).values("person")


def has_criteria(mailing: Mailing) -> bool:
    """At least one criterion is chosen (a few small queries: for the form and the send)."""
    if mailing.everyone or mailing.sectors:
        return True
    relations = (
        mailing.organization_types, mailing.epcis, mailing.communes, mailing.groups,
        mailing.registrants_of, mailing.attendees_of, mailing.needs, mailing.opportunities,
    )  # fmt: skip
    return any(relation.exists() for relation in relations)


def segment_summary(mailing: Mailing) -> list[tuple[str, list[str]]]:
    """(label, [names]) of each criterion chosen, for the mailing's page."""
    if mailing.everyone:
        return [(str(Mailing._meta.get_field("everyone").verbose_name), [])]
    summary = []
    if mailing.sectors:
        summary.append(
            (str(Mailing._meta.get_field("sectors").verbose_name), mailing.sector_labels)
        )
    for name in (
        "organization_types", "epcis", "communes", "groups",
        "registrants_of", "attendees_of", "needs", "opportunities",
    ):  # fmt: skip
        names = [str(item) for item in getattr(mailing, name).all()]
        if names:
            summary.append((str(Mailing._meta.get_field(name).verbose_name), names))
    return summary
