"""Activity reports (issue 11, item 4): the figures of the period, the PDF that prints
them (read back with pdftotext), the XLSX of the same figures, the progress page, the
retry of a failed report; and the exports of item 5."""

import csv
import io
import re
import subprocess
from datetime import date
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import connection
from django.db.models import Q, Sum
from django.template.defaultfilters import floatformat
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from openpyxl import load_workbook
from project_factories import DossierFactory

from consortium.core.charts import bar_chart_svg
from consortium.core.exceptions import DomainError
from consortium.core.numbers import grouped
from evaluations import reports
from evaluations.enums import ReportStatus, SurveyKind
from evaluations.figures import Period, key_figures
from evaluations.models import ActivityReport, Response
from evaluations.reports import report_request
from events.enums import EventKind, EventStatus, RegistrationStatus
from events.models import Attendance, Event, Session
from members.enums import NeedStatus, OrganizationStatus
from members.models import Need, Organization
from projects.enums import PracticeStatus
from projects.models import Dossier, Opportunity, Practice

pytestmark = pytest.mark.django_db


def pdf_text(report: ActivityReport) -> str:
    report.refresh_from_db()
    text = subprocess.run(
        ["pdftotext", report.file.path, "-"], capture_output=True, text=True, check=True
    ).stdout
    return _spaces(text)


def _spaces(text: str) -> str:
    return re.sub(r"\s+", " ", text.replace("\xa0", " ").replace("\u202f", " "))


def _n(value) -> str:
    return _spaces(grouped(value))


def orm_figures(period: Period) -> dict:
    """The same figures, asked of the ORM directly (not through evaluations.figures)."""
    in_period = Q(starts_at__gte=period.since, starts_at__lt=period.until)
    sessions = Session.objects.filter(in_period, event__status=EventStatus.PUBLISHED)
    events = Event.objects.filter(sessions__in=sessions).distinct()
    hours = sum(float(s.duration_hours) for s in sessions.filter(event__kind=EventKind.TRAINING))
    created = Q(created_at__gte=period.since, created_at__lt=period.until)
    dossiers = Dossier.objects.filter(created)
    amounts = dossiers.aggregate(r=Sum("amount_requested"), g=Sum("amount_granted"))
    organizations = Organization.objects.filter(
        status=OrganizationStatus.ACTIVE, created_at__lt=period.until
    )
    return {
        "Structures membres": organizations.count(),
        "Nouvelles structures membres": organizations.filter(created).count(),
        "Rencontres": events.count(),
        "Participants": Attendance.objects.filter(
            present=True,
            session__in=sessions,
            registration__status=RegistrationStatus.CONFIRMED,
        )
        .values("registration")
        .distinct()
        .count(),
        "Heures de formation dispensées": round(hours, 2),
        "Besoins exprimés": Need.objects.filter(created).exclude(status=NeedStatus.MERGED).count(),
        "Opportunités diffusées": Opportunity.objects.published()
        .filter(published_at__gte=period.since, published_at__lt=period.until)
        .count(),
        "Dossiers suivis": dossiers.count(),
        "Montants demandés": amounts["r"] or 0,
        "Montants accordés": amounts["g"] or 0,
        "Bonnes pratiques publiées": Practice.objects.filter(
            status=PracticeStatus.PUBLISHED,
            published_at__gte=period.since,
            published_at__lt=period.until,
        ).count(),
        "Réponses de satisfaction": Response.objects.filter(
            survey__kind=SurveyKind.SATISFACTION,
            submitted_on__gte=period.start,
            submitted_on__lte=period.end,
        ).count(),
        "Communes atteintes": organizations.values("commune").distinct().count(),
    }


def _generate(actor, period, django_capture_on_commit_callbacks) -> ActivityReport:
    with django_capture_on_commit_callbacks(execute=True):
        report = report_request(actor=actor, start=period.start, end=period.end)
    report.refresh_from_db()
    return report


@pytest.fixture
def seeded():
    call_command("seed_demo", stdout=StringIO())


