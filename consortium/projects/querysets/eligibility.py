"""Eligibility in SQL: an empty set of rows means "no restriction", otherwise one row must
match. Written as correlated EXISTS subqueries, so lists grow neither in queries nor in
duplicates."""

from django.db.models import Exists, Q, QuerySet

from consortium.members.models import Organization


def open_to(rows: QuerySet, matching: Q) -> Q:
    """No row for the outer object (no restriction), or a row that matches."""
    return ~Exists(rows) | Exists(rows.filter(matching))


def as_queryset(organizations) -> QuerySet:
    """Organisations given as a queryset or a list, as a queryset (for a subquery)."""
    if isinstance(organizations, QuerySet):
        return organizations
    return Organization.objects.filter(pk__in=[org.pk for org in organizations])
