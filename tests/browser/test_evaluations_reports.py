"""Activity report pages in real Chromium at 1280 and 360 px: the reports page (with its
error summary) and the progress page, which turns to "Prêt" without a reload once the
report is generated; axe-core finds no violation."""

from datetime import date

import pytest
from factories import CoordinatorFactory, ObserverFactory
from member_factories import OrganizationFactory
from test_accessibility import check_page
from transactional import restore_reference_data

from evaluations.enums import ReportStatus
from evaluations.models import ActivityReport
from evaluations.reports import report_generate
from evaluations.views.reports import REFRESH_SECONDS
from members.enums import OrganizationStatus

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def people(transactional_db):
    restore_reference_data()
    OrganizationFactory(status=OrganizationStatus.ACTIVE)
    return {"coordinator": CoordinatorFactory(), "observer": ObserverFactory()}


def _report(**fields) -> ActivityReport:
    year = date.today().year
    return ActivityReport.objects.create(
        period_start=date(year, 1, 1), period_end=date(year, 12, 31), **fields
    )


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("role", ["observer", "coordinator"])
def test_reports_page_and_progress(new_page, session_of, screenshots, people, width, role):
    ready = report_generate(report_id=_report().pk)
    assert ready.status == ReportStatus.READY, ready.error
    _report(status=ReportStatus.FAILED, error="test")
    page = new_page(width, session_of(people[role]))
    assert page.goto("/coordination/rapports/").status == 200
    check_page(page, f"rapports-{role}", width, screenshots)
    page.fill("#id_start", "2026-05-01")
    page.fill("#id_end", "2026-04-01")
    with page.expect_navigation():
        page.get_by_role("button", name="Générer le rapport").click()
    assert page.locator("[role=alert]").is_visible()
    check_page(page, f"rapports-erreur-{role}", width, screenshots)
    # The progress page of a report waiting for its worker, then ready without a reload.
    pending = _report()
    assert page.goto(f"/coordination/rapports/{pending.pk}/").status == 200
    check_page(page, f"rapport-en-attente-{role}", width, screenshots)
    report_generate(report_id=pending.pk)
    page.locator('[data-status="ready"]').wait_for(timeout=20_000)
    assert page.get_by_role("link", name="Télécharger le rapport (PDF)").is_visible()
    check_page(page, f"rapport-pret-{role}", width, screenshots)
    assert page.goto(ready.get_absolute_url()).status == 200
    failed = ActivityReport.objects.filter(status=ReportStatus.FAILED).get()
    assert page.goto(failed.get_absolute_url()).status == 200
    check_page(page, f"rapport-echec-{role}", width, screenshots)


def test_the_progress_page_stops_asking_once_the_report_is_ready(new_page, session_of, people):
    pending = _report()
    page = new_page(1280, session_of(people["coordinator"]))
    asked = []
    page.on(
        "request",
        lambda request: asked.append(request.url) if "section=etat" in request.url else None,
    )
    assert page.goto(pending.get_absolute_url()).status == 200
    report_generate(report_id=pending.pk)
    page.locator('[data-status="ready"]').wait_for(timeout=20_000)
    seen = len(asked)
    page.wait_for_timeout(REFRESH_SECONDS * 2500)  # two and a half periods
    assert len(asked) == seen  # it asked until ready, and then no more
    assert page.locator("#etat-rapport[data-refresh]").count() == 0
