"""The funding watch (/financements/): the members' list and pages, the public page, the
coordination's form, following, attachments, and the digest's unsubscribe page.

Members, observers and the coordination read the published opportunities (the
coordination also the drafts); anyone reads the public ones. Attachments are never
linked from /media/: they go through a view that checks who sees the opportunity.
"""

from datetime import date

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.views import redirect_to_login
from django.db.models import F
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consortium.core.downloads import file_download
from consortium.core.exceptions import DomainError
from consortium.core.pagecache import public_page
from consortium.core.pagination import paginate
from consortium.core.permissions import coordinator_required, is_coordinator
from members.access import is_member, member_required
from members.models import Organization
from members.rules import active_person

from ..enums import PublicationStatus
from ..filters.opportunities import OpportunityFilter, PublicOpportunityFilter
from ..forms.opportunities import OpportunityForm
from ..models import Opportunity
from ..services import digest as digest_services
from ..services import opportunities as services

# A deadline this close gets a "closes in N days" badge.
CLOSING_SOON_DAYS = 14
ORDER = (F("deadline").asc(nulls_last=True), "title", "pk")


# --- Helpers ---------------------------------------------------------------------------


def _find(request, slug: str, queryset=None) -> Opportunity | None:
    """The opportunity if the visitor sees it, else None."""
    queryset = Opportunity.objects if queryset is None else queryset
    return queryset.visible_to(request.user).filter(slug=slug).first()


