"""Activity reports: ask for one, generate it (a Celery task), retry a failed one.

The figures come from evaluations.figures (their one definition); the PDF is rendered by
WeasyPrint from templates/evaluations/reports/pdf.html. Gathering and rendering run
outside any write transaction (a long transaction would keep other writers waiting, on
SQLite every one of them): only the status steps and the final save are atomic.
"""

import logging
from datetime import date, timedelta

from django.conf import settings
from django.core.files.base import ContentFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consortium.core.charts import bar_chart_svg
from consortium.core.exceptions import DomainError, PermissionRefused
from consortium.core.models import User
from consortium.core.pdf import render_pdf
from consortium.core.services import audit_log_record
from consortium.core.tasks import OUTAGE_ERRORS
from consortium.core.workflows import Transition, TransitionError, workflow_apply

from .enums import ReportsAuditAction, ReportStatus
from .figures import Period, key_figures
from .models import ActivityReport
from .rules import can_generate_reports

logger = logging.getLogger(__name__)

TASK_NAME = "evaluations.generate_activity_report"
MAX_DAYS = 366 * 5  # a period longer than five years is surely a typing error


def _system(user, report) -> bool:
    """Steps the task takes on its own (no one else may)."""
    return user is None


REPORT_TRANSITIONS = {
    "start": Transition(
        "start",
        gettext_lazy("Générer"),
        frozenset({ReportStatus.REQUESTED}),
        ReportStatus.GENERATING,
        _system,
    ),
    "finish": Transition(
        "finish",
        gettext_lazy("Terminer"),
        frozenset({ReportStatus.GENERATING}),
        ReportStatus.READY,
        _system,
    ),
    "fail": Transition(
        "fail",
        gettext_lazy("Échec"),
        frozenset({ReportStatus.REQUESTED, ReportStatus.GENERATING}),
        ReportStatus.FAILED,
        _system,
    ),
    "retry": Transition(
        "retry",
        gettext_lazy("Relancer"),
        frozenset({ReportStatus.FAILED}),
        ReportStatus.REQUESTED,
        lambda user, report: can_generate_reports(user),
        unavailable=gettext_lazy("Ce rapport n'est pas en échec : il n'y a rien à relancer."),
    ),
}


def period_check(start: date, end: date) -> Period:
    if end < start:
        raise DomainError(_("La fin de la période doit suivre son début."))
    if (end - start).days > MAX_DAYS:
        raise DomainError(_("Choisissez une période de cinq ans au plus."))
    return Period(start, end)


def _enqueue(report: ActivityReport) -> None:
    """Send the task once the row is committed; a broker down leaves it "requested" (the
    page says so) until the sweep asks again, and the request still succeeds."""
    transaction.on_commit(lambda: _send(report.pk))


def _send(report_id: int) -> None:
    from .tasks import generate_activity_report

    try:
        generate_activity_report.delay(report_id)
    except OUTAGE_ERRORS:
        logger.exception("activity report %s: task not sent (the sweep asks again)", report_id)


@transaction.atomic
def report_request(*, actor: User, start: date, end: date) -> ActivityReport:
    """Ask for the activity report of the period from `start` to `end` (both included)."""
    if not can_generate_reports(actor):
        raise PermissionRefused(_("Seules la coordination et l'Observation génèrent les rapports."))
    period_check(start, end)
    report = ActivityReport.objects.create(period_start=start, period_end=end, requested_by=actor)
    audit_log_record(
        actor=actor,
        action=ReportsAuditAction.REPORT_REQUESTED,
        target=report,
        data={"start": start.isoformat(), "end": end.isoformat()},
    )
    _enqueue(report)
    return report


def report_retry(*, actor: User, report: ActivityReport) -> ActivityReport:
    """Ask again for a report whose generation failed."""
    with transaction.atomic():
        workflow_apply(
            transitions=REPORT_TRANSITIONS,
            obj=report,
            name="retry",
            actor=actor,
            audit_action=ReportsAuditAction.REPORT_RETRIED,
            extra={"error": ""},
        )
        _enqueue(report)
    return report


