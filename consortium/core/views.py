from functools import wraps
from urllib.parse import urlencode

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.http import Http404, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

from . import health
from .exports import csv_response, xlsx_response
from .forms import SecurityExtractForm
from .permissions import log_refusal
from .security import extract_header, extract_rows, security_action_labels
from .services import security_log_export_record


@login_not_required
@never_cache
def healthz(request):
    """Database and broker status for load balancers and monitoring; 503 when one is down."""
    healthy, body = health.report()
    return JsonResponse(body, status=200 if healthy else 503)


# --- The data-protection officer's extract of security events -----------------------------

SHOWN_ON_PAGE = 50


def _superuser_required(view):
    """Superusers only (the data-protection officer's account); 404 for everyone else, as
    every page outside a user's scope."""

    @wraps(view)
    def wrapped(request, *args, **kwargs):
        if not request.user.is_superuser:
            log_refusal(request, "is_superuser")
            raise Http404
        return view(request, *args, **kwargs)

    return wrapped


def _extract_form(request) -> SecurityExtractForm:
    if "start" in request.GET:
        return SecurityExtractForm(request.GET)
    return SecurityExtractForm(SecurityExtractForm.initial_period() | {"kind": ""})


@_superuser_required
@require_GET
@never_cache
def security_log(request):
    """The security events of a period, the latest on the page, the whole as CSV or XLSX."""
    form = _extract_form(request)
    context = {"form": form, "retention_days": settings.AUDIT_LOG_RETENTION_DAYS}
    if form.is_valid():
        entries = form.extract().entries()
        latest = list(entries.reverse()[:SHOWN_ON_PAGE])
        labels = security_action_labels()
        for entry in latest:
            entry.label = labels.get(entry.action, entry.action)
            entry.network = (entry.data or {}).get("network", "")
        context |= {
            "count": entries.count(),
            "latest": latest,
            "query": urlencode({key: form.cleaned_data[key] or "" for key in form.fields}),
        }
    status = 400 if form.errors else 200
    return render(request, "core/security_log.html", context, status=status)


@_superuser_required
@require_GET
@never_cache
def security_log_export(request, fmt: str):
    """The extract as a spreadsheet, itself an entry of the log (who read it, and what)."""
    form = SecurityExtractForm(request.GET)
    if fmt not in ("csv", "xlsx") or not form.is_valid():
        raise Http404
    extract = form.extract()
    rows = list(extract_rows(extract.entries()))
    security_log_export_record(actor=request.user, extract=extract, fmt=fmt, rows=len(rows))
    filename = extract.filename(fmt)
    if fmt == "csv":
        return csv_response(filename=filename, header=extract_header(), rows=rows)
    return xlsx_response(
        filename=filename, sheets=[(str(_("Journal de sécurité")), [extract_header(), *rows])]
    )
