"""Eligibility in SQL: an empty set of rows means "no restriction", otherwise one row must
match. Written as correlated EXISTS subqueries, so lists grow neither in queries nor in
duplicates."""

from django.db.models import Exists, Q, QuerySet

from members.models import Organization


def open_to(rows: QuerySet, matching: Q) -> Q:
    """No row for the outer object (no restriction), or a row that matches."""
    return ~Exists(rows) | Exists(rows.filter(matching))


def as_queryset(organizations) -> QuerySet:
    """Organisations given as a queryset or a list, as a queryset of their ids (for a
    subquery). A person has one or two organisations: reading their ids first (one small
    query) lets the database start each EXISTS from them, not from every organisation."""
    if isinstance(organizations, QuerySet):
        ids = list(organizations.values_list("pk", flat=True))
    else:
        ids = [organization.pk for organization in organizations]
    return Organization.objects.filter(pk__in=ids)
