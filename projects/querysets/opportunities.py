"""Reads of the funding watch: visibility, deadlines, and eligibility matching in SQL.

Eligibility rule (models.py): each set (sectors, types, disciplines, ages, EPCIs) that
is empty means "no restriction"; a non-empty one must contain the organisation's value
(any overlap for the organisation's several disciplines and ages). Matching is written
with correlated EXISTS subqueries, so a list never grows in queries nor in duplicates.
"""

from datetime import date, timedelta

from django.db.models import Exists, OuterRef, Q, Value
from django.utils import timezone

from .eligibility import as_queryset, open_to
from .published import PublishedQuerySet
from .text import TextSearchMixin


class OpportunityQuerySet(TextSearchMixin, PublishedQuerySet):
    SEARCH_FIELDS = (("title", "A"), ("funder", "B"), ("summary", "B"), ("description", "C"))
    STORED_SEARCH = True  # PostgreSQL: search_vector, search_text (migration 0005)

    # --- Dates ---------------------------------------------------------------------------

    def open(self, today: date | None = None):
        """Still open: no deadline, or a deadline today or later (Paris date)."""
        today = today or timezone.localdate()
        return self.filter(Q(deadline__isnull=True) | Q(deadline__gte=today))

    def closed(self, today: date | None = None):
        today = today or timezone.localdate()
        return self.filter(deadline__lt=today)

    def closing_within(self, days: int, today: date | None = None):
        """Deadline between today and `days` days from now, both included."""
        today = today or timezone.localdate()
        return self.filter(deadline__gte=today, deadline__lte=today + timedelta(days=days))

    # --- Eligibility, one dimension at a time (the list's facets) -------------------------

    def _through(self, name: str):
        return self.model._meta.get_field(name).remote_field.through.objects

    def _sectors(self):
        return self.model._meta.get_field("eligible_sectors").related_model.objects

    def open_to_sector(self, sector: str):
        rows = self._sectors().filter(opportunity=OuterRef("pk"))
        return self.filter(open_to(rows, Q(sector=sector)))

    def open_to_type(self, organization_type):
        rows = self._through("eligible_types").filter(opportunity=OuterRef("pk"))
        return self.filter(open_to(rows, Q(organizationtype=organization_type)))

    def open_to_discipline(self, discipline):
        rows = self._through("eligible_disciplines").filter(opportunity=OuterRef("pk"))
        return self.filter(open_to(rows, Q(discipline=discipline)))

    def open_to_age(self, age_group):
        rows = self._through("eligible_ages").filter(opportunity=OuterRef("pk"))
        return self.filter(open_to(rows, Q(agegroup=age_group)))

    def open_to_epci(self, epci):
        rows = self._through("eligible_epcis").filter(opportunity=OuterRef("pk"))
        return self.filter(open_to(rows, Q(epci=epci)))

    # --- Eligibility of whole organisations ---------------------------------------------

    def _organization_fits(self) -> Q:
        """Inside a subquery on Organization: the outer opportunity accepts this organisation.

        OuterRef("…") is the organisation; OuterRef(OuterRef("pk")) the opportunity.
        """
        opportunity = OuterRef(OuterRef("pk"))
        return (
            open_to(
                self._sectors().filter(opportunity=opportunity),
                Q(sector=OuterRef("sector")),
            )
            & open_to(
                self._through("eligible_types").filter(opportunity=opportunity),
                Q(organizationtype=OuterRef("type")),
            )
            & open_to(
                self._through("eligible_disciplines").filter(opportunity=opportunity),
                Q(discipline__organization=OuterRef("pk")),
            )
            & open_to(
                self._through("eligible_ages").filter(opportunity=opportunity),
                Q(agegroup__organization=OuterRef("pk")),
            )
            & open_to(
                self._through("eligible_epcis").filter(opportunity=opportunity),
                Q(epci=OuterRef("commune__epci")),
            )
        )

    def _fits_any(self, organizations) -> Exists:
        return Exists(as_queryset(organizations).filter(self._organization_fits()))

    def matching(self, organizations):
        """Opportunities for which at least one of `organizations` is eligible."""
        return self.filter(self._fits_any(organizations))

    def with_match_for(self, organizations):
        """Annotate `matches_mine`: one of `organizations` is eligible (False for None)."""
        if organizations is None:
            return self.annotate(matches_mine=Value(False))
        return self.annotate(matches_mine=self._fits_any(organizations))

    # --- The visitor's own links ----------------------------------------------------------

    def with_follow_of(self, person):
        """Annotate `is_followed`: `person` follows the opportunity (False for nobody)."""
        if person is None:
            return self.annotate(is_followed=Value(False))
        follows = self.model._meta.get_field("follows").related_model.objects
        return self.annotate(
            is_followed=Exists(follows.filter(opportunity=OuterRef("pk"), person=person))
        )

    def for_listing(self):
        """What a card of the list shows, in a fixed number of queries."""
        return self.prefetch_related("eligible_sectors")

    def for_detail(self):
        return self.select_related("created_by").prefetch_related(
            "eligible_sectors",
            "eligible_types",
            "eligible_disciplines",
            "eligible_ages",
            "eligible_epcis",
            "themes",
            "attachments",
        )
