"""The coordinator's desk in real Chromium: axe-core (WCAG 2.1 AA) at 1280 and 360 px for
the coordinator and an observer, with every section filled, and a section that refreshes
on its own without a reload."""

import pytest
from event_factories import EventFactory, RegistrationFactory, in_days
from factories import CoordinatorFactory, ObserverFactory
from member_factories import (
    ActionFactory,
    NeedFactory,
    OrganizationFactory,
    PersonFactory,
    WorkingGroupFactory,
    member_of,
)
from playwright.sync_api import expect
from test_accessibility import check_page
from transactional import restore_reference_data

from members.enums import PersonStatus

pytestmark = pytest.mark.browser

WIDTHS = (1280, 360)


@pytest.fixture
def network(transactional_db):
    restore_reference_data()
    PersonFactory(status=PersonStatus.PENDING)
    NeedFactory(title="Former les équipes à l'éveil musical")
    ActionFactory(group=WorkingGroupFactory(), due_date=in_days(-5).date())
    event = EventFactory(title="Lire aux bébés", sessions=[(in_days(-1), in_days(-1, 12))])
    RegistrationFactory(event=event, person=member_of(OrganizationFactory()))
    EventFactory(title="Chanter avec les tout-petits", sessions=[(in_days(4), in_days(4, 12))])
    return {"coordinator": CoordinatorFactory(), "observer": ObserverFactory()}


@pytest.mark.parametrize("width", WIDTHS)
@pytest.mark.parametrize("who", ["coordinator", "observer"])
def test_the_desk(new_page, session_of, screenshots, network, who, width):
    page = new_page(width, session_of(network[who]))
    assert page.goto("/coordination/").status == 200
    assert page.get_by_role("heading", name="Inscriptions à valider").is_visible()
    check_page(page, f"tableau-de-bord-{who}", width, screenshots)


def test_a_section_refreshes_without_a_reload(new_page, session_of, network):
    page = new_page(1280, session_of(network["coordinator"]))
    page.clock.install()
    page.goto("/coordination/")
    page.evaluate("window.marker = 'same page'")
    badge = page.locator("#a-faire-inscriptions .badge")
    assert badge.inner_text() == "1"
    PersonFactory(status=PersonStatus.PENDING)
    page.clock.run_for(121_000)  # the sections' interval is two minutes
    expect(badge).to_have_text("2")
    assert page.evaluate("window.marker") == "same page"  # no reload
