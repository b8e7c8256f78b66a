"""Reads of the dossiers: an organisation's files are its own and the coordination's."""

from datetime import timedelta

from django.apps import apps
from django.db.models import Count, F, OuterRef, Q, Subquery, Sum, Window
from django.db.models.functions import ExtractYear, RowNumber
from django.utils import timezone

from consortium.core.models import ScopedQuerySet
from consortium.core.permissions import can_observe, is_coordinator
from consortium.core.query import subquery_count
from members.enums import AffiliationStatus
from members.rules import active_person

from ..enums import DossierStatus
from .text import TextSearchMixin

# Files in these states need nothing more: no reminders, no pressing key date.
FINISHED = (DossierStatus.CLOSED, DossierStatus.REFUSED)


class DossierQuerySet(TextSearchMixin, ScopedQuerySet):
    SEARCH_FIELDS = (("title", "A"), ("funder", "B"), ("organization__name", "B"))

    def of_person(self, person):
        """Dossiers of the organisations `person` is actively affiliated with.

        A subquery rather than a join: no duplicates, hence no DISTINCT that would get
        in the way of the annotations and the ordering of the lists.
        """
        affiliation = apps.get_model("members", "Affiliation")
        organizations = affiliation.objects.filter(
            person=person, status=AffiliationStatus.ACTIVE
        ).values("organization_id")
        return self.filter(organization_id__in=organizations)

    def visible_to(self, user):
        """An organisation's files are its own and the coordination's (not the observers')."""
        if is_coordinator(user):
            return self.all()
        person = active_person(user)
        if person is None:
            return self.none()
        return self.of_person(person)

    def on_board_for(self, user):
        """The dossier board's rows: every dossier for the coordination and the
        Observation group (who read the board, never a dossier's own page)."""
        return self.all() if can_observe(user) else self.none()

    def amounts_by_funder_and_year(self):
        """Rows of year (the dossier's creation), funder, dossiers, amounts requested and
        granted, in one aggregate query: the newest year first, funders alphabetically."""
        return (
            self.order_by()
            .values("funder", year=ExtractYear("created_at"))
            .annotate(
                dossiers=Count("pk"),
                requested=Sum("amount_requested"),
                granted=Sum("amount_granted"),
            )
            .order_by("-year", "funder")
        )

    def in_progress(self):
        """Neither closed nor refused."""
        return self.exclude(status__in=FINISHED)

    def due_within(self, *, days: int, today=None):
        """Dossiers in progress with a key date in the next `days` days, or a report to
        hand in; the soonest first (reports without a date last)."""
        today = today or timezone.localdate()
        soon = Q(next_due_on__lte=today + timedelta(days=days))
        return (
            self.in_progress()
            .with_next_deadline(today)
            .filter(soon | Q(status=DossierStatus.REPORT_DUE))
            .order_by(F("next_due_on").asc(nulls_last=True), "pk")
        )

    def with_next_deadline(self, today=None):
        """`next_due_on` and `next_due_kind`: the first key date from `today` on."""
        today = today or timezone.localdate()
        deadline = apps.get_model("projects", "DossierDeadline")
        upcoming = deadline.objects.filter(dossier=OuterRef("pk"), due_on__gte=today).order_by(
            "due_on", "pk"
        )
        return self.annotate(
            next_due_on=Subquery(upcoming.values("due_on")[:1]),
            next_due_kind=Subquery(upcoming.values("kind")[:1]),
        )

    def with_checklist_counts(self):
        """`documents_total` and `documents_done`, by subquery (no row multiplication)."""
        document = apps.get_model("projects", "DossierDocument")
        return self.annotate(
            documents_total=subquery_count(document.objects.all(), link="dossier"),
            documents_done=subquery_count(document.objects.filter(is_done=True), link="dossier"),
        )

    def for_listing(self):
        """What a line of the list, a card of the board or a CSV row shows, in one query."""
        return (
            self.select_related("organization__commune__epci", "opportunity", "project")
            .with_next_deadline()
            .with_checklist_counts()
        )

    def for_board(self):
        """What a card of the board shows (its structure's name, amounts, next key date)."""
        return self.select_related("organization").with_next_deadline()

    def first_of_each_status(self, limit: int):
        """At most `limit` dossiers per status (most recently updated first), in one query."""
        rank = Window(
            RowNumber(), partition_by=[F("status")], order_by=[F("updated_at").desc(), "-pk"]
        )
        return self.annotate(rank_in_status=rank).filter(rank_in_status__lte=limit)

    def count_by_status(self) -> dict[str, int]:
        """Dossiers per status, in one aggregate query."""
        rows = self.order_by().values("status").annotate(total=Count("pk"))
        return {row["status"]: row["total"] for row in rows}
