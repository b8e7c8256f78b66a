"""One way to paginate a list page."""

from django.core.paginator import Page, Paginator

PER_PAGE = 20


def paginate(request, queryset, per_page: int = PER_PAGE) -> Page:
    """The requested page of `queryset`; a wrong or too large number gives the nearest page."""
    return Paginator(queryset, per_page).get_page(request.GET.get("page"))