def _not_found(request):
    """An anonymous visitor is asked to log in (for unknown addresses alike, so that
    nothing is told: a member opening a digest link logged out gets there after login);
    anyone signed in gets a 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


def _days_left(opportunity: Opportunity, today: date) -> int | None:
    return (opportunity.deadline - today).days if opportunity.deadline else None


def _page(request, queryset):
    """One page of opportunities, each with its `days_left` (no query: dates only)."""
    page = paginate(request, queryset)
    page.object_list = list(page.object_list)
    today = timezone.localdate()
    for opportunity in page.object_list:
        opportunity.days_left = _days_left(opportunity, today)
    return page


def _redirect_to(opportunity: Opportunity):
    return redirect("projects:opportunity", slug=opportunity.slug)


# --- Members' list and public page -------------------------------------------------------


@member_required
@require_GET
def opportunity_list(request):
    user = request.user
    person = active_person(user)
    filterset = OpportunityFilter(
        request.GET, queryset=Opportunity.objects.visible_to(user), person=person
    )
    organizations = filterset.organizations if "pour_moi" in filterset.filters else None
    opportunities = (
        filterset.qs.for_listing()
        .with_follow_of(person)
        .with_match_for(organizations)
        .order_by(*ORDER)
    )
    context = {
        "filter": filterset,
        "page_obj": _page(request, opportunities),
        "is_filtered": any(request.GET.get(name) for name in filterset.filters),
        "closing_soon_days": CLOSING_SOON_DAYS,
        "can_manage": is_coordinator(user),
        "has_organization": organizations is not None,
    }
    return render(request, "projects/opportunities/list.html", context)


@login_not_required
@require_GET
@public_page
def opportunity_public_list(request):
    """The open public opportunities, for everyone (elected officials, other networks)."""
    filterset = PublicOpportunityFilter(
        request.GET, queryset=Opportunity.objects.public().open().for_listing()
    )
    context = {
        "filter": filterset,
        "page_obj": _page(request, filterset.qs.order_by(*ORDER)),
        "is_filtered": any(request.GET.get(name) for name in filterset.filters),
        "closing_soon_days": CLOSING_SOON_DAYS,
    }
    return render(request, "projects/opportunities/public_list.html", context)


# --- One opportunity ---------------------------------------------------------------------


def _detail_context(request, opportunity: Opportunity) -> dict:
    user = request.user
    person = active_person(user)
    organizations = Organization.objects.acted_for_by(person)
    has_organization = organizations.exists()
    # What the badges read on a card of the list, here computed for one opportunity.
    opportunity.days_left = _days_left(opportunity, timezone.localdate())
    opportunity.is_followed = (
        person is not None and opportunity.follows.filter(person=person).exists()
    )
    opportunity.matches_mine = has_organization and (
        Opportunity.objects.filter(pk=opportunity.pk).matching(organizations).exists()
    )
    link = opportunity.link
    return {
        "opportunity": opportunity,
        # The form only takes web addresses; a row written around it must not carry a
        # javascript: link to the page.
        "external_link": link if link.startswith(("https://", "http://")) else "",
        "closing_soon_days": CLOSING_SOON_DAYS,
        "sectors": [row.get_sector_display() for row in opportunity.eligible_sectors.all()],
        "in_network": is_member(user),
        "can_follow": person is not None and opportunity.status == PublicationStatus.PUBLISHED,
        "matches": opportunity.matches_mine if has_organization else None,
        "can_create_dossier": has_organization or is_coordinator(user),
        "can_manage": is_coordinator(user),
    }


@login_not_required
@require_GET
def opportunity_detail(request, slug):
    opportunity = _find(request, slug, Opportunity.objects.for_detail())
    if opportunity is None:
        return _not_found(request)
    return render(
        request, "projects/opportunities/detail.html", _detail_context(request, opportunity)
    )


@login_not_required
@require_GET
def opportunity_attachment(request, slug, pk):
    """A file of an opportunity, for those who see it, always as a download."""
    opportunity = _find(request, slug)
    if opportunity is None:
        return _not_found(request)
    attachment = get_object_or_404(opportunity.attachments.exclude(file=""), pk=pk)
    return file_download(attachment.file, private=not opportunity.is_public)


def _follower(request, slug) -> tuple:
    """The active person and the opportunity they (un)follow; 404 for anyone else."""
    person = active_person(request.user)
    opportunity = _find(request, slug)
    if person is None or opportunity is None:
        raise Http404  # observers and staff without a profile follow nothing
    return person, opportunity


@member_required
@require_POST
def opportunity_follow(request, slug):
    person, opportunity = _follower(request, slug)
    try:
        services.opportunity_follow(opportunity=opportunity, person=person)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _(
                "Vous suivez ce financement : vous recevrez un rappel par e-mail 14 jours "
                "puis 3 jours avant la date limite."
            ),
        )
    return _redirect_to(opportunity)


@member_required
@require_POST
def opportunity_unfollow(request, slug):
    person, opportunity = _follower(request, slug)
    services.opportunity_unfollow(opportunity=opportunity, person=person)
    messages.success(request, _("Vous ne suivez plus ce financement."))
    return _redirect_to(opportunity)


# --- The coordination --------------------------------------------------------------------


@coordinator_required
def opportunity_create(request):
    form = OpportunityForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and form.is_valid():
        opportunity = services.opportunity_create(
            actor=request.user,
            fields=form.service_fields(),
            m2m=form.service_relations(),
            sectors=form.cleaned_data["eligible_sectors"],
            **form.attachment(),
        )
        messages.success(
            request,
            _("Le financement est enregistré en brouillon. Relisez-le, puis publiez-le."),
        )
        return _redirect_to(opportunity)
    status = 400 if form.errors else 200
    context = {"form": form, "opportunity": None}
    return render(request, "projects/opportunities/form.html", context, status=status)


@coordinator_required
def opportunity_edit(request, slug):
    opportunity = get_object_or_404(Opportunity, slug=slug)
    # The form works on a copy: an invalid form must not change the title shown on top.
    instance = Opportunity.objects.get(pk=opportunity.pk)
    form = OpportunityForm(request.POST or None, request.FILES or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        services.opportunity_update(
            opportunity=instance,
            actor=request.user,
            fields=form.service_fields(),
            m2m=form.service_relations(),
            sectors=form.cleaned_data["eligible_sectors"],
            remove_attachments=form.cleaned_data["remove_attachments"],
            **form.attachment(),
        )
        messages.success(request, _("Les modifications sont enregistrées."))
        return _redirect_to(instance)
    status = 400 if form.errors else 200
    context = {"form": form, "opportunity": opportunity}
    return render(request, "projects/opportunities/form.html", context, status=status)


@coordinator_required
@require_POST
def opportunity_publish(request, slug):
    opportunity = get_object_or_404(Opportunity, slug=slug)
    try:
        services.opportunity_publish(opportunity=opportunity, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Le financement est publié pour les membres du réseau."))
    return _redirect_to(opportunity)


@coordinator_required
@require_POST
def opportunity_unpublish(request, slug):
    opportunity = get_object_or_404(Opportunity, slug=slug)
    try:
        services.opportunity_unpublish(opportunity=opportunity, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Le financement est repassé en brouillon."))
    return _redirect_to(opportunity)


# --- Leaving the digest --------------------------------------------------------------------


# CSRF exemption, on this view only: mail clients send the one-click unsubscribe of
# RFC 8058 (List-Unsubscribe-Post) as a bare POST, without any token of ours. The signed
# token in the address is what authorises the change, and all it can do is stop the
# digest of the person it names.
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def digest_unsubscribe(request, token):
    """GET asks for confirmation (links get prefetched by mail scanners); POST unsubscribes."""
    person = digest_services.person_from_unsubscribe_token(token)
    if person is None:
        return render(
            request, "projects/opportunities/unsubscribe.html", {"state": "invalid"}, status=400
        )
    if request.method == "POST":
        digest_services.digest_unsubscribe(person=person)
        return render(request, "projects/opportunities/unsubscribe.html", {"state": "done"})
    state = "confirm" if person.wants_digest else "already"
    return render(request, "projects/opportunities/unsubscribe.html", {"state": state})
