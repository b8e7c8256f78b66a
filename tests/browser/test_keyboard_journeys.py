"""Keyboard-only journeys in Chromium (RGAA 12.8, 12.9, 10.7; WCAG 2.1.1, 2.1.2, 2.4.7).

Tab, Shift+Tab, Enter and Space only (and typing into fields), no mouse: sign up then
onboarding, register for an event, answer a survey, the coordinator's émargement, send a
mailing. At every step the focused element must show a focus indicator (a computed
outline or box-shadow), and Tab must move the focus (no trap); on one page of each
journey the whole tab order is walked around and back with Shift+Tab. A form sent with
errors must put the focus on its error summary.

Opening the link of an e-mail (the address confirmation, the survey's invitation) is a
`goto`: it happens in the mail client, not on the portal.
"""

import re

import pytest
from django.core import mail
from evaluation_factories import invitation_for
from event_factories import EventFactory, RegistrationFactory, in_days
from factories import PASSWORD, CoordinatorFactory
from member_factories import OrganizationFactory, member_of
from transactional import restore_reference_data

from coordination.models import Mailing
from evaluations.models import Response, Survey
from events.enums import RegistrationStatus
from events.models import Attendance, Registration
from members.models import Person

pytestmark = pytest.mark.browser

CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]+(/accounts/confirm-email/[-:\w]+/)")
# What the focused element is, and whether it shows it (outline or box-shadow).
FOCUSED = """() => {
  const el = document.activeElement;
  if (!el || el === document.body || el === document.documentElement) return null;
  const style = getComputedStyle(el);
  const outline = style.outlineStyle !== "none" && parseFloat(style.outlineWidth) > 0;
  const shadow = style.boxShadow !== "none" && style.boxShadow !== "";
  return {
    index: Array.prototype.indexOf.call(document.querySelectorAll("*"), el),
    what: el.outerHTML.slice(0, 160),
    visible: outline || shadow,
  };
}"""


class Keyboard:
    """Moves the focus with Tab and Shift+Tab only, checking each stop."""

    def __init__(self, page):
        self.page = page

    def focused(self) -> dict | None:
        return self.page.evaluate(FOCUSED)

    def press(self, key: str) -> dict | None:
        before = self.focused()
        self.page.keyboard.press(key)
        after = self.focused()
        if after is not None:
            assert after["visible"], f"no visible focus on {after['what']} ({self.page.url})"
            if before is not None:
                assert after["index"] != before["index"], f"{key} is trapped on {after['what']}"
        return after

    def tab_to(self, selector: str, *, backwards: bool = False, limit: int = 150) -> None:
        """Tab (or Shift+Tab) until `selector` has the focus; each stop shows it."""
        key = "Shift+Tab" if backwards else "Tab"
        for _ in range(limit):
            self.press(key)
            if self.page.evaluate("(s) => document.activeElement.matches(s)", selector):
                return
        raise AssertionError(f"{selector} never got the focus with {key} ({self.page.url})")

    def submit(self, key: str = "Enter") -> None:
        with self.page.expect_navigation():
            self.page.keyboard.press(key)

    def walk_around(self, limit: int = 400) -> None:
        """Tab through the whole page until the first stop comes back, then Shift+Tab
        returns to the previous one: nothing keeps the focus, everything shows it."""
        self.page.evaluate("document.activeElement.blur()")
        first, stops = self.press("Tab"), []
        for _ in range(limit):
            stop = self.press("Tab")
            if stop and stop["index"] == first["index"]:
                break
            stops.append(stop)
        else:
            raise AssertionError(f"Tab never came back to the first stop ({self.page.url})")
        last = next(stop for stop in reversed(stops) if stop)
        back = self.press("Shift+Tab")
        back = back or self.press("Shift+Tab")  # past the browser's own stop, if any
        assert back["index"] == last["index"], (back, last)

    def assert_summary_has_focus(self) -> None:
        """After a refused form: the error summary is focused, visibly."""
        focused = self.focused()
        assert focused and 'role="alert"' in focused["what"], focused
        assert focused["visible"], focused


@pytest.fixture
def network(transactional_db):
    restore_reference_data()
    organization = OrganizationFactory(name="Crèche Les Lucioles")
    return {"member": member_of(organization), "coordinator": CoordinatorFactory()}


