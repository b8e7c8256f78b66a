"""Dossiers (/dossiers/): an organisation's applications and administrative files.

Partners see and move their organisations' dossiers; the coordination sees them all, on
a board grouped by step and in a list she can export. Observers do not see them: they
are the organisations' private files. Everything about a dossier outside the user's
scope answers 404, documents included.
"""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from consortium.core.downloads import file_download
from consortium.core.exceptions import DomainError
from consortium.core.exports import safe_cell
from consortium.core.forms import show_service_errors
from consortium.core.numbers import grouped
from consortium.core.pagination import paginate
from consortium.core.permissions import (
    coordinator_required,
    get_visible_object_or_404,
    is_coordinator,
    observer_required,
)
from consortium.core.security import filters_used
from consortium.core.services import export_record
from consortium.core.workflows import available_transitions
from members.access import person_of

from ..access import organizations_acted_for, partner_required
from ..enums import DossierKind, DossierStatus, OpportunityKind
from ..filters.dossiers import DossierBoardFilter, DossierFilter
from ..forms.dossiers import (
    DeadlineForm,
    DocumentAddForm,
    DocumentFileForm,
    DossierForm,
    TransitionForm,
    referents_of,
)
from ..models import Dossier, DossierDeadline, DossierDocument, DossierTransition, Opportunity
from ..services import dossiers as services
from ..workflows import DOSSIER_TRANSITIONS

D = DossierStatus
# Cards per column of the board; the rest are one click away in the filtered list.
BOARD_LIMIT = 10

STATUS_BADGES = {
    DossierStatus.IDEA: "badge--neutral",
    DossierStatus.PREPARING: "",
    DossierStatus.SUBMITTED: "badge--warning",
    DossierStatus.GRANTED: "badge--success",
    DossierStatus.REFUSED: "badge--error",
    DossierStatus.REPORT_DUE: "badge--warning",
    DossierStatus.CLOSED: "badge--neutral",
}

# The kind of dossier an opportunity usually leads to.
KIND_FOR_OPPORTUNITY = {
    OpportunityKind.CALL_FOR_PROJECTS: DossierKind.CALL_FOR_PROJECTS,
    OpportunityKind.PRIZE: DossierKind.CALL_FOR_PROJECTS,
    OpportunityKind.RESIDENCY: DossierKind.CALL_FOR_PROJECTS,
}


# --- Lookups within the user's scope ---------------------------------------------------


def _dossier(request, pk, queryset=None) -> Dossier:
    queryset = Dossier.objects.select_related("organization") if queryset is None else queryset
    return get_visible_object_or_404(queryset, request.user, pk=pk)


def _document(request, pk, document_pk) -> DossierDocument:
    visible = Dossier.objects.visible_to(request.user)
    documents = DossierDocument.objects.select_related("dossier__organization")
    return get_object_or_404(documents, pk=document_pk, dossier_id=pk, dossier__in=visible)


def _deadline(request, pk, deadline_pk) -> DossierDeadline:
    visible = Dossier.objects.visible_to(request.user)
    deadlines = DossierDeadline.objects.select_related("dossier__organization")
    return get_object_or_404(deadlines, pk=deadline_pk, dossier_id=pk, dossier__in=visible)


def _attempt(request, call) -> bool:
    """Run `call`; a refused business rule becomes an error message and changes nothing."""
    try:
        call()
    except DomainError as error:
        messages.error(request, str(error))
        return False
    return True


def _back(dossier: Dossier, anchor: str):
    return redirect(f"{dossier.get_absolute_url()}#{anchor}")


# --- The list, the board and the export ------------------------------------------------------


def _filtered(request, filter_class=DossierFilter):
    dossiers = Dossier.objects.visible_to(request.user).for_listing()
    return filter_class(request.GET, queryset=dossiers)


def _listing_order(dossiers):
    """The next key date first (files without one last), then the latest changed."""
    return dossiers.order_by(F("next_due_on").asc(nulls_last=True), "-updated_at", "-pk")


