"""Bulk import of organisations and people (/coordination/import/), coordination only.

A file is read and planned (a dry run: nothing is written) and the plan shown; the rows
wait in the session under a one-time key until the coordinator confirms, and are then
imported by `network_import`, which plans them again. The same columns export back.
"""

import secrets

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods

from consortium.core.exceptions import DomainError
from consortium.core.exports import csv_response, xlsx_response
from consortium.core.permissions import coordinator_required
from consortium.core.services import export_record

from .. import services
from ..forms.imports import ImportForm
from ..imports import COLUMNS, KINDS, ImportFileError, export_rows, plan_import, read_table

SESSION_KEY = "network-import"


@coordinator_required
@require_http_methods(["GET", "POST"])
def import_page(request):
    if request.POST.get("confirm"):
        return _confirm(request)
    form = ImportForm(request.POST or None, request.FILES or None)
    context = {"form": form, "models": [(kind, KINDS[kind], COLUMNS[kind]) for kind in KINDS]}
    if request.method == "POST" and form.is_valid():
        upload, kind = form.cleaned_data["file"], form.cleaned_data["kind"]
        try:
            rows = read_table(kind=kind, name=upload.name, content=upload.read())
        except ImportFileError as error:
            form.add_error("file", str(error))
        else:
            context["plan"] = plan_import(kind=kind, rows=rows)
            context["key"] = _keep(request, kind=kind, rows=rows, name=upload.name)
    return render(request, "members/coordination/import.html", context)


def _keep(request, *, kind: str, rows: list, name: str) -> str:
    key = secrets.token_urlsafe(16)
    request.session[SESSION_KEY] = {"key": key, "kind": kind, "rows": rows, "name": name}
    return key


def _confirm(request):
    kept = request.session.get(SESSION_KEY) or {}
    if not kept or kept.get("key") != request.POST.get("confirm"):
        messages.error(request, _("Cet aperçu n'est plus valable : chargez le fichier à nouveau."))
        return redirect("members:import")
    del request.session[SESSION_KEY]
    try:
        plan = services.network_import(actor=request.user, kind=kept["kind"], rows=kept["rows"])
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("members:import")
    counts = plan.counts
    messages.success(
        request,
        _(
            "« %(name)s » importé : %(new)d ajout(s), %(updated)d mise(s) à jour, "
            "%(unchanged)d inchangé(s), %(refused)d ligne(s) écartée(s)."
        )
        % {"name": kept["name"], **counts},
    )
    return redirect("members:import")


@coordinator_required
@require_GET
def export(request, kind: str, extension: str):
    """The network's organisations or people in the import's columns (CSV or XLSX)."""
    if kind not in KINDS or extension not in ("csv", "xlsx"):
        raise Http404
    rows = export_rows(kind)
    filename = f"reseau-{kind}.{extension}"
    export_record(actor=request.user, export=f"reseau-{kind}", fmt=extension, rows=len(rows) - 1)
    if extension == "csv":
        return csv_response(filename=filename, header=rows[0], rows=rows[1:])
    return xlsx_response(filename=filename, sheets=[(str(KINDS[kind]), rows)])
