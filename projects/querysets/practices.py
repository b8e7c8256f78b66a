from django.apps import apps
from django.db.models import Count, Prefetch, Q

from consortium.core.models import ScopedQuerySet
from consortium.core.permissions import is_coordinator
from members.enums import AffiliationStatus
from members.rules import active_person

from ..enums import PracticeStatus
from .text import TextSearchMixin


class PracticeQuerySet(TextSearchMixin, ScopedQuerySet):
    # Rich text is searched as stored: clean HTML.
    SEARCH_FIELDS = (
        ("title", "A"),
        ("summary", "B"),
        ("context", "C"),
        ("what_was_done", "C"),
        ("partners", "C"),
        ("lessons", "C"),
    )
    STORED_SEARCH = True  # PostgreSQL: search_vector, search_text (migration 0005)

    def published(self):
        return self.filter(status=PracticeStatus.PUBLISHED)

    def visible_to(self, user):
        """Published sheets are public; drafts belong to their authors' organisation and
        to the coordination, who reviews them."""
        if is_coordinator(user):
            return self.all()
        person = active_person(user)
        if person is None:
            return self.published()
        return self.filter(Q(status=PracticeStatus.PUBLISHED) | self._own_condition(person))

    def proposed_by_team_of(self, person):
        """The sheets `person` proposed, or that their organisations proposed."""
        if person is None:
            return self.none()
        return self.filter(self._own_condition(person))

    @staticmethod
    def _own_condition(person) -> Q:
        # A subquery rather than a join: no duplicate rows, so no DISTINCT (which would
        # clash with the facet counts' GROUP BY and with ordering on other tables).
        from members.models import Affiliation

        organizations = Affiliation.objects.filter(
            person=person, status=AffiliationStatus.ACTIVE
        ).values("organization_id")
        return Q(organization__in=organizations) | Q(organization__isnull=True, proposed_by=person)

    def awaiting_review(self):
        return self.filter(status=PracticeStatus.SUBMITTED)

    def for_listing(self):
        """What a card shows: the organisation, ages, territory and the first image."""
        images = apps.get_model("projects", "PracticeImage").objects.order_by("position", "id")
        return self.select_related("organization").prefetch_related(
            "age_groups",
            "epcis",
            "communes",
            Prefetch("images", queryset=images),
        )

    def for_sheet(self):
        """Everything the public page and the PDF show, in a fixed number of queries."""
        return (
            self.for_listing()
            .select_related("project", "proposed_by__user")
            .prefetch_related("disciplines", "themes")
        )

    def count_by(self, field: str) -> dict:
        """{value of `field`: number of sheets}: one GROUP BY query (a facet's counts)."""
        rows = (
            self.order_by()
            .filter(**{f"{field}__isnull": False})
            .values(field)
            .annotate(total=Count("pk", distinct=True))
            .values_list(field, "total")
        )
        return dict(rows)