def test_sign_up_then_onboarding(new_page, network, mailoutbox):
    page = new_page(1280)
    keys = Keyboard(page)
    page.goto("/accounts/signup/")
    keys.walk_around()
    keys.tab_to("input[name=email]")
    page.keyboard.type("clavier@exemple.fr")
    keys.tab_to("input[name=password1]")
    page.keyboard.type(PASSWORD)
    keys.tab_to("input[name=password2]")
    page.keyboard.type("pas-le-meme-mot-de-passe")
    keys.submit()
    keys.assert_summary_has_focus()
    keys.tab_to("input[name=password1]")
    page.keyboard.type(PASSWORD)
    keys.tab_to("input[name=password2]")
    page.keyboard.type(PASSWORD)
    keys.submit()

    page.goto(CONFIRM_LINK.search(mail.outbox[-1].body).group(1))
    keys.tab_to("main button[type=submit]")
    keys.submit()
    keys.tab_to("nav a[href='/espace/']")
    keys.submit()
    assert page.locator("h1").inner_text() == "Bienvenue dans le réseau"
    keys.tab_to("#id_first_name")
    page.keyboard.type("Claire")
    keys.tab_to("#id_last_name")
    page.keyboard.type("Vidal")
    keys.tab_to("#id_job_title")
    page.keyboard.type("Directrice de crèche")
    keys.submit()
    person = Person.objects.get(user__email="clavier@exemple.fr")
    assert person.user.get_full_name() == "Claire Vidal"
    keys.tab_to("a[href='/espace/structure/creer/']")  # the next step of the onboarding


def test_register_for_an_event(new_page, session_of, network):
    event = EventFactory(title="Chanter avec les bébés")
    member = network["member"]
    page = new_page(360, session_of(member.user))
    keys = Keyboard(page)
    page.goto(f"/agenda/{event.slug}/")
    keys.walk_around()
    keys.tab_to("main form button[type=submit]")
    keys.submit()
    assert Registration.objects.get(event=event, person=member).status in {
        RegistrationStatus.CONFIRMED,
        RegistrationStatus.WAITLISTED,
    }
    keys.tab_to("main form button[type=submit]")  # "Me désinscrire" is within reach


def test_answer_a_survey(new_page, network):
    training = EventFactory(training=True, sessions=[(in_days(-3, 9), in_days(-3, 12))])
    survey = Survey.objects.get(event=training)
    _invitation, token = invitation_for(survey)
    page = new_page(1280)
    keys = Keyboard(page)
    page.goto(f"/questionnaires/{token}/")
    keys.walk_around()
    keys.tab_to("main button[type=submit][value]")
    keys.submit()  # nothing answered: the required questions refuse
    keys.assert_summary_has_focus()
    for name in page.evaluate(
        "Array.from(new Set(Array.from(document.querySelectorAll('main form [required]'))"
        ".map(e => e.name)))"
    ):
        kind = page.evaluate(f"document.querySelector('[name=\"{name}\"]').type")
        keys.tab_to(f"[name='{name}']")
        if kind in {"radio", "checkbox"}:
            page.keyboard.press("Space")
        else:
            page.keyboard.type("Très bien")
    keys.tab_to("main button[type=submit][value]")
    keys.submit()
    assert Response.objects.filter(survey=survey).exists()


def test_coordinator_attendance_sheet(new_page, session_of, network):
    training = EventFactory(training=True, sessions=[(in_days(-1, 9), in_days(-1, 12))])
    registration = RegistrationFactory(event=training, person=network["member"])
    session = training.sessions.first()
    page = new_page(1280, session_of(network["coordinator"]))
    keys = Keyboard(page)
    page.goto(f"/coordination/rencontres/{training.slug}/emargement/{session.pk}/")
    keys.walk_around()
    keys.tab_to(f"#personne-{registration.pk} input[type=radio]")
    page.keyboard.press("Space")
    keys.tab_to("button[form=formulaire-emargement]")
    keys.submit()
    assert Attendance.objects.filter(registration=registration).exists()


def test_send_a_mailing(new_page, session_of, network, mailoutbox):
    page = new_page(1280, session_of(network["coordinator"]))
    keys = Keyboard(page)
    page.goto("/coordination/envois/nouveau/")
    keys.walk_around()
    keys.tab_to("#id_subject")
    page.keyboard.type("Rencontre du réseau")
    keys.tab_to("#id_body")
    page.keyboard.type("Bonjour à toutes et à tous.")
    keys.tab_to("#id_everyone")
    page.keyboard.press("Space")
    keys.tab_to("main form button[type=submit]")
    keys.submit()
    mailing = Mailing.objects.get(subject="Rencontre du réseau")
    keys.tab_to(f"form[action$='/{mailing.pk}/envoyer/'] button")
    keys.submit()
    mailing.refresh_from_db()
    assert mailing.status != "draft"
