"""What a French reader sees: plurals, the admin's names, the vocabulary of funding."""

import gettext
import re
from pathlib import Path

import pytest
from django.conf import settings
from django.template import Context, Template
from django.urls import reverse
from django.utils import translation
from event_factories import EventFactory, RegistrationFactory
from factories import CoordinatorFactory
from member_factories import OrganizationFactory
from project_factories import DossierFactory, OpportunityFactory

from consortium.core.management.commands.makemessages import fill_source_plurals
from events.enums import RegistrationStatus
from projects.enums import DossierStatus
from projects.models import Opportunity

FRENCH = Path(settings.BASE_DIR) / "locale" / "fr" / "LC_MESSAGES"


# --- Plurals -----------------------------------------------------------------------------


def test_the_compiled_french_catalogue_takes_the_singular_for_0_and_1():
    with (FRENCH / "django.mo").open("rb") as mo:
        catalogue = gettext.GNUTranslations(mo)
    assert [catalogue.plural(n) for n in (0, 1, 2, 10)] == [0, 0, 1, 1]
    compiled = {key[0] for key in catalogue._catalog if isinstance(key, tuple)}
    po = (FRENCH / "django.po").read_text(encoding="utf-8")
    written = len(re.findall(r"^msgid_plural ", po, re.MULTILINE))
    # Every plural string of the code has its French entry, compiled (not empty, not fuzzy).
    assert written > 50 and len(compiled) == written


def test_makemessages_fills_new_french_plural_entries():
    po = (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=3; plural=(n == 0 || n == 1) ? 0 : n "\n'
        '"!= 0 && n % 1000000 == 0 ? 1 : 2;\\n"\n\n'
        '#: a.html:1\n#, fuzzy, python-format\n#| msgid "%(counter)s fiche"\n'
        'msgid "%(counter)s dossier"\nmsgid_plural ""\n"%(counter)s dossiers"\n'
        'msgstr[0] ""\nmsgstr[1] ""\nmsgstr[2] ""\n\n'
        'msgid "Titre"\nmsgstr ""\n'
    )
    assert fill_source_plurals(po) == (
        'msgid ""\nmsgstr ""\n"Plural-Forms: nplurals=2; plural=(n > 1);\\n"\n\n'
        "#: a.html:1\n#, python-format\n"
        'msgid "%(counter)s dossier"\nmsgid_plural ""\n"%(counter)s dossiers"\n'
        'msgstr[0] "%(counter)s dossier"\nmsgstr[1] ""\n"%(counter)s dossiers"\n\n'
        'msgid "Titre"\nmsgstr ""\n'
    )


REMAINING = Template(
    "{% load i18n %}{% blocktranslate trimmed count counter=n %}{{ counter }} restante"
    "{% plural %}{{ counter }} restantes{% endblocktranslate %}"
)


@pytest.mark.parametrize(
    ("language", "n", "expected"),
    [
        ("fr", 0, "0 restante"),
        ("fr", 1, "1 restante"),
        ("fr", 2, "2 restantes"),
        ("en", 0, "0 left"),
        ("en", 1, "1 left"),
    ],
)
def test_a_template_plural(language, n, expected):
    with translation.override(language):
        assert REMAINING.render(Context({"n": n})) == expected


@pytest.mark.parametrize(("language", "expected"), [("fr", "0 séance"), ("en", "0 sessions")])
def test_a_python_plural(language, expected):
    with translation.override(language):
        # The msgid of events/templatetags/agenda.py's event_when.
        assert (
            translation.ngettext("%(count)d séance", "%(count)d séances", 0) % {"count": 0}
            == expected
        )


def test_the_board_counts_dossiers_in_french(coordinator_client):
    organization = OrganizationFactory()
    DossierFactory(organization=organization, status=DossierStatus.IDEA)
    DossierFactory.create_batch(2, organization=organization, status=DossierStatus.SUBMITTED)
    html = coordinator_client.get(reverse("projects:dossier_board")).content.decode()
    assert ">0 dossier</span>" in html  # the empty columns
    assert ">1 dossier</span>" in html
    assert ">2 dossiers</span>" in html
    assert "0 dossiers" not in html


def test_a_full_event_says_0_remaining_in_french(client, db):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    html = client.get(reverse("events:event", kwargs={"slug": event.slug})).content.decode()
    assert "1 place, 0 restante<" in html


def test_an_empty_waitlist_is_singular_in_french_and_plural_in_english(coordinator_client):
    event = EventFactory(capacity=1)
    RegistrationFactory(event=event)
    url = reverse("events:registrations", kwargs={"slug": event.slug})
    assert "0 personne en liste d'attente." in coordinator_client.get(url).content.decode()
    RegistrationFactory.create_batch(2, event=event, status=RegistrationStatus.WAITLISTED)
    assert "2 personnes en liste d'attente." in coordinator_client.get(url).content.decode()
    coordinator_client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    event.registrations.filter(status=RegistrationStatus.WAITLISTED).delete()
    assert "0 people on the waitlist." in coordinator_client.get(url).content.decode()


# --- The admin ----------------------------------------------------------------------------


def test_the_admin_names_the_portal_and_its_core_app(client, db):
    client.force_login(CoordinatorFactory(is_superuser=True))
    html = client.get("/admin/").content.decode()
    assert "Administration du portail du consortium éveil artistique et culturel" in html
    assert "Comptes, journal et e-mails" in html
    assert "Django" not in html
    assert "Socle" not in html


# --- Funding vocabulary -------------------------------------------------------------------


def test_the_funding_pages_do_not_say_opportunite(coordinator_client):
    opportunity = OpportunityFactory()
    assert Opportunity._meta.verbose_name == "financement"
    for url in (
        reverse("projects:opportunities"),
        reverse("projects:opportunities_public"),
        reverse("projects:opportunity_create"),
        opportunity.get_absolute_url(),
    ):
        html = coordinator_client.get(url).content.decode()
        assert "pportunité" not in html, url
