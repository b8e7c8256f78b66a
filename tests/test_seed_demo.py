"""The demo data read like a real Val-d'Oise network's first year: French as it is written
(elision, accents, job titles agreeing with the person), arts that match the texts,
dossiers that fit their organisation, a plausible pipeline, and honest console output.

The demo is seeded once for the module, in a transaction rolled back at the end."""

import os
import random
import re
import sqlite3
import subprocess
import sys
from collections import Counter
from contextlib import closing
from datetime import timedelta
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction
from django.test import override_settings
from django.utils import timezone

from consortium.core.models import User
from consortium.core.seed import DEMO_PASSWORD, at_place, of_place
from events.enums import EventKind
from events.models import Event, Session
from members.enums import Sector
from members.models import (
    Action,
    Need,
    Organization,
    Person,
    WorkingGroup,
)
from members.seed import TYPES, _first_name, job_title
from projects.enums import DossierKind, DossierStatus, OpportunityKind
from projects.models import Dossier, DossierTransition, Opportunity, Practice, Project, Resource

pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def console(django_db_setup, django_db_blocker, tmp_path_factory):
    """Seed once for the module; what the command printed."""
    out = StringIO()
    media = tmp_path_factory.mktemp("media")
    with django_db_blocker.unblock(), override_settings(MEDIA_ROOT=media), transaction.atomic():
        call_command("seed_demo", stdout=out)
        yield out.getvalue()
        transaction.set_rollback(True)


def _texts() -> list[str]:
    """Every generated sentence or name a visitor reads (not slugs, URLs or e-mails)."""
    fields = [
        (Organization, ["name", "public_description"]),
        (Person, ["job_title"]),
        (WorkingGroup, ["title", "description"]),
        (Action, ["title"]),
        (Need, ["title", "description", "answer"]),
        (Event, ["title", "venue", "description"]),
        (Session, ["label"]),
        (Opportunity, ["title", "funder", "summary"]),
        (Dossier, ["title", "funder", "notes"]),
        (Project, ["title", "summary", "description"]),
        (Practice, ["title", "summary", "partners"]),
        (Resource, ["title", "summary"]),
    ]
    texts = []
    for model, names in fields:
        for row in model.objects.values_list(*names):
            texts.extend(value for value in row if value)
    return texts


# --- French -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "of", "at"),
    [
        ("Cergy", "de Cergy", "à Cergy"),
        ("Argenteuil", "d'Argenteuil", "à Argenteuil"),
        ("Écouen", "d'Écouen", "à Écouen"),
        ("Us", "d'Us", "à Us"),
        ("Herblay-sur-Seine", "d'Herblay-sur-Seine", "à Herblay-sur-Seine"),
        ("Haute-Isle", "de Haute-Isle", "à Haute-Isle"),  # aspirated h
        ("Le Thillay", "du Thillay", "au Thillay"),
        ("Le Plessis-Bouchard", "du Plessis-Bouchard", "au Plessis-Bouchard"),
        ("Les Mureaux", "des Mureaux", "aux Mureaux"),
        ("La Frette-sur-Seine", "de La Frette-sur-Seine", "à La Frette-sur-Seine"),
        ("L'Isle-Adam", "de L'Isle-Adam", "à L'Isle-Adam"),
        ("Labbeville", "de Labbeville", "à Labbeville"),
    ],
)
def test_place_names_take_the_article_french_gives_them(name, of, at):
    assert of_place(name) == of
    assert at_place(name) == at


# "de" before a vowel or a mute h, "de Le", "de Les", "à Le", "à Les".
UNELIDED = re.compile(
    r"\bde (?:[AEIOUYÀÂÉÈÊÎÔÛaeiouyàâéèêîôû]|H(?!aute)[aeiouyéè]|[Ll]es? )|\bà [Ll]es? "
)
UNACCENTED = re.compile(
    r"\b(?:creches?|theatres?|mediatheques?|ecoles?|eveil|bebes?|musee|cinema|equipes?)\b",
    re.IGNORECASE,
)


def test_generated_names_use_elision_and_contraction(console):
    texts = _texts()
    assert len(texts) > 1000
    wrong = sorted({match.string for t in texts if (match := UNELIDED.search(t))})
    assert wrong == []
    names = Organization.objects.values_list("name", flat=True)
    assert any(re.search(r"\bd'[AEIOUÉH]", name) for name in names)  # the rule was exercised


def test_generated_texts_carry_their_accents(console):
    wrong = sorted({t for t in _texts() if UNACCENTED.search(t)})
    assert wrong == []


def test_organisation_names_are_unique_and_unnumbered(console):
    names = list(Organization.objects.values_list("name", flat=True))
    assert len(names) == len(set(names))
    assert not [n for n in names if re.search(r"site \d|\d+$", n)]


# --- People -------------------------------------------------------------------------------

