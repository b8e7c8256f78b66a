"""Reports no worker is on (issue 13, found by benchmarks/faults.py): one left "requested"
because the broker was down when it was asked for, one left "generating" by a worker
that was killed. The sweep of the beat schedule asks again for the first and fails the
second cleanly (the coordinator can retry it); a report another worker is generating is
never generated twice."""

from datetime import date, timedelta

import pytest
from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from evaluations import reports
from evaluations.enums import ReportStatus
from evaluations.models import ActivityReport
from evaluations.reports import STOPPED_WORKER_ERROR, report_generate, reports_sweep
from evaluations.tasks import generate_activity_report, sweep_activity_reports

pytestmark = pytest.mark.django_db


def _report(status: str, *, seconds_ago: float, by=None) -> ActivityReport:
    report = ActivityReport.objects.create(
        period_start=date(2026, 1, 1), period_end=date(2026, 6, 30), requested_by=by, status=status
    )
    # update() leaves auto_now alone: the row looks untouched for that long.
    then = timezone.now() - timedelta(seconds=seconds_ago)
    ActivityReport.objects.filter(pk=report.pk).update(updated_at=then)
    report.refresh_from_db()
    return report


@pytest.fixture
def sent(monkeypatch):
    """The report ids whose generation was asked of the broker."""
    ids = []
    monkeypatch.setattr(generate_activity_report, "delay", ids.append)
    return ids


def test_a_report_left_requested_is_asked_for_again_once_per_grace(sent):
    grace = settings.REPORT_REQUEST_GRACE
    lost = _report(ReportStatus.REQUESTED, seconds_ago=grace + 5)
    _report(ReportStatus.REQUESTED, seconds_ago=grace - 30)  # its task may still be queued
    assert reports_sweep() == {"requested": 1, "failed": 0}
    assert sent == [lost.pk]
    assert reports_sweep() == {"requested": 0, "failed": 0}  # touched: not at every sweep
    assert sent == [lost.pk]


def test_the_broker_down_when_asked_leaves_the_report_to_the_sweep(
    monkeypatch, coordinator, django_capture_on_commit_callbacks
):
    from kombu.exceptions import OperationalError

    def down(report_id):
        raise OperationalError("Error 111 connecting to 127.0.0.1:6399. Connection refused.")

    monkeypatch.setattr(generate_activity_report, "delay", down)
    with django_capture_on_commit_callbacks(execute=True):
        report = reports.report_request(
            actor=coordinator, start=date(2026, 1, 1), end=date(2026, 3, 31)
        )
    report.refresh_from_db()
    assert report.status == ReportStatus.REQUESTED
    ActivityReport.objects.filter(pk=report.pk).update(
        updated_at=timezone.now() - timedelta(seconds=settings.REPORT_REQUEST_GRACE + 1)
    )
    monkeypatch.setattr(generate_activity_report, "delay", lambda pk: report_generate(report_id=pk))
    assert sweep_activity_reports() == {"requested": 1, "failed": 0}  # broker back
    report.refresh_from_db()
    assert report.status == ReportStatus.READY


def test_a_report_its_dead_worker_left_generating_fails_cleanly_and_can_be_retried(
    sent, coordinator, coordinator_client, django_capture_on_commit_callbacks
):
    limit = settings.REPORT_TIME_LIMIT + reports.REPORT_STALE_MARGIN_SECONDS
    stale = _report(ReportStatus.GENERATING, seconds_ago=limit + 5, by=coordinator)
    busy = _report(ReportStatus.GENERATING, seconds_ago=limit - 60, by=coordinator)
    assert reports_sweep() == {"requested": 0, "failed": 1}
    stale.refresh_from_db()
    busy.refresh_from_db()
    assert stale.status == ReportStatus.FAILED and stale.error == STOPPED_WORKER_ERROR
    assert busy.status == ReportStatus.GENERATING
    page = coordinator_client.get(stale.get_absolute_url())
    assert "Relancer la génération" in page.text and "data-refresh=" not in page.text
    with django_capture_on_commit_callbacks(execute=True):
        coordinator_client.post(reverse("evaluations:report_retry", kwargs={"pk": stale.pk}))
    assert sent == [stale.pk]
    report_generate(report_id=stale.pk)  # what the worker does with the task
    stale.refresh_from_db()
    assert stale.status == ReportStatus.READY and stale.error == ""


def test_a_report_another_worker_is_generating_is_not_generated_twice(monkeypatch):
    def render(report, figures):
        raise AssertionError("rendered a second time")

    monkeypatch.setattr(reports, "report_pdf", render)
    busy = _report(ReportStatus.GENERATING, seconds_ago=5)
    assert report_generate(report_id=busy.pk).status == ReportStatus.GENERATING
    limit = settings.REPORT_TIME_LIMIT + reports.REPORT_STALE_MARGIN_SECONDS
    left = _report(ReportStatus.GENERATING, seconds_ago=limit + 5)
    monkeypatch.undo()
    assert report_generate(report_id=left.pk).status == ReportStatus.READY  # a redelivery


def test_the_sweep_is_in_the_one_beat_schedule():
    from consortium.celery import app

    entries = [e for e in settings.CELERY_BEAT_SCHEDULE.values() if "report" in e["task"]]
    assert [e["task"] for e in entries] == ["evaluations.sweep_activity_reports"]
    assert entries[0]["schedule"] <= 60
    assert "evaluations.sweep_activity_reports" in app.tasks
