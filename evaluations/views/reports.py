"""Activity reports and exports (/coordination/rapports/): the coordination and the
Observation group choose a period, generate the report (a Celery task), follow its
progress on a page that refreshes itself, download the PDF and its figures as XLSX;
they download the spreadsheets of members, registrations, dossiers and survey answers.

Generating a report is a reading of the figures: the Observation group may do it (it
writes nothing of the network's own records)."""

from urllib.parse import urlencode

from django.contrib import messages
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consortium.core.downloads import file_download
from consortium.core.exceptions import DomainError
from consortium.core.exports import csv_response, xlsx_response
from consortium.core.pagination import paginate
from consortium.core.permissions import observer_required
from consortium.core.services import export_record

from .. import reports as services
from ..exports import DATASETS
from ..figures import Period
from ..forms.reports import PeriodForm
from ..models import ActivityReport
from ..rules import can_generate_reports

REFRESH_SECONDS = 2


@observer_required
@require_http_methods(["GET", "POST"])
def report_list(request):
    if request.method == "POST":
        form = PeriodForm(request.POST)
        if form.is_valid() and can_generate_reports(request.user):
            try:
                report = services.report_request(
                    actor=request.user,
                    start=form.cleaned_data["start"],
                    end=form.cleaned_data["end"],
                )
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                return redirect(report)
    else:
        form = PeriodForm(initial=PeriodForm.initial_period())
    export_form, export_period = _export_period(request)
    context = {
        "form": form,
        "page_obj": paginate(request, ActivityReport.objects.select_related("requested_by")),
        "export_form": export_form,
        "export_period": export_period,
        "export_query": urlencode(
            {
                "export-start": export_period.start.isoformat(),
                "export-end": export_period.end.isoformat(),
            }
        ),
        "datasets": DATASETS.values(),
    }
    return render(
        request, "evaluations/reports/list.html", context, status=400 if form.errors else 200
    )


def _export_period(request):
    """The period of the export links: the one chosen (a GET form), else this year."""
    if "export-start" in request.GET:
        form = PeriodForm(request.GET, prefix="export")
        if form.is_valid():
            return form, form.period()
        return form, Period.current_year()
    return PeriodForm(initial=PeriodForm.initial_period(), prefix="export"), Period.current_year()


@observer_required
@require_GET
def report_detail(request, pk):
    """The progress page; `?section=etat` answers the status alone (static/js/refresh.js)."""
    report = get_object_or_404(ActivityReport.objects.select_related("requested_by"), pk=pk)
    context = {"report": report, "refresh_seconds": REFRESH_SECONDS}
    if request.GET.get("section") == "etat":
        return render(request, "evaluations/reports/_status.html", context)
    return render(request, "evaluations/reports/detail.html", context)


@observer_required
@require_POST
def report_retry(request, pk):
    report = get_object_or_404(ActivityReport, pk=pk)
    try:
        services.report_retry(actor=request.user, report=report)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("Le rapport est relancé."))
    return redirect(report)


def _ready(pk) -> ActivityReport:
    report = get_object_or_404(ActivityReport, pk=pk)
    if not report.is_ready:
        raise Http404
    return report


def _stem(report: ActivityReport) -> str:
    return f"rapport-activite-{report.period_start:%Y-%m-%d}-{report.period_end:%Y-%m-%d}"


@observer_required
@require_GET
def report_pdf(request, pk):
    report = _ready(pk)
    return file_download(report.file, stem=_stem(report))


@observer_required
@require_GET
def report_xlsx(request, pk):
    report = _ready(pk)
    export_record(actor=request.user, export="rapport-activite", fmt="xlsx", target=report)
    return xlsx_response(
        filename=f"{_stem(report)}.xlsx", sheets=services.report_sheets(report.figures)
    )


@observer_required
@require_GET
def export(request, dataset, fmt):
    chosen = DATASETS.get(dataset)
    if chosen is None or fmt not in ("csv", "xlsx"):
        raise Http404
    _form, period = _export_period(request)
    header, rows = chosen.build(period)
    filename = f"{dataset}-{period.start:%Y-%m-%d}-{period.end:%Y-%m-%d}.{fmt}"
    export_record(
        actor=request.user,
        export=dataset,
        fmt=fmt,
        rows=len(rows),
        period=f"{period.start.isoformat()}/{period.end.isoformat()}",
    )
    if fmt == "csv":
        return csv_response(filename=filename, header=header, rows=rows)
    return xlsx_response(filename=filename, sheets=[(str(chosen.label), [header, *rows])])