WOMEN = {
    "Léa", "Manon", "Chloé", "Inès", "Sarah", "Julie", "Emma", "Nadia", "Fatou", "Sophie",
    "Aïcha", "Claire", "Hélène", "Mélanie", "Anne", "Lucie", "Yasmine", "Amandine", "Élodie",
    "Agathe", "Nathalie", "Sandrine", "Isabelle", "Karima", "Céline", "Aurélie",
}  # fmt: skip
MEN = {
    "Thomas", "Nicolas", "Julien", "Karim", "Mehdi", "Hugo", "Antoine", "Samuel", "Olivier",
    "Moussa", "Pierre", "Laurent", "Malik", "Benoît", "Vincent", "Rachid",
}  # fmt: skip
EPICENE = {"Camille", "Dominique", "Claude"}
FEMININE = re.compile(r"(?:trice|enne|ée|euse|ante|ente|ère|ffe|eure|elle)$")
MASCULINE = re.compile(r"(?:teur|eur|ien|é|ant|ent|er|el|ef)$")


def _person_words(title: str) -> list[str]:
    """The words of a job title that name the person: those before its complement."""
    head = re.split(r" (?:de|du|des|d'|en|à|au|avec)\b| d'", title)[0]
    return head.split()


def _genders(title: str) -> set[str]:
    genders = set()
    for word in _person_words(title):
        if FEMININE.search(word):
            genders.add("f")
        elif MASCULINE.search(word):
            genders.add("m")
    return genders


def test_the_title_helper_reads_gender():
    assert _genders("Directrice de crèche") == {"f"}
    assert _genders("Directeur de crèche") == {"m"}
    assert _genders("Éducatrice spécialisée") == {"f"}
    assert _genders("Chargé des relations avec les publics") == {"m"}
    assert _genders("Responsable de l'action culturelle") == set()
    assert _genders("Auxiliaire de puériculture") == set()
    assert _genders("Assistante maternelle") == {"f"}


def test_job_titles_agree_with_the_first_name(console):
    checked, wrong = 0, []
    for first_name, title in Person.objects.exclude(job_title="").values_list(
        "user__first_name", "job_title"
    ):
        genders = _genders(title)
        if first_name in WOMEN:
            ok = "m" not in genders
        elif first_name in MEN:
            ok = "f" not in genders
        elif first_name in EPICENE:
            ok = not genders
        else:
            continue
        checked += 1
        if not ok:
            wrong.append((first_name, title))
    assert checked >= 150
    assert wrong == []


@pytest.mark.parametrize("type_slug", sorted(TYPES))
def test_every_type_gives_titles_that_agree_with_any_drawn_name(type_slug):
    organization = SimpleNamespace(type=SimpleNamespace(slug=type_slug), sector=Sector.CULTURE)
    for seed in range(300):
        rng = random.Random(seed)
        first_name = _first_name(rng, organization)
        for heads in (True, False):
            genders = _genders(job_title(rng, type_slug, first_name, heads=heads))
            if first_name in WOMEN:
                assert "m" not in genders
            elif first_name in MEN:
                assert "f" not in genders
            else:
                assert first_name in EPICENE and not genders, (first_name, type_slug)


def test_one_head_per_organisation(console):
    heads = Counter(
        Person.objects.filter(job_title__regex=r"^(Directeur|Directrice|Chef|Cheffe) ").values_list(
            "affiliations__organization", flat=True
        )
    )
    assert heads and max(heads.values()) == 1


# --- Arts ---------------------------------------------------------------------------------

VOCABULARY = {
    "musique": ["musi", "violoncell", "instrument", "sonore", "luthier"],
    "chant": ["chant", "comptine"],
    "danse": ["dans", "chorégraph", "mouvement"],
    "theatre": ["théâtre", "comédien", "spectacle"],
    "marionnette": ["marionnett", "objet"],
    "cirque": ["cirque"],
    "arts-plastiques": ["plasti", "peinture", "sculpt", "matière"],
    "livre-lecture": ["lectur", "lire", "album", "livre", "biblioth"],
    "cinema-image": ["cinéma", "métrage", "film", "image"],
    "arts-numeriques": ["numérique"],
    "patrimoine": ["musée", "patrimoine", "œuvre"],
}


@pytest.mark.parametrize("model", [Practice, Project])
def test_disciplines_are_named_in_the_text(console, model):
    rows = model.objects.prefetch_related("disciplines")
    assert rows.exists()
    for row in rows:
        text = f"{row.title} {row.summary}".lower()
        slugs = [d.slug for d in row.disciplines.all()]
        assert slugs, row.title
        for slug in slugs:
            assert any(stem in text for stem in VOCABULARY[slug]), (row.title, slug)


# The arts an organisation of each type must have (at least one of them), or must not.
REQUIRED_ARTS = {
    "mediatheque": {"livre-lecture"},
    "conservatoire": {"musique"},
    "theatre": {"theatre"},
    "cinema": {"cinema-image"},
    "musee": {"patrimoine"},
}
EARLY_CHILDHOOD_TYPES = {"eaje", "rpe", "pmi", "laep", "assistante-maternelle"}


