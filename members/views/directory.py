"""The directory of the network (/reseau/): public for consenting organisations, full for members.

The public never gets personal data: no people, no contact details (an assistant·e
maternel·le's structure address or phone is a person's), only what the organisation
agreed to show (name, type, commune, disciplines, ages, presentation, website).
"""

from django.contrib.auth.decorators import login_not_required
from django.db.models import Sum
from django.shortcuts import render

from consortium.core.crosstab import crosstab
from consortium.core.french import french_order
from consortium.core.pagecache import public_page
from consortium.core.pagination import paginate
from consortium.core.permissions import get_visible_object_or_404

from ..access import is_member
from ..enums import Sector
from ..filters import DirectoryFilter
from ..models import Commune, Epci, Organization, WorkingGroup
from ..rules import can_edit_organization


@login_not_required
@public_page
def directory(request):
    user = request.user
    member = is_member(user)
    organizations = Organization.objects.in_directory_for(user).for_listing()
    if member:
        organizations = organizations.with_contacts()
    filterset = DirectoryFilter(request.GET, queryset=organizations, request=request)
    context = {
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs),
        "is_filtered": any(request.GET.get(name) for name in filterset.filters),
        "member_view": member,
    }
    return render(request, "members/directory/list.html", context)


def _coverage_table(organizations) -> dict:
    """Organisations per EPCI and sector (one aggregate query), with totals."""
    counts = {
        (row["epci_id"], row["sector"]): row["total"]
        for row in organizations.count_by_epci_and_sector()
    }
    return crosstab(
        counts=counts, rows=Epci.objects.order_by(french_order("name")), columns=list(Sector)
    )


@login_not_required
@public_page
def coverage(request):
    """Where the network is, by EPCI, and the communes it does not reach yet.

    Public, like the directory, and computed on what the visitor's directory lists
    (consenting organisations for the public, all active ones for members): it shows
    nothing the same visitor could not count in /reseau/.
    """
    organizations = Organization.objects.in_directory_for(request.user)
    uncovered = Commune.objects.without_organization_among(organizations)
    context = {
        "table": _coverage_table(organizations),
        "page_obj": paginate(request, uncovered.select_related("epci")),
        "uncovered_population": uncovered.aggregate(total=Sum("population"))["total"] or 0,
        "member_view": is_member(request.user),
    }
    return render(request, "members/directory/coverage.html", context)


@login_not_required
@public_page
def organization(request, slug):
    """One organisation: public card for everyone, people and groups for members."""
    user = request.user
    member = is_member(user)
    organizations = Organization.objects.for_listing()
    if member:
        organizations = organizations.with_contacts()
    organization = get_visible_object_or_404(organizations, user, slug=slug)
    groups = (
        WorkingGroup.objects.visible_to(user).of_organization(organization).select_related("theme")
    )
    context = {
        "organization": organization,
        "member_view": member,
        "groups": groups if member else [],
        "can_manage": can_edit_organization(user, organization),
    }
    return render(request, "members/directory/organization.html", context)
