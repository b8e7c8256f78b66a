"""Reads of the events app, with each user's scope built in (deny by default)."""

from datetime import timedelta

from django.apps import apps
from django.db import models
from django.db.models import Case, Count, Exists, Max, Min, OuterRef, Q, Subquery, When
from django.db.models.functions import Coalesce
from django.utils import timezone

from consortium.core.french import french_order
from consortium.core.models import ScopedQuerySet
from consortium.core.query import subquery_count
from members.access import is_member, sees_everything

from .enums import EventKind, EventStatus, RegistrationStatus, Visibility


def _sessions_of_row():
    return apps.get_model("events", "Session").objects.filter(event=OuterRef("pk"))


def _registrations_counted(status: str):
    registrations = apps.get_model("events", "Registration").objects
    return subquery_count(registrations.filter(status=status), link="event")


class EventQuerySet(ScopedQuerySet):
    def visible_to(self, user):
        """Everything for the coordination; published events otherwise, members-only ones
        for members."""
        if sees_everything(user):
            return self.all()
        published = self.exclude(status=EventStatus.DRAFT)
        if is_member(user):
            return published
        return published.filter(visibility=Visibility.PUBLIC)

    def with_dates(self):
        """Annotate first_start and last_end from the sessions (one query, sortable).

        Subqueries, not joins: joined with registrations (with_counts) an aggregate over
        sessions would multiply the rows by the registrations of each event.
        """
        sessions = _sessions_of_row()
        return self.annotate(
            first_start=Subquery(sessions.order_by("starts_at").values("starts_at")[:1]),
            last_end=Subquery(sessions.order_by("-ends_at").values("ends_at")[:1]),
        )

    def upcoming(self, now=None):
        """Events not over yet, soonest first (needs with_dates)."""
        return self.filter(last_end__gte=now or timezone.now()).order_by("first_start", "pk")

    def past(self, now=None):
        return self.filter(last_end__lt=now or timezone.now()).order_by("-first_start", "-pk")

    def feed_state(self) -> tuple[int, object]:
        """How many rows and when the last of them changed: what a feed of these events
        depends on (session changes touch their event), in one aggregate query."""
        state = self.order_by().aggregate(rows=Count("pk"), changed=Max("updated_at"))
        return state["rows"], state["changed"]

    def with_counts(self):
        """Annotate confirmed_count and waitlist_count (a subquery each)."""
        return self.annotate(
            confirmed_count=_registrations_counted(RegistrationStatus.CONFIRMED),
            waitlist_count=_registrations_counted(RegistrationStatus.WAITLISTED),
        )

    def for_listing(self):
        return self.select_related("commune__epci", "group")

    def published(self):
        return self.filter(status=EventStatus.PUBLISHED)

    def alternatives_to(self, event, now=None):
        """Where a registration to `event` may move: another published event of the same
        kind, not over yet, soonest first."""
        return (
            self.published().filter(kind=event.kind).exclude(pk=event.pk).with_dates().upcoming(now)
        )


class SessionQuerySet(models.QuerySet):
    def starting_between(self, start, end):
        return self.filter(starts_at__gt=start, starts_at__lte=end)

    def attendance_unmarked(self, *, days: int, now=None):
        """Sessions of published events that started in the last `days` days, with people
        registered, and nobody marked present or absent yet; the oldest first."""
        now = now or timezone.now()
        registrations = apps.get_model("events", "Registration").objects.confirmed()
        attendances = apps.get_model("events", "Attendance").objects
        return (
            self.filter(
                starts_at__lte=now,
                starts_at__gte=now - timedelta(days=days),
                event__status=EventStatus.PUBLISHED,
            )
            .filter(Exists(registrations.filter(event=OuterRef("event"))))
            .exclude(Exists(attendances.filter(session=OuterRef("pk"))))
            .order_by("starts_at", "pk")
        )


class RegistrationQuerySet(models.QuerySet):
    def confirmed(self):
        return self.filter(status=RegistrationStatus.CONFIRMED)

    def waitlisted(self):
        return self.filter(status=RegistrationStatus.WAITLISTED).order_by("waitlisted_at", "pk")

    def active(self):
        return self.exclude(status=RegistrationStatus.CANCELLED)

    def cancelled(self):
        return self.filter(status=RegistrationStatus.CANCELLED).order_by("-cancelled_at", "-pk")

    def certificates_overdue(self, *, now=None, delay_hours: int = 24):
        """Trainees marked present whose certificate was not sent though their training
        ended `delay_hours` (plus an hour for the sweep) ago: attendance marked too late
        for the sweep, or a failed render."""
        now = now or timezone.now()
        ended = now - timedelta(hours=delay_hours + 1)
        sessions = apps.get_model("events", "Session").objects.filter(event=OuterRef("event"))
        return (
            self.confirmed()
            .filter(
                event__kind=EventKind.TRAINING,
                event__status=EventStatus.PUBLISHED,
                certificate_sent_at__isnull=True,
                attendances__present=True,
            )
            .exclude(Exists(sessions.filter(ends_at__gt=ended)))
            .distinct()
        )

    def by_name(self):
        return self.order_by(
            french_order("person__user__last_name"),
            french_order("person__user__first_name"),
            "pk",
        )

    def for_listing(self):
        return self.select_related("person__user", "registered_by").order_by("status", "created_at")

    # --- One person's registrations ("mes inscriptions", the event page) ---------------

    def of_person(self, person):
        return self.filter(person=person) if person is not None else self.none()

    def with_event_dates(self):
        """Annotate first_start/last_end of the event (to sort and split upcoming/past)."""
        return self.annotate(
            first_start=Min("event__sessions__starts_at"), last_end=Max("event__sessions__ends_at")
        )

    def with_waitlist_position(self):
        """Annotate waitlist_position (1 = next to get a seat), None unless waitlisted."""
        waitlisted = RegistrationStatus.WAITLISTED
        ahead = (
            self.model.objects.filter(event=OuterRef("event"), status=waitlisted)
            .filter(
                Q(waitlisted_at__lt=OuterRef("waitlisted_at"))
                | Q(waitlisted_at=OuterRef("waitlisted_at"), pk__lt=OuterRef("pk"))
            )
            .order_by()
            .values("event")
            .annotate(total=Count("pk"))
            .values("total")
        )
        return self.annotate(
            waitlist_position=Case(
                When(status=waitlisted, then=Coalesce(Subquery(ahead), 0) + 1), default=None
            )
        )

    def with_presence(self):
        """Annotate `attended`: present at one session at least, one that has begun (gives a
        certificate)."""
        attendance = apps.get_model("events", "Attendance").objects
        present = attendance.filter(
            registration=OuterRef("pk"), present=True, session__starts_at__lte=timezone.now()
        )
        return self.annotate(attended=Exists(present))
