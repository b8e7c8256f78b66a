"""Activity reports and exports: the coordination and the Observation group (who may
generate a report: a reading of the figures); partners and members never learn the pages
exist (404)."""

from datetime import date

from access import coordination_only
from django.core.files.base import ContentFile

from evaluations.enums import ReportStatus
from evaluations.figures import Period, key_figures
from evaluations.models import ActivityReport


def _report(samples):
    return {"pk": samples["evaluations_report"].pk}


def _export(samples):
    return {"dataset": "membres", "fmt": "csv"}


ROUTES = {
    "evaluations:reports": coordination_only(observer=200),
    "evaluations:report": coordination_only(observer=200, kwargs=_report),
    "evaluations:report_retry": coordination_only(coordinator=405, observer=405, kwargs=_report),
    "evaluations:report_pdf": coordination_only(observer=200, kwargs=_report),
    "evaluations:report_xlsx": coordination_only(observer=200, kwargs=_report),
    "evaluations:export": coordination_only(observer=200, kwargs=_export),
}


def samples(base: dict) -> dict:
    period = Period(date(2026, 1, 1), date(2026, 12, 31))
    report = ActivityReport(
        period_start=period.start,
        period_end=period.end,
        status=ReportStatus.READY,
        figures=key_figures(period),
    )
    report.file.save("rapport-echantillon.pdf", ContentFile(b"%PDF-1.7 sample"), save=False)
    report.save()
    return {"evaluations_report": report}
