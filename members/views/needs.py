"""The needs of the network (/besoins/): express, say "moi aussi", synthesise, triage, close.

Needs are network-wide: every member reads them all. Observers (the Département's
management) read and export but never act. Only the coordination triages, merges and
closes, and only she sees who expressed an anonymous need.
"""

import csv
from functools import wraps

from django.contrib import messages
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_POST

from consortium.core.crosstab import crosstab, ranking
from consortium.core.exports import safe_cell
from consortium.core.pagination import paginate
from consortium.core.permissions import (
    coordinator_required,
    get_visible_object_or_404,
    is_coordinator,
    observer_required,
)
from consortium.core.redirects import back_to
from consortium.core.security import filters_used
from consortium.core.services import export_record

from .. import labels, services
from ..access import member_required, person_of, sees_everything
from ..enums import AffiliationStatus, NeedStatus, Sector
from ..filters import NeedFilter
from ..forms.needs import NeedCloseForm, NeedForm, NeedMergeForm, NeedTriageForm
from ..models import Epci, Need, NeedTag, Theme
from ..rules import can_act_on_needs


def actor_required(view):
    """404 for observers (read-only), like every other action they cannot take."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not can_act_on_needs(request.user):
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _filtered(request) -> NeedFilter:
    """The needs of the list, filtered; merged ones only when asked for by state."""
    needs = Need.objects.visible_to(request.user)
    if request.GET.get("status") != NeedStatus.MERGED:
        needs = needs.listed()
    return NeedFilter(request.GET, queryset=needs)


# --- The list and its synthesis ---------------------------------------------------------


def _theme_sector_table(needs) -> dict:
    """Needs per theme and sector (one aggregate query), with row and column totals."""
    counts = {(r["theme_id"], r["sector"]): r["total"] for r in needs.count_by_theme_and_sector()}
    return crosstab(counts=counts, rows=Theme.objects.all(), columns=list(Sector))


def _epci_ranking(needs) -> list[dict]:
    """Needs per EPCI (one aggregate query), most concerned first, with a bar length."""
    counts = {row["epci_id"]: row["total"] for row in needs.count_by_epci()}
    return ranking(counts=counts, rows=Epci.objects.all())


@member_required
def need_list(request):
    user = request.user
    needs_filter = _filtered(request)
    needs = (
        needs_filter.qs.for_listing()
        .with_counts()
        .with_supported_by(person_of(user))
        .order_by("-created_at", "-pk")
    )
    context = {
        "filter": needs_filter,
        "page_obj": paginate(request, needs),
        "is_filtered": any(request.GET.get(name) for name in needs_filter.filters),
        "theme_sector": _theme_sector_table(needs_filter.qs),
        "by_epci": _epci_ranking(needs_filter.qs),
        "person": person_of(user),
        "can_act": can_act_on_needs(user),
        "can_export": sees_everything(user),
        "shows_authors": is_coordinator(user),
        "labels": labels,
    }
    return render(request, "members/needs/list.html", context)


# --- CSV export ---------------------------------------------------------------------------

EXPORT_HEADER = [
    gettext_lazy("N°"),
    gettext_lazy("Date"),
    gettext_lazy("Intitulé"),
    gettext_lazy("Description"),
    gettext_lazy("Thème"),
    gettext_lazy("Secteur"),
    gettext_lazy("Commune"),
    gettext_lazy("Intercommunalité"),
    gettext_lazy("Âges"),
    gettext_lazy("État"),
    gettext_lazy("Soutiens"),
    gettext_lazy("Groupe de travail"),
    gettext_lazy("Étiquettes"),
    gettext_lazy("Auteur·rice"),
    gettext_lazy("Structure"),
    gettext_lazy("Réponse"),
]


def _author_cells(need: Need, *, with_names: bool) -> list[str]:
    # RGPD minimisation: a file travels (e-mails, shared drives) further than a page.
    # Anonymous needs never carry their author, not even in the coordination's file
    # (she still sees it on the site); signed ones carry the organisation, and the
    # person's name only for the coordination, who follows up with them. The
    # Département's management works on figures: no names for observers.
    if need.is_anonymous or need.author is None:
        return ["", ""]
    organizations = ", ".join(a.organization.name for a in need.author.current_affiliations)
    return [str(need.author) if with_names else "", organizations]


def _export_row(need: Need, *, with_names: bool) -> list:
    created = timezone.localtime(need.created_at)
    return [
        need.pk,
        created.strftime("%d/%m/%Y"),
        need.title,
        need.description,
        need.theme.name,
        need.get_sector_display(),
        need.commune.name,
        need.commune.epci.name,
        ", ".join(str(age) for age in need.age_groups.all()),
        need.get_status_display(),
        need.support_count,
        need.group.title if need.group else "",
        ", ".join(tag.name for tag in need.tags.all()),
        *_author_cells(need, with_names=with_names),
        need.answer,
    ]


@member_required
@observer_required
def need_export(request):
    """The filtered needs as a CSV French Excel opens as is (BOM, semicolons)."""
    needs = _filtered(request).qs.for_listing().with_counts().order_by("-created_at", "-pk")
    with_names = is_coordinator(request.user)
    stamp = timezone.localdate().isoformat()
    export_record(actor=request.user, export="besoins", fmt="csv", filters=filters_used(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="besoins-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(EXPORT_HEADER)
    for need in needs:
        writer.writerow([safe_cell(cell) for cell in _export_row(need, with_names=with_names)])
    return response


# --- Express a need and say "moi aussi" --------------------------------------------------


# The slug of the theme and of the tag that say "a training" (members/data vocabularies).
TRAINING = "formation"


def _initial_for(person) -> dict:
    """The sector and commune of the person's first organisation, as a starting point."""
    if person is None:
        return {}
    affiliation = (
        person.affiliations.filter(status=AffiliationStatus.ACTIVE)
        .select_related("organization__commune")
        .order_by("created_at", "pk")
        .first()
    )
    if affiliation is None:
        return {}
    organization = affiliation.organization
    return {"sector": organization.sector, "commune": organization.commune.insee_code}