def test_organisations_practise_the_arts_of_their_type(console):
    for organization in Organization.objects.select_related("type").prefetch_related("disciplines"):
        slugs = {d.slug for d in organization.disciplines.all()}
        required = REQUIRED_ARTS.get(organization.type.slug)
        if required:
            assert slugs & required, organization.name
        if organization.type.slug in EARLY_CHILDHOOD_TYPES:
            assert not slugs & {"arts-numeriques", "cirque", "patrimoine"}, organization.name


# --- Dossiers -----------------------------------------------------------------------------

FESTIVAL_TYPES = {"compagnie", "theatre", "service-culturel", "association-culturelle", "cinema"}


def test_dossier_kinds_fit_the_organisation_and_the_call(console):
    dossiers = Dossier.objects.select_related(
        "organization__type", "organization__commune", "opportunity"
    ).prefetch_related("opportunity__eligible_types", "opportunity__eligible_epcis")
    assert dossiers.count() >= 40
    for dossier in dossiers:
        organization_type = dossier.organization.type.slug
        if dossier.kind == DossierKind.FESTIVAL:
            assert organization_type in FESTIVAL_TYPES, dossier.organization.name
        if organization_type == "pmi":
            assert dossier.kind == DossierKind.PARTNERSHIP, dossier.title
        opportunity = dossier.opportunity
        if opportunity is None:
            continue
        assert (dossier.kind == DossierKind.SUBSIDY) == (
            opportunity.kind == OpportunityKind.SUBSIDY
        ), dossier.title
        types = {t.slug for t in opportunity.eligible_types.all()}
        epcis = {e.pk for e in opportunity.eligible_epcis.all()}
        assert not types or organization_type in types, dossier.title
        assert not epcis or dossier.organization.commune.epci_id in epcis, dossier.title


def test_the_pipeline_looks_like_a_first_year(console):
    counts = Counter(Dossier.objects.values_list("status", flat=True))
    assert set(counts) == set(DossierStatus.values)
    assert max(counts.values()) - min(counts.values()) >= 4
    early = counts[DossierStatus.IDEA] + counts[DossierStatus.PREPARING]
    answered = (
        counts[DossierStatus.GRANTED]
        + counts[DossierStatus.REPORT_DUE]
        + counts[DossierStatus.CLOSED]
    )
    assert early > sum(counts.values()) / 2
    assert answered < sum(counts.values()) / 4
    a_year_ago = timezone.now() - timedelta(days=365)
    assert not DossierTransition.objects.filter(created_at__lt=a_year_ago).exists()
    assert not Dossier.objects.filter(created_at__lt=a_year_ago).exists()


# --- Agenda and watch ---------------------------------------------------------------------


def test_titles_carry_no_session_numbers_and_trainings_name_their_sessions(console):
    numbered = re.compile(r"session \d|\d+/\d+", re.IGNORECASE)
    titles = [
        *Event.objects.values_list("title", flat=True),
        *Opportunity.objects.values_list("title", flat=True),
        *Session.objects.values_list("label", flat=True),
    ]
    assert not [t for t in titles if numbered.search(t)]
    trainings = Event.objects.filter(kind=EventKind.TRAINING).prefetch_related("sessions")
    assert trainings.exists()
    for training in trainings:
        labels = [s.label for s in training.sessions.all()]
        assert all(labels) and len(set(labels)) == len(labels), training.title


# --- Console ------------------------------------------------------------------------------


def test_the_printed_number_of_demo_accounts_is_the_number_that_log_in(console):
    printed = int(re.search(r"(\d+) comptes de démonstration", console).group(1))
    demo = [
        user.email
        for user in User.objects.filter(email__endswith="@demo.consortium95.fr")
        if user.check_password(DEMO_PASSWORD)
    ]
    assert printed == len(demo) == 4
    for email in demo:
        assert email in console


@pytest.mark.django_db
def test_production_settings_refuse_the_demo_data_unless_asked(settings):
    """Its accounts have a published password: never loaded on a real database by mistake."""
    settings.DEMO_DATA_ALLOWED = False
    before = (User.objects.count(), Event.objects.count(), Dossier.objects.count())
    with pytest.raises(CommandError, match="DJANGO_DEMO_DATA_ALLOWED=1"):
        call_command("seed_demo", stdout=StringIO())
    assert (User.objects.count(), Event.objects.count(), Dossier.objects.count()) == before


def test_the_production_settings_refuse_it_by_default(tmp_path):
    """What an operator typing the command on the server gets: a refusal, nothing loaded."""
    database = tmp_path / "production.sqlite3"
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "consortium.settings.production",
        "DJANGO_SECRET_KEY": "production-check-" + "x" * 50,
        "DATABASE_URL": f"sqlite:///{database}",
    }
    env.pop("DJANGO_DEMO_DATA_ALLOWED", None)
    command = [sys.executable, "manage.py", "seed_demo"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode != 0
    assert "DJANGO_DEMO_DATA_ALLOWED=1" in done.stderr
    if database.exists():  # opened by the start-up checks, never written
        with closing(sqlite3.connect(database)) as written:
            assert written.execute("select count(*) from sqlite_master").fetchone() == (0,)
