from django.db.models import Exists, OuterRef, Q

from .eligibility import as_queryset, open_to
from .published import PublishedQuerySet
from .text import TextSearchMixin


class ResourceQuerySet(TextSearchMixin, PublishedQuerySet):
    SEARCH_FIELDS = (("title", "A"), ("summary", "B"))
    STORED_SEARCH = True  # PostgreSQL: search_vector, search_text (migration 0005)

    def matching(self, organizations):
        """Resources whose ages and disciplines (each empty: for all) overlap those of one
        of `organizations` (the weekly digest's rule)."""
        resource = OuterRef(OuterRef("pk"))
        ages = self.model.age_groups.through.objects.filter(resource=resource)
        disciplines = self.model.disciplines.through.objects.filter(resource=resource)
        fits = open_to(ages, Q(agegroup__organization=OuterRef("pk"))) & open_to(
            disciplines, Q(discipline__organization=OuterRef("pk"))
        )
        return self.filter(Exists(as_queryset(organizations).filter(fits)))

    def with_file(self):
        """Resources that carry a file (the others are links)."""
        return self.exclude(file="")

    def for_listing(self):
        """What a resource card and page show, in a fixed number of queries."""
        return self.prefetch_related("themes", "age_groups", "disciplines")
