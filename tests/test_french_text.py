"""Matching and sorting French text alike on SQLite and PostgreSQL (consortium.core.french).

Run both ways: without DATABASE_URL (SQLite) and with DATABASE_URL=postgres://… — the same
assertions hold on each. SQLite alone folds ASCII only ("É" ≠ "é") and sorts by code point
(Écouen after Wy-dit-Joli-Village): these tests failed there before.
"""

import pytest
from django.urls import reverse
from event_factories import EventFactory
from factories import CoordinatorFactory, UserFactory
from member_factories import (
    NeedFactory,
    OrganizationFactory,
    PersonFactory,
    WorkingGroupFactory,
    member_of,
)
from project_factories import (
    DossierFactory,
    PracticeFactory,
    ProjectFactory,
    ProjectPartnerFactory,
)

from consortium.core.french import fold, french_order
from events.filters import AgendaFilter
from events.forms.coordination import EventFilter
from events.models import Event
from members.filters import DirectoryFilter, NeedFilter
from members.forms.coordination import ValidationFilter
from members.forms.groups import GroupFilter
from members.forms.space import OrganizationSearch
from members.models import Commune, Epci, Need, Organization, Person, WorkingGroup
from projects.filters.dossiers import DossierFilter
from projects.filters.projects import ProjectFilter
from projects.models import Dossier, Project
from projects.search import mark_words, search

pytestmark = pytest.mark.django_db


def test_fold_drops_case_accents_and_ligatures():
    assert fold("Crèche ŒUVRE Müller Æsop") == "creche oeuvre muller aesop"
    assert fold(None) is None


@pytest.mark.parametrize(
    ("typed", "found"),
    [
        ("MÉDIATHÈ", "Médiathèque de l'Astrolabe"),
        ("mediatheque", "Médiathèque de l'Astrolabe"),
        ("CRÈCHE", "crèche Œuvre des Tout-Petits"),
        ("Creche", "crèche Œuvre des Tout-Petits"),
        ("oeuvre", "crèche Œuvre des Tout-Petits"),
        ("théâtre", "THEATRE 95"),
        # LIKE wildcards are what they look like, not wildcards.
        ("100%", "Compagnie 100% bébés"),
        ("_", None),
    ],
)
def test_folded_contains_ignores_case_and_accents(typed, found):
    for name in [
        "Médiathèque de l'Astrolabe",
        "crèche Œuvre des Tout-Petits",
        "THEATRE 95",
        "Compagnie 100% bébés",
    ]:
        OrganizationFactory(name=name)
    matched = Organization.objects.filter(name__folded_contains=typed)
    assert list(matched.values_list("name", flat=True)) == ([found] if found else [])


def _org_filter(filterset, data_key="q", **kwargs):
    def build():
        target = OrganizationFactory(name="Médiathèque de l'Astrolabe")
        OrganizationFactory(name="Ludothèque Les Petits Pas")
        return filterset, Organization.objects.all(), target, {data_key: "MÉDIATHÈ"}, kwargs

    return build


def _need():
    target = NeedFactory(title="Éveil musical des bébés")
    NeedFactory(title="Lecture à voix haute")
    return NeedFilter, Need.objects.all(), target, {"q": "EVEIL"}, {}


def _group():
    target = WorkingGroupFactory(title="Théâtre d'objets", description="")
    WorkingGroupFactory(title="Lecture", description="")
    return GroupFilter, WorkingGroup.objects.all(), target, {"q": "theatre"}, {"request": None}


def _validation():
    target = PersonFactory(user=UserFactory(last_name="Lefèvre"))
    PersonFactory(user=UserFactory(last_name="Martin"))
    return ValidationFilter, Person.objects.all(), target, {"q": "LEFEVRE"}, {}


def _event(filterset):
    def build():
        target = EventFactory(title="Rencontre à l'Écoute", sessions=0)
        EventFactory(title="Rencontre du réseau", sessions=0)
        return filterset, Event.objects.all(), target, {"q": "ECOUTE"}, {}

    return build


def _dossier_organization():
    target = DossierFactory(organization=OrganizationFactory(name="Crèche Pirouette"))
    DossierFactory(organization=OrganizationFactory(name="Médiathèque de Cergy"))
    return DossierFilter, Dossier.objects.all(), target, {"organization": "CRÈCHE"}, {}


def _project_partner():
    target = ProjectPartnerFactory(
        organization=OrganizationFactory(name="Médiathèque de Cergy")
    ).project
    ProjectPartnerFactory(organization=OrganizationFactory(name="Crèche Pirouette"))
    return ProjectFilter, Project.objects.all(), target, {"partner": "MÉDIATHÈ"}, {}


