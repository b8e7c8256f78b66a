"""Reads of the members app, with the scope of each user built in (deny by default)."""

from django.db import models
from django.db.models import Count, Q

from consortium.core.models import ScopedQuerySet

from .access import is_member, person_of, sees_everything
from .enums import (
    AffiliationStatus,
    GroupMembershipStatus,
    NeedStatus,
    OrganizationStatus,
    PersonStatus,
)


class CommuneQuerySet(models.QuerySet):
    def without_active_organization(self):
        return self.exclude(organizations__status=OrganizationStatus.ACTIVE).order_by(
            "-population", "name"
        )


class OrganizationQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=OrganizationStatus.ACTIVE)

    def pending(self):
        return self.filter(status=OrganizationStatus.PENDING)

    def listed_publicly(self):
        return self.active().filter(listed_publicly=True)

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


class PersonQuerySet(ScopedQuerySet):
    def active(self):
        return self.filter(status=PersonStatus.ACTIVE)

    def pending(self):
        return self.filter(status=PersonStatus.PENDING)

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

    def with_counts(self):
        return self.annotate(
            member_count=Count(
                "memberships",
                filter=Q(memberships__status=GroupMembershipStatus.MEMBER),
                distinct=True,
            ),
            open_action_count=Count(
                "actions", filter=Q(actions__status__in=["todo", "in_progress"]), distinct=True
            ),
        )


class ActionQuerySet(models.QuerySet):
    def open(self):
        return self.filter(status__in=["todo", "in_progress"])


class NeedQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        if sees_everything(user):
            return self.all()
        return self.exclude(status=NeedStatus.MERGED) if is_member(user) else self.none()

    def open(self):
        return self.filter(status__in=[NeedStatus.OPEN, NeedStatus.IN_PROGRESS])

    def with_counts(self):
        return self.annotate(support_count=Count("supports", distinct=True))

    def for_listing(self):
        return self.select_related(
            "theme", "commune__epci", "author__user", "group"
        ).prefetch_related("age_groups", "tags")

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
