"""XSS: a corpus of payloads in every rich-text and text field of a published practice,
opened in real Chromium (public page and catalogue): no dialog opens, no element carries an
on* handler, no script runs but the site's own, no javascript: link survives."""

import pytest
from project_factories import PracticeFactory, png_upload
from transactional import restore_reference_data
from xss_payloads import CORPUS, PAYLOADS

from projects.models import PracticeImage

pytestmark = pytest.mark.browser

TEXT_FIELDS = ("summary", "partners")
RICH_FIELDS = ("context", "what_was_done", "replication", "lessons")

# Everything the page says about itself that an injected payload would change.
INSPECT = """() => {
  const handlers = [];
  for (const element of document.querySelectorAll('*')) {
    for (const attribute of element.attributes) {
      if (attribute.name.toLowerCase().startsWith('on')) {
        handlers.push(element.tagName + ' ' + attribute.name);
      }
    }
  }
  const names = ['href', 'src', 'action', 'formaction', 'xlink:href'];
  const links = [...document.querySelectorAll('*')]
    .flatMap(e => names.map(name => e.getAttribute(name) || ''))
    .map(url => url.replace(/[\\s\\u0000-\\u001f]/g, '').toLowerCase())
    .filter(url => url.startsWith('javascript:'));
  const scripts = [...document.scripts].filter(s => !s.src.startsWith(location.origin + '/static/'))
    .map(s => s.outerHTML);
  return {
    handlers, links, scripts,
    frames: document.querySelectorAll('iframe, object, embed').length,
    styled: document.querySelectorAll('main [style]').length,
    svg: document.querySelectorAll('main svg script, main math').length,
    pwned: window.__pwned === true,
  };
}"""


def payload_practice(payload: str):
    # Each field gets the payload (cut to the field's length) so every place is tried.
    practice = PracticeFactory(
        title=f"Fiche {payload}"[:200],
        duration=payload[:120],
        contact=payload[:250],
        **dict.fromkeys(TEXT_FIELDS, payload),
        **dict.fromkeys(RICH_FIELDS, f"<p>Avant</p>{CORPUS}<p>{payload}</p>"),
    )
    PracticeImage.objects.create(
        practice=practice, image=png_upload(), alt_text=payload[:250], caption=payload[:250]
    )
    return practice


@pytest.fixture
def territory(transactional_db):
    restore_reference_data()


def open_and_inspect(page, path: str) -> dict:
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    response = page.goto(path)
    assert response.status == 200
    page.wait_for_timeout(300)  # let onerror / ontoggle / onload fire, if anything survived
    report = page.evaluate(INSPECT)
    report["dialogs"] = dialogs
    return report


CLEAN = {
    "handlers": [],
    "links": [],
    "scripts": [],
    "frames": 0,
    "styled": 0,
    "svg": 0,
    "pwned": False,
    "dialogs": [],
}


@pytest.mark.parametrize("payload", PAYLOADS)
def test_payload_is_neutralised_on_the_public_page_and_the_catalogue(new_page, territory, payload):
    practice = payload_practice(payload)
    page = new_page(1280)
    assert open_and_inspect(page, practice.get_absolute_url()) == CLEAN
    page = new_page(1280)
    assert open_and_inspect(page, "/bonnes-pratiques/") == CLEAN
    # The text is still there, shown as text.
    assert page.get_by_text("Fiche ", exact=False).count()


def test_the_inspection_would_catch_a_payload_that_got_through(new_page, territory):
    """A control: the same checks on a page where the payloads are live do fail."""
    page = new_page(1280)
    dialogs = []
    page.on("dialog", lambda dialog: (dialogs.append(dialog.message), dialog.dismiss()))
    # A blank page: the site's own pages send a Content-Security-Policy that would block
    # the live payloads before the inspection could see them.
    page.goto("about:blank")
    page.set_content(f"<main>{CORPUS}</main>")
    page.wait_for_timeout(300)
    report = page.evaluate(INSPECT)
    assert dialogs
    assert report["handlers"] and report["links"] and report["scripts"] and report["styled"]