def test_the_pdf_and_the_xlsx_carry_the_orm_figures_of_seeded_data(
    seeded, coordinator, django_capture_on_commit_callbacks, client
):
    period = Period.current_year()
    report = _generate(coordinator, period, django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.READY, report.error
    assert report.generated_at is not None
    expected = orm_figures(period)
    assert expected["Structures membres"] > 10 and expected["Rencontres"] > 3
    text = pdf_text(report)
    for label, value in expected.items():
        number = _n(value) if isinstance(value, int) else _spaces(floatformat(value, "-1g"))
        if label.startswith("Montants"):
            number += " €"
        assert f"{label} : {number}" in text, (label, value)
    # Table of contents with page numbers, one page per experiment, page numbers.
    assert "Sommaire" in text and "Méthode et définitions" in text
    assert re.search(r"Page 2 / \d+", text)
    for row in report.figures["experiments"]["rows"]:
        assert row["title"][:30] in text
    # The XLSX: the same figures as the report's snapshot.
    client.force_login(coordinator)
    response = client.get(reverse("evaluations:report_xlsx", kwargs={"pk": report.pk}))
    sheet = load_workbook(io.BytesIO(response.content), read_only=True)["Synthèse"]
    values = {row[0]: row[1] for row in sheet.iter_rows(values_only=True)}
    assert values["Structures membres"] == expected["Structures membres"]
    assert values["Rencontres"] == expected["Rencontres"]
    assert values["Participants"] == expected["Participants"]
    assert values["Dossiers"] == expected["Dossiers suivis"]
    assert values["Montants accordés (€)"] == expected["Montants accordés"]


def test_figures_follow_the_period(coordinator):
    DossierFactory(amount_requested=1000, amount_granted=400)
    this_year = key_figures(Period.current_year())
    assert this_year["dossiers"]["dossiers"] == 1
    assert this_year["dossiers"]["requested"] == 1000
    last_year = key_figures(Period.year(date.today().year - 1))
    assert last_year["dossiers"]["dossiers"] == 0
    assert this_year["experiments"]["rows"] == [] or all(
        row["indicators"] == [] for row in this_year["experiments"]["rows"]
    )


def test_progress_page_reaches_ready(coordinator_client, django_capture_on_commit_callbacks):
    url = reverse("evaluations:reports")
    page = coordinator_client.get(url)
    assert page.status_code == 200
    year = date.today().year
    assert f'value="{year}-01-01"' in page.text and f'value="{year}-12-31"' in page.text
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(url, {"start": f"{year}-01-01", "end": f"{year}-12-31"})
    report = ActivityReport.objects.get()
    assert response.status_code == 302 and response.url == report.get_absolute_url()
    status = coordinator_client.get(report.get_absolute_url() + "?section=etat")
    assert 'data-status="ready"' in status.text and "Prêt" in status.text
    detail = coordinator_client.get(report.get_absolute_url())
    assert "data-refresh" not in detail.text  # ready: nothing left to follow
    pdf = coordinator_client.get(reverse("evaluations:report_pdf", kwargs={"pk": report.pk}))
    assert pdf.status_code == 200 and b"".join(pdf.streaming_content).startswith(b"%PDF")


def test_a_pending_report_page_refreshes_itself(coordinator, coordinator_client):
    report = ActivityReport.objects.create(
        period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), requested_by=coordinator
    )
    page = coordinator_client.get(report.get_absolute_url())
    assert "data-refresh=" in page.text and 'data-status="requested"' in page.text
    missing = reverse("evaluations:report_pdf", kwargs={"pk": report.pk})
    assert coordinator_client.get(missing).status_code == 404


def test_the_observation_group_generates_reports(
    observer, observer_client, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = observer_client.post(
            reverse("evaluations:reports"), {"start": "2026-01-01", "end": "2026-03-31"}
        )
    assert response.status_code == 302
    report = ActivityReport.objects.get()
    assert report.requested_by == observer and report.status == ReportStatus.READY


def test_a_period_that_ends_before_it_starts_is_refused(coordinator, coordinator_client):
    response = coordinator_client.post(
        reverse("evaluations:reports"), {"start": "2026-05-01", "end": "2026-04-01"}
    )
    assert response.status_code == 400
    assert not ActivityReport.objects.exists()
    with pytest.raises(DomainError):
        report_request(actor=coordinator, start=date(2026, 5, 1), end=date(2026, 4, 1))


def test_a_failed_report_can_be_retried(
    coordinator, coordinator_client, monkeypatch, django_capture_on_commit_callbacks
):
    original = reports.report_pdf

    def broken(report, figures):
        raise RuntimeError("Pango est parti")

    monkeypatch.setattr(reports, "report_pdf", broken)
    report = _generate(coordinator, Period.year(2026), django_capture_on_commit_callbacks)
    assert report.status == ReportStatus.FAILED and "Pango" in report.error
    page = coordinator_client.get(report.get_absolute_url())
    assert "Relancer la génération" in page.text
    monkeypatch.setattr(reports, "report_pdf", original)
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("evaluations:report_retry", kwargs={"pk": report.pk}))
    report.refresh_from_db()
    assert report.status == ReportStatus.READY and report.error == ""