def _project_words():
    target = ProjectFactory(title="Lectures à l'hôpital", summary="")
    ProjectFactory(title="Lectures en crèche", summary="")
    return ProjectFilter, Project.objects.all(), target, {"q": "HÔPITAL"}, {}


@pytest.mark.parametrize(
    "build",
    [
        _org_filter(DirectoryFilter),
        _org_filter(OrganizationSearch),
        _need,
        _group,
        _validation,
        _event(AgendaFilter),
        _event(EventFilter),
        _dossier_organization,
        _project_partner,
        _project_words,
    ],
    ids=[
        "directory",
        "organisation-search",
        "needs",
        "groups",
        "validations",
        "agenda",
        "coordination-events",
        "dossiers-by-organisation",
        "projects-by-partner",
        "projects-by-words",
    ],
)
def test_every_list_filter_ignores_case_and_accents(build):
    filterset, rows, target, data, kwargs = build()
    assert list(filterset(data, queryset=rows, **kwargs).qs) == [target]


def test_the_search_page_ignores_case_and_accents():
    practice = PracticeFactory(title="Éveil sonore à la crèche")
    PracticeFactory(
        title="Lecture partagée",
        summary="Des albums pour les tout-petits.",
        what_was_done="<p>Douze séances de lecture.</p>",
    )
    groups = {group.kind.key: group for group in search(user=CoordinatorFactory(), text="EVEIL")}
    assert [hit.object for hit in groups["bonnes-pratiques"].hits] == [practice]


def test_the_search_excerpt_marks_words_whatever_the_accents():
    marked = mark_words("Éveil sonore à la crèche, l'œuvre", ["EVEIL", "creche", "oeuvre"])
    assert marked == (
        "<mark>Éveil</mark> sonore à la <mark>crèche</mark>, l&#x27;<mark>œuvre</mark>"
    )


@pytest.mark.parametrize(
    ("model", "typed"),
    [(Organization, "MÉDIATHÈ"), (Person, "LEFEVRE"), (Event, "ecoute")],
    ids=["organisations", "people", "events"],
)
def test_the_admin_search_ignores_case_and_accents(coordinator_client, model, typed):
    expected = {
        Organization: lambda: OrganizationFactory(name="Médiathèque de l'Astrolabe"),
        Person: lambda: PersonFactory(user=UserFactory(last_name="Lefèvre")),
        Event: lambda: EventFactory(title="Rencontre à l'Écoute", sessions=0),
    }[model]()
    url = reverse(f"admin:{model._meta.app_label}_{model._meta.model_name}_changelist")
    response = coordinator_client.get(url, {"q": typed})
    assert response.status_code == 200
    assert list(response.context["cl"].result_list) == [expected]


# --- Sorting ---------------------------------------------------------------------------


def test_communes_sort_the_french_way():
    names = list(Commune.objects.values_list("name", flat=True))
    assert names.index("Écouen") > names.index("Eaubonne")
    assert names.index("Écouen") < names.index("Enghien-les-Bains")
    assert names[-1] == "Wy-dit-Joli-Village"
    initials = [fold(name)[0] for name in names]
    assert initials == sorted(initials)


def test_epcis_sort_the_french_way():
    names = list(Epci.objects.order_by(french_order("name")).values_list("name", flat=True))
    assert [fold(name) for name in names] == sorted(fold(name) for name in names)


def test_organisations_and_people_sort_the_french_way():
    for name in ["Zébulon", "école Jules Ferry", "Éveil et Sons", "Ecole de musique", "arts"]:
        OrganizationFactory(name=name)
    assert list(Organization.objects.values_list("name", flat=True)) == [
        "arts",
        "Ecole de musique",
        "école Jules Ferry",
        "Éveil et Sons",
        "Zébulon",
    ]
    for last_name in ["Zola", "Émery", "Dupont", "eluard"]:
        PersonFactory(user=UserFactory(last_name=last_name))
    assert [person.user.last_name for person in Person.objects.select_related("user")] == [
        "Dupont",
        "eluard",
        "Émery",
        "Zola",
    ]


def test_a_list_ordered_by_name_sorts_the_french_way(client):
    coordinator = CoordinatorFactory()
    for name in ["Zébulon", "Écouen Danse", "Ermont Musique", "Domont Arts"]:
        member_of(OrganizationFactory(name=name))
    client.force_login(coordinator)
    response = client.get("/reseau/")
    shown = [o.name for o in response.context["page_obj"].object_list]
    assert shown == ["Domont Arts", "Écouen Danse", "Ermont Musique", "Zébulon"]