def report_generate(*, report_id: int) -> ActivityReport:
    """Gather the figures, render the PDF and keep both (the task's work; seed_demo calls
    it directly). Idempotent: a ready or failed report is left as it is, and so is one
    another worker is generating (the sweep asked again, or the broker delivered the task
    twice); one left "generating" past the task's time limit is generated again."""
    report = ActivityReport.objects.get(pk=report_id)
    if report.status in (ReportStatus.READY, ReportStatus.FAILED):
        return report
    if report.status == ReportStatus.GENERATING and report.updated_at > _generating_since():
        return report
    if report.status == ReportStatus.REQUESTED:
        try:
            workflow_apply(
                transitions=REPORT_TRANSITIONS,
                obj=report,
                name="start",
                actor=None,
                audit_action=ReportsAuditAction.REPORT_GENERATING,
            )
        except TransitionError:
            return report  # another worker started it between the read and the lock
    try:
        figures = key_figures(Period(report.period_start, report.period_end))
        pdf = report_pdf(report, figures)
    except OUTAGE_ERRORS:
        raise  # the task tries again later
    except Exception as error:
        logger.exception("activity report %s failed", report.pk)
        workflow_apply(
            transitions=REPORT_TRANSITIONS,
            obj=report,
            name="fail",
            actor=None,
            audit_action=ReportsAuditAction.REPORT_FAILED,
            extra={"error": f"{type(error).__name__}: {error}"[:2000]},
        )
        return report
    return _report_save(report, figures=figures, pdf=pdf)


def _report_save(report: ActivityReport, *, figures: dict, pdf: bytes) -> ActivityReport:
    now = timezone.now()
    name = f"rapport-activite-{report.period_start:%Y%m%d}-{report.period_end:%Y%m%d}.pdf"
    report.file.save(name, ContentFile(pdf), save=False)  # written before the transaction
    with transaction.atomic():
        workflow_apply(
            transitions=REPORT_TRANSITIONS,
            obj=report,
            name="finish",
            actor=None,
            audit_action=ReportsAuditAction.REPORT_READY,
            extra={"file": report.file.name, "figures": figures, "generated_at": now},
        )
    return report


def _generating_since():
    """A report "generating" since before this has no worker left: the task is killed at
    REPORT_TIME_LIMIT, and a task that fails marks the report failed."""
    margin = timedelta(seconds=settings.REPORT_TIME_LIMIT + REPORT_STALE_MARGIN_SECONDS)
    return timezone.now() - margin


# A little more than the time a killed task takes to be reported (seconds).
REPORT_STALE_MARGIN_SECONDS = 30


def reports_sweep() -> dict[str, int]:
    """Recover the reports no worker is on (beat, every minute): ask again for those left
    "requested" (the broker was down, or lost the task), fail cleanly those left
    "generating" by a worker that died, which the coordinator may then retry. Returns
    how many of each."""
    return {"requested": _reports_ask_again(), "failed": _reports_fail_stale()}


def _reports_ask_again() -> int:
    grace = timezone.now() - timedelta(seconds=settings.REPORT_REQUEST_GRACE)
    waiting = ActivityReport.objects.filter(status=ReportStatus.REQUESTED, updated_at__lt=grace)
    ids = list(waiting.values_list("pk", flat=True))
    # Touched, so that a task still in a long queue is not asked for again at every sweep.
    ActivityReport.objects.filter(pk__in=ids).update(updated_at=timezone.now())
    for pk in ids:
        _send(pk)
    return len(ids)


def _reports_fail_stale() -> int:
    stale = ActivityReport.objects.filter(
        status=ReportStatus.GENERATING, updated_at__lt=_generating_since()
    )
    for report in stale:
        try:
            workflow_apply(
                transitions=REPORT_TRANSITIONS,
                obj=report,
                name="fail",
                actor=None,
                audit_action=ReportsAuditAction.REPORT_FAILED,
                extra={"error": STOPPED_WORKER_ERROR},
            )
        except TransitionError:
            continue  # finished meanwhile
    return len(stale)


# Kept in the report (the coordinator sees the page's "La génération a échoué", and retries).
STOPPED_WORKER_ERROR = "WorkerLost: the worker stopped during the generation"


# --- The PDF --------------------------------------------------------------------------------


def _bars(rows, value="total"):
    return [(row["label"], row[value]) for row in rows]


def report_charts(figures: dict) -> dict:
    """The report's SVG charts, each with a title and a description that states it."""

    def chart(title, rows):
        description = " ; ".join(f"{label} : {number}" for label, number in rows)
        return bar_chart_svg(title=title, description=description, rows=rows)

    territory = figures["territory"]["rows"]
    satisfaction = figures["satisfaction"]["distribution"]
    return {
        "sectors": chart(
            _("Structures membres par secteur"), _bars(figures["members"]["by_sector"])
        ),
        "epcis": chart(
            _("Structures membres par intercommunalité"), _bars(figures["members"]["by_epci"])
        ),
        "events": chart(_("Rencontres par type"), _bars(figures["events"]["by_kind"], "events")),
        "participants": chart(
            _("Participants par type de rencontre"),
            _bars(figures["events"]["by_kind"], "participants"),
        ),
        "dossiers": chart(_("Dossiers par état"), _bars(figures["dossiers"]["by_status"])),
        "satisfaction": chart(
            _("Répartition des notes de satisfaction (1 à 5)"),
            [(_("note %(value)s") % {"value": row["label"]}, row["total"]) for row in satisfaction],
        ),
        "coverage": chart(
            _("Part des communes atteintes par intercommunalité (%)"),
            [(row["epci"], row["percent"]) for row in territory],
        ),
    }