def test_report_list_queries_do_not_grow(coordinator, coordinator_client):
    def count(reports_made):
        for _ in range(reports_made):
            ActivityReport.objects.create(
                period_start=date(2026, 1, 1),
                period_end=date(2026, 12, 31),
                requested_by=coordinator,
                status=ReportStatus.READY,
            )
        with CaptureQueriesContext(connection) as queries:
            assert coordinator_client.get(reverse("evaluations:reports")).status_code == 200
        return len(queries)

    assert count(1) == count(9)


def test_charts_are_accessible_svg_and_escape_labels():
    svg = str(
        bar_chart_svg(title="Titre <b>", description="a : 1", rows=[("<script>", 3), ("b", 0)])
    )
    assert svg.startswith("<svg") and 'role="img"' in svg
    assert "<title" in svg and "<desc" in svg and "aria-labelledby" in svg
    assert "<script>" not in svg and "&lt;script&gt;" in svg


# --- Exports (item 5) ----------------------------------------------------------------------


@pytest.mark.parametrize("dataset", ["membres", "inscriptions", "dossiers", "reponses", "mesures"])
def test_every_export_downloads_as_csv_and_xlsx(observer_client, dataset):
    for fmt in ("csv", "xlsx"):
        url = reverse("evaluations:export", kwargs={"dataset": dataset, "fmt": fmt})
        response = observer_client.get(
            url, {"export-start": "2026-01-01", "export-end": "2026-12-31"}
        )
        assert response.status_code == 200
        assert f"{dataset}-2026-01-01-2026-12-31.{fmt}" in response["Content-Disposition"]


def test_exports_follow_the_period_and_neutralise_formulas(coordinator_client):
    DossierFactory(title='=HYPERLINK("http://example.com")', amount_requested=500)
    url = reverse("evaluations:export", kwargs={"dataset": "dossiers", "fmt": "csv"})
    year = date.today().year
    response = coordinator_client.get(
        url, {"export-start": f"{year}-01-01", "export-end": f"{year}-12-31"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[1][0].startswith("'=")
    previous = coordinator_client.get(
        url, {"export-start": f"{year - 1}-01-01", "export-end": f"{year - 1}-12-31"}
    )
    assert len(list(csv.reader(io.StringIO(previous.content.decode("utf-8-sig"))))) == 1


def test_the_measurements_export_carries_each_round(
    coordinator_client, coordinator, member, organization
):
    from evaluation_factories import experiment, measured

    evaluation = measured(
        experiment(partner=organization),
        actor=member.user,
        coordinator=coordinator,
        rounds=("initial",),
    )
    year = date.today().year
    url = reverse("evaluations:export", kwargs={"dataset": "mesures", "fmt": "csv"})
    response = coordinator_client.get(
        url, {"export-start": f"{year}-01-01", "export-end": f"{year}-12-31"}
    )
    rows = list(csv.reader(io.StringIO(response.content.decode("utf-8-sig")), delimiter=";"))
    assert rows[0][:4] == ["Expérimentation", "Indicateur", "Unité", "Étape"]
    assert len(rows) - 1 == evaluation.indicators.count()
    assert {row[3] for row in rows[1:]} == {"État initial"} and {row[7] for row in rows[1:]} == {
        "Validée"
    }


def test_unknown_export_is_404(coordinator_client):
    url = reverse("evaluations:export", kwargs={"dataset": "personnes", "fmt": "csv"})
    assert coordinator_client.get(url).status_code == 404
    url = reverse("evaluations:export", kwargs={"dataset": "membres", "fmt": "ods"})
    assert coordinator_client.get(url).status_code == 404


def test_seed_demo_generates_one_report_once(django_capture_on_commit_callbacks):
    """The seed's report is rendered after its transaction commits (on_commit), outside
    any write transaction; run again, the seed leaves it as it is."""
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    report = ActivityReport.objects.get()
    assert report.status == ReportStatus.READY, report.error
    assert (report.period_start, report.period_end) == (
        Period.current_year().start,
        Period.current_year().end,
    )
    assert report.requested_by.email == "coordination@demo.consortium95.fr"
    with django_capture_on_commit_callbacks(execute=True):
        call_command("seed_demo", stdout=StringIO())
    assert ActivityReport.objects.get() == report