def _decorate(dossiers) -> list[Dossier]:
    """Give each dossier the badge of its step, its amounts and its next key date, as the
    list and the board show them: formatted here once per row (a template include with
    its filters and translations per card cost most of the board's time)."""
    kinds = dict(DossierDeadline._meta.get_field("kind").choices)
    for dossier in dossiers:
        dossier.badge = STATUS_BADGES.get(dossier.status, "")
        dossier.amounts_html = _amounts_html(dossier)
        dossier.next_due_html = _next_due_html(dossier, kinds.get(dossier.next_due_kind, ""))
    return dossiers


def _amounts_html(dossier: Dossier) -> SafeString:
    """« 12 000 € demandés<br>8 000 € accordés », or « montant non précisé » (muted)."""
    if dossier.amount_requested is None:
        lines = [format_html('<span class="muted">{}</span>', _("montant non précisé"))]
    else:
        lines = [_("%(amount)s € demandés") % {"amount": grouped(dossier.amount_requested)}]
    if dossier.amount_granted is not None:
        lines.append(_("%(amount)s € accordés") % {"amount": grouped(dossier.amount_granted)})
    return format_html_join(mark_safe("<br>"), "{}", ((line,) for line in lines))


def _next_due_html(dossier: Dossier, label: str) -> SafeString:
    """The next key date as a <time>, with what is due in parentheses."""
    if not dossier.next_due_on:
        return format_html('<span class="muted">{}</span>', _("aucune à venir"))
    due = format_html(
        '<time datetime="{}">{}</time>',
        dossier.next_due_on.isoformat(),
        date_format(dossier.next_due_on, "j F Y"),
    )
    return format_html('{} <span class="muted">({})</span>', due, label) if label else due


@partner_required
@require_GET
def dossier_list(request):
    user = request.user
    dossiers_filter = _filtered(request)
    page_obj = paginate(request, _listing_order(dossiers_filter.qs))
    _decorate(page_obj.object_list)
    context = {
        "filter": dossiers_filter,
        "page_obj": page_obj,
        "is_filtered": any(request.GET.get(name) for name in dossiers_filter.filters),
        "is_coordinator": is_coordinator(user),
        "can_create": organizations_acted_for(user).exists(),
    }
    return render(request, "projects/dossiers/list.html", context)


def _board_columns(dossiers) -> list[dict]:
    """One column per step: its count, and its most recently changed dossiers."""
    counts = dossiers.count_by_status()
    cards = _decorate(
        list(dossiers.for_board().first_of_each_status(BOARD_LIMIT).order_by("-updated_at"))
    )
    columns = []
    for status in DossierStatus:
        mine = [dossier for dossier in cards if dossier.status == status]
        total = counts.get(status, 0)
        columns.append(
            {
                "status": status.value,
                "label": status.label,
                "badge": STATUS_BADGES[status],
                "count": total,
                "dossiers": mine,
                "more": total - len(mine),
            }
        )
    return columns


def _amounts_table(dossiers) -> list[dict]:
    """Amounts requested and granted per year and funder, with their display text."""
    rows = list(dossiers.amounts_by_funder_and_year())
    for row in rows:
        row["requested_text"] = grouped(row["requested"]) if row["requested"] else "–"
        row["granted_text"] = grouped(row["granted"]) if row["granted"] else "–"
    return rows


@observer_required
@require_GET
def dossier_board(request):
    """The network's dossiers by step, and the amounts by funder and year. The Observation
    group reads it without opening a dossier (an organisation's own file)."""
    board_filter = DossierBoardFilter(
        request.GET, queryset=Dossier.objects.on_board_for(request.user)
    )
    context = {
        "filter": board_filter,
        "columns": _board_columns(board_filter.qs),
        "amounts": _amounts_table(board_filter.qs),
        "opens_dossiers": is_coordinator(request.user),
        "total": None,
    }
    context["total"] = sum(column["count"] for column in context["columns"])
    return render(request, "projects/dossiers/board.html", context)


