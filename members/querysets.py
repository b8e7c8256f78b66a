"""Reads of the members app, with the scope of each user built in (deny by default)."""

import re
import unicodedata
from datetime import timedelta
from difflib import SequenceMatcher

from django.apps import apps
from django.db import models
from django.db.models import Count, Q
from django.utils import timezone

from consortium.core.enums import Role
from consortium.core.french import french_order
from consortium.core.models import ScopedQuerySet
from consortium.core.query import subquery_count

from .access import is_member, person_of, sees_everything
from .enums import (
    ActionStatus,
    AffiliationStatus,
    GroupMembershipStatus,
    NeedStatus,
    OrganizationStatus,
    PersonStatus,
)


class CommuneQuerySet(models.QuerySet):
    def without_active_organization(self):
        return self.exclude(organizations__status=OrganizationStatus.ACTIVE).order_by(
            "-population", french_order("name")
        )

    def without_organization_among(self, organizations):
        """Communes where none of `organizations` is, largest population first."""
        return self.exclude(pk__in=organizations.order_by().values("commune_id")).order_by(
            "-population", french_order("name")
        )


class OrganizationQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=OrganizationStatus.ACTIVE)

    def pending(self):
        return self.filter(status=OrganizationStatus.PENDING)

    def listed_publicly(self):
        return self.active().filter(listed_publicly=True)

    def acted_for_by(self, person):
        """The active organisations `person` is actively affiliated with (none for None)."""
        if person is None:
            return self.none()
        return self.active().filter(
            affiliations__person=person, affiliations__status=AffiliationStatus.ACTIVE
        )

    def of_person(self, person):
        return self.filter(affiliations__person=person).exclude(
            affiliations__status__in=[AffiliationStatus.REFUSED, AffiliationStatus.LEFT]
        )

    def visible_to(self, user):
        """Everything for staff; active ones for members; one's own; public listing otherwise."""
        if sees_everything(user):
            return self.all()
        person = person_of(user)
        own = Q(pk__in=self.model.objects.of_person(person).values("pk")) if person else Q()
        if is_member(user):
            return self.filter(Q(status=OrganizationStatus.ACTIVE) | own)
        public = Q(status=OrganizationStatus.ACTIVE, listed_publicly=True)
        return self.filter(public | own) if person else self.filter(public)

    def in_directory_for(self, user):
        """What /reseau/ lists: active organisations, only consenting ones for the public."""
        return self.active() if is_member(user) else self.listed_publicly()

    def for_listing(self):
        return self.select_related("type", "commune__epci").prefetch_related(
            "disciplines", "age_groups"
        )

    def with_contacts(self):
        """Prefetch `contacts`: active affiliations of active people, referents first."""
        affiliation = apps.get_model("members", "Affiliation")
        contacts = (
            affiliation.objects.filter(
                status=AffiliationStatus.ACTIVE, person__status=PersonStatus.ACTIVE
            )
            .select_related("person__user")
            .order_by(
                "-is_referent",
                french_order("person__user__last_name"),
                french_order("person__user__first_name"),
            )
        )
        return self.prefetch_related(models.Prefetch("affiliations", contacts, to_attr="contacts"))

    def pending_without_pending_person(self):
        """Pending organisations that no pending partner asked for (proposed by a member)."""
        asked = _affiliations().filter(
            organization=models.OuterRef("pk"),
            person__status=PersonStatus.PENDING,
            status__in=[AffiliationStatus.PENDING, AffiliationStatus.ACTIVE],
        )
        return (
            self.pending()
            .filter(~models.Exists(asked))
            .select_related("commune", "type", "created_by")
            .order_by("created_at", "pk")
        )

    def with_affiliation_of(self, person):
        """Annotate `my_affiliation`: the status of `person`'s link to each one, or None."""
        mine = _affiliations().filter(organization=models.OuterRef("pk"), person=person)
        return self.annotate(my_affiliation=models.Subquery(mine.values("status")[:1]))

    def possible_duplicates(self, organizations) -> dict:
        """{pk: [(other, same_siret)]} for each of `organizations`, in one query.

        A possible duplicate has the same SIRET, or a very close name in the same commune.
        """
        organizations = list(organizations)
        sirets = {o.siret for o in organizations if o.siret}
        candidates = list(
            self.filter(
                Q(commune_id__in={o.commune_id for o in organizations}) | Q(siret__in=sirets)
            ).select_related("commune")
        )
        names = {c.pk: normalized_name(c.name) for c in candidates}
        found = {}
        for organization in organizations:
            name = normalized_name(organization.name)
            found[organization.pk] = [
                (other, bool(organization.siret) and other.siret == organization.siret)
                for other in candidates
                if other.pk != organization.pk
                and (
                    (organization.siret and other.siret == organization.siret)
                    or (
                        other.commune_id == organization.commune_id
                        and names_look_alike(name, names[other.pk])
                    )
                )
            ]
        return found

    def count_by_epci_and_sector(self):
        """One aggregate query: rows of epci_id, sector, total."""
        return (
            self.order_by()
            .values("sector", epci_id=models.F("commune__epci_id"))
            .annotate(total=Count("pk", distinct=True))
        )


class PersonQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=PersonStatus.ACTIVE)

    def pending(self):
        return self.filter(status=PersonStatus.PENDING)

    def awaiting_validation(self):
        """Pending people, oldest first, with `requests`: the organisations they asked for.

        Each request (an Affiliation) carries `active_referent_count`, the number of
        active referents of its organisation (who were told of the request).
        """
        requests = (
            _affiliations()
            .filter(status__in=[AffiliationStatus.PENDING, AffiliationStatus.ACTIVE])
            .select_related("organization__commune", "organization__type")
            .annotate(active_referent_count=_active_referent_count())
            .order_by("created_at", "pk")
        )
        return (
            self.pending()
            .select_related("user")
            .prefetch_related(models.Prefetch("affiliations", requests, to_attr="requests"))
            .order_by("created_at", "pk")
        )

    def visible_to(self, user):
        if sees_everything(user):
            return self.all()
        if is_member(user):
            return self.active()
        person = person_of(user)
        return self.filter(pk=person.pk) if person else self.none()


class GroupQuerySet(ScopedQuerySet):
    def current(self):
        return self.filter(archived_at__isnull=True)

    def visible_to(self, user):
        if sees_everything(user):
            return self.all()
        return self.current() if is_member(user) else self.none()

    def of_organization(self, organization):
        """Groups in which an active person of `organization` is a member."""
        return self.filter(
            memberships__status=GroupMembershipStatus.MEMBER,
            memberships__person__status=PersonStatus.ACTIVE,
            memberships__person__affiliations__organization=organization,
            memberships__person__affiliations__status=AffiliationStatus.ACTIVE,
        ).distinct()

    def with_membership_of(self, person):
        """Annotate `my_status` (status of `person`'s membership or None) and `is_mine`."""
        membership = apps.get_model("members", "GroupMembership")
        if person is None:
            return self.annotate(
                my_status=models.Value(None, output_field=models.CharField()),
                is_mine=models.Value(False),
            )
        mine = membership.objects.filter(group=models.OuterRef("pk"), person=person)
        return self.annotate(
            my_status=models.Subquery(mine.values("status")[:1]),
            is_mine=models.Exists(mine.filter(status=GroupMembershipStatus.MEMBER)),
        )

    def with_counts(self):
        """Annotate member_count and open_action_count (a subquery each)."""
        memberships = apps.get_model("members", "GroupMembership").objects
        actions = apps.get_model("members", "Action").objects
        return self.annotate(
            member_count=subquery_count(
                memberships.filter(status=GroupMembershipStatus.MEMBER), link="group"
            ),
            open_action_count=subquery_count(actions.open(), link="group"),
        )


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=[ActionStatus.TODO, ActionStatus.IN_PROGRESS])

    def late(self, today=None):
        """Open actions whose due date has passed, the latest first to come."""
        today = today or timezone.localdate()
        return self.open().filter(due_date__lt=today).order_by("due_date", "pk")


class NeedQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Needs are network-wide: every member sees them all.

        Merged ones stay reachable (their page redirects to the need they joined);
        `listed()` keeps them out of the lists.
        """
        return self.all() if is_member(user) else self.none()

    def listed(self):
        return self.exclude(status=NeedStatus.MERGED)

    def open(self):
        return self.filter(status__in=[NeedStatus.OPEN, NeedStatus.IN_PROGRESS])

    def needing_attention(self, *, days: int, now=None):
        """Needs the coordination has not triaged yet (open), and those still without an
        answer `days` days after they were expressed; the oldest first."""
        since = (now or timezone.now()) - timedelta(days=days)
        unanswered = Q(
            status__in=[NeedStatus.OPEN, NeedStatus.IN_PROGRESS], answer="", created_at__lte=since
        )
        return self.filter(Q(status=NeedStatus.OPEN) | unanswered).order_by("created_at", "pk")

    def with_counts(self):
        """Annotate support_count with a correlated subquery: a page of 20 needs counts
        the supports of those 20 only (a join and GROUP BY counted them all first)."""
        supports = apps.get_model("members", "NeedSupport").objects.all()
        return self.annotate(support_count=subquery_count(supports, link="need"))

    def for_listing(self):
        """Everything a list row or a CSV line shows, in a constant number of queries."""
        affiliation = apps.get_model("members", "Affiliation")
        current = affiliation.objects.filter(status=AffiliationStatus.ACTIVE).select_related(
            "organization"
        )
        # The authors in a query of their own: joined to the needs, person and user made
        # PostgreSQL plan a seven-table join and hash both whole tables for twenty rows.
        authors = apps.get_model("members", "Person").objects.select_related("user")
        return self.select_related("theme", "commune__epci", "group").prefetch_related(
            "age_groups",
            "tags",
            models.Prefetch("author", authors),
            models.Prefetch("author__affiliations", current, to_attr="current_affiliations"),
        )

    def count_by_theme_and_sector(self):
        """One aggregate query: rows of theme_id, sector, total."""
        return (
            self.order_by().values("theme_id", "sector").annotate(total=Count("pk", distinct=True))
        )

    def count_by_epci(self):
        """One aggregate query: rows of epci_id, total."""
        return (
            self.order_by()
            .values(epci_id=models.F("commune__epci_id"))
            .annotate(total=Count("pk", distinct=True))
        )

    def with_supported_by(self, person):
        """Annotate `supported` for `person` in the same query."""
        if person is None:
            return self.annotate(supported=models.Value(False))
        return self.annotate(
            supported=models.Exists(
                self.model.supports.rel.related_model.objects.filter(
                    need=models.OuterRef("pk"), person=person
                )
            )
        )


# --- Affiliations (no queryset class of their own) and duplicate detection ---------------


def _affiliations():
    return apps.get_model("members", "Affiliation").objects.all()


def _active_referent_count():
    """The number of active referents (active people) of an affiliation's organisation, as
    a correlated subquery: counting over a join of the organisation's affiliations grouped
    every row of the page, and took PostgreSQL longer to plan than to run."""
    referents = _affiliations().filter(
        is_referent=True, status=AffiliationStatus.ACTIVE, person__status=PersonStatus.ACTIVE
    )
    return subquery_count(referents, link="organization", outer="organization")


def affiliations_accepted_by_referents(*, since):
    """Affiliations a referent accepted without the coordination since `since`, newest first."""
    return (
        _affiliations()
        .filter(status=AffiliationStatus.ACTIVE, decided_at__gte=since, decided_by__isnull=False)
        .exclude(decided_by__is_superuser=True)
        .exclude(decided_by__groups__name=Role.COORDINATION)
        .select_related("person__user", "organization__commune", "decided_by")
        .order_by("-decided_at", "-pk")
    )


def affiliations_of_members_awaiting():
    """Requests to join an active organisation from people who are already members."""
    return (
        _affiliations()
        .filter(
            status=AffiliationStatus.PENDING,
            person__status=PersonStatus.ACTIVE,
            organization__status=OrganizationStatus.ACTIVE,
        )
        .select_related("person__user", "organization__commune")
        .annotate(active_referent_count=_active_referent_count())
        .order_by("created_at", "pk")
    )


# Short words that do not tell two names apart ("Crèche de la Gare" = "Crèche Gare").
NAME_STOP_WORDS = frozenset(
    {"la", "le", "les", "de", "du", "des", "l", "d", "et", "a", "au", "aux"}
)


def normalized_name(name: str) -> str:
    """Lowercase, without accents, punctuation or short linking words."""
    text = unicodedata.normalize("NFKD", name.casefold())
    text = "".join(char for char in text if not unicodedata.combining(char))
    return " ".join(
        word for word in re.split(r"[\W_]+", text) if word and word not in NAME_STOP_WORDS
    )


def names_look_alike(first: str, second: str) -> bool:
    """Two normalised names that probably mean the same organisation."""
    if not first or not second:
        return False
    # "Crèche 1" and "Crèche 2" are two crèches, however close the names.
    if re.findall(r"\d+", first) != re.findall(r"\d+", second):
        return False
    if f" {first} " in f" {second} " or f" {second} " in f" {first} ":
        return True
    return SequenceMatcher(None, first, second).ratio() >= 0.85