@member_required
@actor_required
def need_create(request):
    person = person_of(request.user)
    initial = _initial_for(person) | (_training_request() if "formation" in request.GET else {})
    form = NeedForm(request.POST or None, initial=initial, can_be_anonymous=person is not None)
    if request.method == "POST" and form.is_valid():
        need = services.need_create(actor=request.user, **form.service_arguments())
        messages.success(
            request,
            _("Merci : votre besoin est publié. Les autres membres peuvent dire « moi aussi »."),
        )
        return redirect(need)
    return render(request, "members/needs/create.html", {"form": form})


def _training_request() -> dict:
    """ "Demander une formation": a need of that kind, its theme and tag chosen."""
    initial = {"title": _("Formation : ")}
    theme = Theme.objects.filter(slug=TRAINING).first()
    tag = NeedTag.objects.filter(slug=TRAINING).first()
    if theme:
        initial["theme"] = theme.pk
    if tag:
        initial["tags"] = [tag.pk]
    return initial


def _back(request, need: Need):
    """Where the "moi aussi" button was: the list (with its filters) or the need's page."""
    return back_to(request, need, fragment=f"#besoin-{need.pk}")


@member_required
@actor_required
@require_POST
def need_support(request, pk):
    """ "Moi aussi", or its withdrawal: the button says which (a second POST withdraws)."""
    person = person_of(request.user)
    if person is None:
        raise Http404
    need = get_visible_object_or_404(Need.objects.with_supported_by(person), request.user, pk=pk)
    wants = {"1": True, "0": False}.get(request.POST.get("support"), not need.supported)
    try:
        if wants:
            services.need_support(need=need, person=person)
            messages.success(request, _("C'est noté : ce besoin est aussi le vôtre."))
        else:
            services.need_unsupport(need=need, person=person)
            messages.success(request, _("Votre « moi aussi » est retiré."))
    except services.DomainError as error:
        messages.error(request, str(error))
    return _back(request, need)


# --- A need's page and the coordination's panel ------------------------------------------


def _detail_queryset(user):
    return (
        Need.objects.for_listing()
        .with_counts()
        .with_supported_by(person_of(user))
        .prefetch_related("merged_needs")
    )


def _coordination_forms(need: Need, **bound) -> dict:
    """The triage, merge and close forms of the panel; `bound` replaces one with errors."""
    if need.status == NeedStatus.MERGED:
        return {}
    forms = {
        "triage_form": NeedTriageForm(
            initial={"tags": list(need.tags.all()), "group": need.group_id}
        ),
        "merge_form": NeedMergeForm(need=need),
        "close_form": NeedCloseForm(),
    }
    return forms | bound


def _render_detail(request, need: Need, **bound):
    coordinator = is_coordinator(request.user)
    context = {
        "need": need,
        "person": person_of(request.user),
        "can_act": can_act_on_needs(request.user),
        "shows_authors": coordinator,
        "supporters": need.supports.select_related("person__user") if coordinator else None,
        "panel": _coordination_forms(need, **bound) if coordinator else None,
    }
    return render(request, "members/needs/detail.html", context)


@member_required
def need_detail(request, pk):
    need = get_visible_object_or_404(_detail_queryset(request.user), request.user, pk=pk)
    if need.status == NeedStatus.MERGED:
        messages.info(
            request,
            _("Ce besoin a été regroupé avec celui-ci, qui rassemble les mêmes attentes."),
        )
        return redirect(need.merged_into)
    return _render_detail(request, need)


def _coordination_action(view):
    """Coordination only (404 to anyone else), POST only, on a need she can see."""

    @wraps(view)
    @member_required
    @coordinator_required
    @require_POST
    def wrapped(request, pk):
        need = get_visible_object_or_404(_detail_queryset(request.user), request.user, pk=pk)
        return view(request, need)

    return wrapped


def _attempt(request, call) -> bool:
    """Run `call`; a refused business rule becomes an error message and changes nothing."""
    try:
        call()
    except services.DomainError as error:
        messages.error(request, str(error))
        return False
    return True


@_coordination_action
def need_triage(request, need: Need):
    """Tags and working group."""
    form = NeedTriageForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, need, triage_form=form)
    services.need_triage(need=need, actor=request.user, **form.cleaned_data)
    messages.success(request, _("Le besoin est classé."))
    return redirect(need)


@_coordination_action
def need_merge(request, need: Need):
    """Merge a duplicate into the need chosen in the panel, then show that one."""
    form = NeedMergeForm(request.POST, need=need)
    if not form.is_valid():
        return _render_detail(request, need, merge_form=form)
    into = form.cleaned_data["into"]
    if not _attempt(request, lambda: services.need_merge(need=need, into=into, actor=request.user)):
        return redirect(need)
    messages.success(
        request, _("Les deux besoins sont regroupés : leurs soutiens sont réunis ici.")
    )
    return redirect(into)


@_coordination_action
def need_close(request, need: Need):
    """Close with an answer, e-mailed to the author and the supporters."""
    form = NeedCloseForm(request.POST)
    if not form.is_valid():
        return _render_detail(request, need, close_form=form)
    answer = form.cleaned_data["answer"]
    if not _attempt(
        request, lambda: services.need_close(need=need, actor=request.user, answer=answer)
    ):
        return redirect(need)
    messages.success(
        request, _("Le besoin est clos ; la réponse est envoyée aux personnes concernées.")
    )
    return redirect(need)