EXPORT_HEADER = [
    gettext_lazy("N°"),
    gettext_lazy("Intitulé"),
    gettext_lazy("Structure"),
    gettext_lazy("Intercommunalité"),
    gettext_lazy("Type de dossier"),
    gettext_lazy("Étape"),
    gettext_lazy("Financeur ou interlocuteur"),
    gettext_lazy("Financement visé"),
    gettext_lazy("Projet"),
    gettext_lazy("Montant demandé (€)"),
    gettext_lazy("Montant accordé (€)"),
    gettext_lazy("Prochaine échéance"),
    gettext_lazy("Pièces prêtes"),
    gettext_lazy("Responsables"),
    gettext_lazy("Créé le"),
    gettext_lazy("Modifié le"),
]


def _export_row(dossier: Dossier) -> list:
    # No private notes: a file travels (e-mails, shared drives) further than a page.
    epci = dossier.organization.commune.epci if dossier.organization.commune_id else None
    return [
        dossier.pk,
        dossier.title,
        dossier.organization.name,
        epci.name if epci else "",
        dossier.get_kind_display(),
        dossier.get_status_display(),
        dossier.funder,
        dossier.opportunity.title if dossier.opportunity else "",
        dossier.project.title if dossier.project else "",
        dossier.amount_requested,
        dossier.amount_granted,
        dossier.next_due_on.strftime("%d/%m/%Y") if dossier.next_due_on else "",
        f"{dossier.documents_done}/{dossier.documents_total}",
        ", ".join(str(owner) for owner in dossier.owners.all()),
        timezone.localtime(dossier.created_at).strftime("%d/%m/%Y"),
        timezone.localtime(dossier.updated_at).strftime("%d/%m/%Y"),
    ]


@coordinator_required
@require_GET
def dossiers_csv(request):
    """The filtered list as a CSV that French spreadsheets open as is (BOM, semicolons)."""
    dossiers = _listing_order(_filtered(request).qs).prefetch_related("owners__user")
    stamp = timezone.localdate().isoformat()
    export_record(actor=request.user, export="dossiers", fmt="csv", filters=filters_used(request))
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="dossiers-{stamp}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(EXPORT_HEADER)
    for dossier in dossiers:
        writer.writerow([safe_cell(cell) for cell in _export_row(dossier)])
    return response


# --- Create and edit ---------------------------------------------------------------------------


def _initial(request) -> dict:
    """The creator as owner; from ?opportunite=<slug>, the opportunity, its title and funder."""
    person = person_of(request.user)
    initial = {"owners": [person.pk]} if person else {}
    slug = request.GET.get("opportunite", "")
    visible = Opportunity.objects.visible_to(request.user).published()
    opportunity = visible.filter(slug=slug).first() if slug else None
    if opportunity is not None:
        initial |= {
            "opportunity": opportunity.pk,
            "title": opportunity.title,
            "funder": opportunity.funder,
            "kind": KIND_FOR_OPPORTUNITY.get(opportunity.kind, DossierKind.SUBSIDY),
        }
    return initial


def _owners(form: DossierForm, organization):
    """The owners chosen, or the organisation's referents when the coordination creates."""
    if "owners" in form.fields:
        return form.cleaned_data["owners"]
    return referents_of(organization)


@partner_required
def dossier_create(request):
    form = DossierForm(request.POST or None, user=request.user, initial=_initial(request))
    if request.method == "POST" and form.is_valid():
        organization = form.cleaned_data["organization"]
        try:
            dossier = services.dossier_create(
                organization=organization,
                actor=request.user,
                fields=form.service_fields(),
                owners=_owners(form, organization),
            )
        except ValidationError as error:
            show_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Le dossier est créé, à l'étape « Idée », avec sa liste de pièces à réunir."),
            )
            return redirect(dossier)
    status = 400 if form.errors else 200
    return render(
        request, "projects/dossiers/form.html", {"form": form, "dossier": None}, status=status
    )