def report_pdf(report: ActivityReport, figures: dict) -> bytes:
    return render_pdf(
        template_name="evaluations/reports/pdf.html",
        context={
            "report": report,
            "figures": figures,
            "charts": report_charts(figures),
            "generated_on": timezone.localdate(),
        },
    )


# --- The same figures as a spreadsheet ------------------------------------------------------


def report_sheets(figures: dict) -> list[tuple[str, list[list]]]:
    """The report's figures as XLSX sheets (consortium.core.exports.xlsx_bytes)."""
    m, e, t = figures["members"], figures["events"], figures["training"]
    g, n, o, d = figures["groups"], figures["needs"], figures["opportunities"], figures["dossiers"]
    p, s, terr = figures["practices"], figures["satisfaction"], figures["territory"]
    period = figures["period"]
    summary = [
        [_("Indicateur"), _("Valeur")],
        [_("Début de la période"), period["start"]],
        [_("Fin de la période"), period["end"]],
        [_("Structures membres"), m["organizations"]],
        [_("Nouvelles structures membres"), m["new_organizations"]],
        [_("Personnes membres"), m["people"]],
        [_("Nouvelles personnes membres"), m["new_people"]],
        [_("Rencontres"), e["events"]],
        [_("Participants"), e["participants"]],
        [_("Formations"), t["trainings"]],
        [_("Séances de formation"), t["sessions"]],
        [_("Heures de formation dispensées"), t["hours"]],
        [_("Heures-stagiaires"), t["trainee_hours"]],
        [_("Groupes de travail"), g["groups"]],
        [_("Actions des groupes"), g["actions"]],
        [_("Besoins exprimés"), n["expressed"]],
        [_("Besoins auxquels une réponse a été apportée"), n["answered"]],
        [_("Opportunités diffusées"), o["published"]],
        [_("Dossiers"), d["dossiers"]],
        [_("Montants demandés (€)"), d["requested"]],
        [_("Montants accordés (€)"), d["granted"]],
        [_("Expérimentations"), figures["experiments"]["experiments"]],
        [_("Bonnes pratiques publiées"), p["published"]],
        [_("Réponses de satisfaction"), s["responses"]],
        [_("Note moyenne de satisfaction (sur 5)"), s["average"]],
        [_("Communes atteintes"), terr["reached"]],
        [_("Communes du département"), terr["communes"]],
    ]

    def table(header, rows, keys):
        return [header] + [[row[key] for key in keys] for row in rows]

    return [
        (_("Synthèse"), summary),
        (_("Secteurs"), table([_("Secteur"), _("Structures")], m["by_sector"], ["label", "total"])),
        (
            _("Intercommunalités"),
            table(
                [
                    _("Intercommunalité"),
                    _("Communes"),
                    _("Communes atteintes"),
                    _("Part (%)"),
                    _("Structures"),
                    _("Rencontres"),
                ],
                terr["rows"],
                ["epci", "communes", "reached", "percent", "organizations", "events"],
            ),
        ),
        (
            _("Rencontres"),
            table(
                [_("Type"), _("Rencontres"), _("Participants")],
                e["by_kind"],
                ["label", "events", "participants"],
            ),
        ),
        (
            _("Groupes"),
            table(
                [_("Groupe"), _("Membres"), _("Actions"), _("Terminées")],
                g["rows"],
                ["title", "members", "actions", "done"],
            ),
        ),
        (_("Besoins"), table([_("Formation"), _("Besoins")], n["trainings"], ["title", "needs"])),
        (_("Opportunités"), table([_("Type"), _("Publiées")], o["by_kind"], ["label", "total"])),
        (
            _("Dossiers"),
            table(
                [_("Financeur"), _("Dossiers"), _("Demandé (€)"), _("Accordé (€)")],
                d["by_funder"],
                ["funder", "dossiers", "requested", "granted"],
            ),
        ),
        (
            _("Expérimentations"),
            table(
                [_("Expérimentation"), _("État"), _("Groupe de travail")],
                figures["experiments"]["rows"],
                ["title", "status", "working_group"],
            ),
        ),
        (
            _("Satisfaction"),
            table([_("Note"), _("Réponses")], s["distribution"], ["label", "total"]),
        ),
        (
            _("Communes non atteintes"),
            table(
                [_("Commune"), _("Population"), _("Intercommunalité")],
                terr["unreached"],
                ["name", "population", "epci"],
            ),
        ),
    ]
