"""Query helpers shared by the apps' QuerySets."""

from django.db.models import Count, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce


def subquery_count(rows: QuerySet, *, link: str, outer: str = "pk"):
    """COUNT of `rows` whose `link` is the outer row (or the outer row's `outer` field),
    as a correlated subquery.

    Unlike Count() over a join, several of these on one queryset do not multiply each
    other's rows (members × actions, sessions × registrations…).
    """
    counted = (
        rows.filter(**{link: OuterRef(outer)})
        .order_by()
        .values(link)
        .annotate(total=Count("pk"))
        .values("total")
    )
    return Coalesce(Subquery(counted), 0)