@partner_required
def dossier_edit(request, pk):
    dossier = _dossier(request, pk)
    if dossier.status == DossierStatus.CLOSED:
        messages.error(
            request,
            _("Ce dossier est clos : la coordination peut le rouvrir s'il faut le modifier."),
        )
        return redirect(dossier)
    # The form works on a copy: an invalid form must not change the title shown on top.
    instance = Dossier.objects.select_related("organization").get(pk=dossier.pk)
    form = DossierForm(
        request.POST or None,
        user=request.user,
        instance=instance,
        initial={"owners": list(dossier.owners.values_list("pk", flat=True))},
    )
    if request.method == "POST" and form.is_valid():
        try:
            services.dossier_update(
                dossier=instance,
                actor=request.user,
                fields=form.service_fields(),
                owners=form.cleaned_data["owners"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Les modifications sont enregistrées."))
            return redirect(dossier)
    status = 400 if form.errors else 200
    return render(
        request,
        "projects/dossiers/form.html",
        {"form": form, "dossier": dossier},
        status=status,
    )


# --- The dossier's page ----------------------------------------------------------------------


def _detail_queryset():
    return Dossier.objects.select_related(
        "organization__commune__epci", "opportunity", "project", "created_by"
    ).prefetch_related(
        "owners__user",
        Prefetch("transitions", queryset=DossierTransition.objects.select_related("actor")),
        "deadlines",
        "documents",
    )


def _steps(dossier: Dossier, history: list) -> list[dict]:
    """The pipeline as the dossier goes through it: granted, or refused, then closed."""
    refused = dossier.status == DossierStatus.REFUSED or any(
        record.to_status == DossierStatus.REFUSED for record in history
    )
    path = [DossierStatus.IDEA, DossierStatus.PREPARING, DossierStatus.SUBMITTED]
    path += (
        [DossierStatus.REFUSED] if refused else [DossierStatus.GRANTED, DossierStatus.REPORT_DUE]
    )
    path.append(D.CLOSED)
    reached = path.index(dossier.status) if dossier.status in path else -1
    # Done: before the current step and really gone through (a file closed at the idea
    # stage never was submitted).
    visited = {DossierStatus.IDEA} | {record.to_status for record in history}
    return [
        {
            "label": status.label,
            "current": index == reached,
            "done": index < reached and status in visited,
        }
        for index, status in enumerate(path)
    ]


def _history(dossier: Dossier) -> list:
    labels = dict(DossierStatus.choices)
    records = list(dossier.transitions.all())
    for record in records:
        record.from_label = labels.get(record.from_status, "")
        record.to_label = labels.get(record.to_status, record.to_status)
    return records


def _upload_forms(dossier: Dossier, bound: DocumentFileForm | None) -> list[tuple]:
    """Each line of the checklist with the form that puts its file."""
    rows = []
    for document in dossier.documents.all():
        form = DocumentFileForm(prefix=f"piece-{document.pk}")
        if bound is not None and bound.prefix == form.prefix:
            form = bound
        rows.append((document, form))
    return rows


def _render_detail(request, dossier: Dossier, *, status: int = 200, **bound):
    transitions = available_transitions(DOSSIER_TRANSITIONS, dossier, request.user)
    history = _history(dossier)
    with_amount = any(transition.name == "accorder" for transition in transitions)
    context = {
        "dossier": dossier,
        "badge": STATUS_BADGES.get(dossier.status, ""),
        "steps": _steps(dossier, history),
        "history": history,
        "transitions": transitions,
        "transition_form": bound.get("transition_form")
        or TransitionForm(prefix="etape", with_amount=with_amount),
        "document_form": bound.get("document_form") or DocumentAddForm(prefix="piece"),
        "deadline_form": bound.get("deadline_form") or DeadlineForm(prefix="echeance"),
        "documents": _upload_forms(dossier, bound.get("upload_form")),
        "can_edit": dossier.status != DossierStatus.CLOSED,
        "reminded_kinds": [kind.value for kind in services.REMINDED_KINDS],
    }
    return render(request, "projects/dossiers/detail.html", context, status=status)


@partner_required
@require_GET
def dossier_detail(request, pk):
    return _render_detail(request, _dossier(request, pk, _detail_queryset()))


@partner_required
@require_POST
def dossier_transition(request, pk, name):
    dossier = _dossier(request, pk, _detail_queryset())
    form = TransitionForm(request.POST, prefix="etape", with_amount=name == "accorder")
    if form.is_valid():
        try:
            transition = services.dossier_transition(
                dossier=dossier,
                name=name,
                actor=request.user,
                comment=form.cleaned_data["comment"],
                amount_granted=form.cleaned_data.get("amount_granted"),
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("C'est fait : le dossier est maintenant à l'étape « %(step)s ».")
                % {"step": DossierStatus(transition.target).label},
            )
            return _back(dossier, "etapes")
    dossier = _dossier(request, pk, _detail_queryset())  # as it is now, for the page
    return _render_detail(request, dossier, status=400, transition_form=form)


# --- Checklist -------------------------------------------------------------------------------


@partner_required
@require_POST
def dossier_document_add(request, pk):
    dossier = _dossier(request, pk)
    form = DocumentAddForm(request.POST, request.FILES, prefix="piece")
    if form.is_valid():
        try:
            services.dossier_document_add(
                dossier=dossier,
                actor=request.user,
                label=form.cleaned_data["label"],
                file=form.cleaned_data["file"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        except DomainError as error:
            messages.error(request, str(error))
            return _back(dossier, "pieces")
        else:
            messages.success(request, _("La pièce est ajoutée à la liste."))
            return _back(dossier, "pieces")
    dossier = _dossier(request, pk, _detail_queryset())
    return _render_detail(request, dossier, status=400, document_form=form)


@partner_required
@require_POST
def dossier_document_toggle(request, pk, document_pk):
    document = _document(request, pk, document_pk)
    if _attempt(
        request,
        lambda: services.dossier_document_toggle(document=document, actor=request.user),
    ):
        done = (
            _("« %(label)s » est prête.") if document.is_done else _("« %(label)s » est à faire.")
        )
        messages.success(request, done % {"label": document.label})
    return _back(document.dossier, f"piece-{document.pk}")


@partner_required
@require_POST
def dossier_document_upload(request, pk, document_pk):
    document = _document(request, pk, document_pk)
    form = DocumentFileForm(request.POST, request.FILES, prefix=f"piece-{document.pk}")
    if form.is_valid():
        try:
            services.dossier_document_attach(
                document=document, actor=request.user, file=form.cleaned_data["file"]
            )
        except ValidationError as error:
            show_service_errors(form, error)
        except DomainError as error:
            messages.error(request, str(error))
            return _back(document.dossier, f"piece-{document.pk}")
        else:
            messages.success(
                request, _("Le fichier de « %(label)s » est enregistré.") % {"label": document}
            )
            return _back(document.dossier, f"piece-{document.pk}")
    dossier = _dossier(request, pk, _detail_queryset())
    return _render_detail(request, dossier, status=400, upload_form=form)


@partner_required
@require_GET
def dossier_document_file(request, pk, document_pk):
    """A checklist file, for those who see the dossier only: media files are never linked."""
    return file_download(_document(request, pk, document_pk).file)


@partner_required
@require_POST
def dossier_document_delete(request, pk, document_pk):
    document = _document(request, pk, document_pk)
    if _attempt(
        request,
        lambda: services.dossier_document_delete(document=document, actor=request.user),
    ):
        messages.success(request, _("« %(label)s » est retirée de la liste.") % {"label": document})
    return _back(document.dossier, "pieces")


# --- Key dates -------------------------------------------------------------------------------


@partner_required
@require_POST
def dossier_deadline_add(request, pk):
    dossier = _dossier(request, pk)
    form = DeadlineForm(request.POST, prefix="echeance")
    if form.is_valid():
        try:
            services.dossier_deadline_add(dossier=dossier, actor=request.user, **form.cleaned_data)
        except ValidationError as error:
            show_service_errors(form, error)
        except DomainError as error:
            messages.error(request, str(error))
            return _back(dossier, "echeances")
        else:
            messages.success(request, _("L'échéance est ajoutée."))
            return _back(dossier, "echeances")
    dossier = _dossier(request, pk, _detail_queryset())
    return _render_detail(request, dossier, status=400, deadline_form=form)


@partner_required
@require_POST
def dossier_deadline_delete(request, pk, deadline_pk):
    deadline = _deadline(request, pk, deadline_pk)
    if _attempt(
        request,
        lambda: services.dossier_deadline_delete(deadline=deadline, actor=request.user),
    ):
        messages.success(request, _("L'échéance est supprimée."))
    return _back(deadline.dossier, "echeances")
