"""The public catalogue of best practices: facets with their counts (each given the other
active filters), text search, pagination, and a query count independent of the rows."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from project_factories import PracticeFactory, png_upload

from members.models import AgeGroup, Discipline, Epci, Theme
from projects.enums import PracticeStatus
from projects.models import Practice, PracticeImage

pytestmark = pytest.mark.django_db
URL = reverse("projects:practices")


def vocabulary():
    epcis = list(Epci.objects.order_by("name")[:2])
    return {
        "musique": Discipline.objects.get(slug="musique"),
        "chant": Discipline.objects.get(slug="chant"),
        "danse": Discipline.objects.get(slug="danse"),
        "0-1": AgeGroup.objects.get(code="0-1"),
        "1-3": AgeGroup.objects.get(code="1-3"),
        "3-6": AgeGroup.objects.get(code="3-6"),
        "lecture": Theme.objects.get(slug="lecture"),
        "e1": epcis[0],
        "e2": epcis[1],
    }


def sheet(v, *, disciplines, ages, epcis, themes=(), **fields):
    practice = PracticeFactory(**fields)
    practice.disciplines.set([v[name] for name in disciplines])
    practice.age_groups.set([v[name] for name in ages])
    practice.epcis.set([v[name] for name in epcis])
    practice.themes.set([v[name] for name in themes])
    return practice


@pytest.fixture
def catalogue():
    v = vocabulary()
    sheets = {
        "a": sheet(
            v,
            title="Concerts au berceau",
            disciplines=["musique"],
            ages=["0-1"],
            epcis=["e1"],
            themes=["lecture"],
            sector="culture",
        ),
        "b": sheet(
            v,
            title="Comptines au relais",
            disciplines=["musique", "chant"],
            ages=["0-1", "1-3"],
            epcis=["e2"],
            sector="petite_enfance",
        ),
        "c": sheet(
            v,
            title="Danse à l'école maternelle",
            disciplines=["danse"],
            ages=["3-6"],
            epcis=["e1"],
            themes=["lecture"],
            sector="culture",
        ),
        # Not published: in no count.
        "draft": sheet(
            v,
            title="Brouillon musical",
            disciplines=["musique"],
            ages=["0-1"],
            epcis=["e1"],
            sector="culture",
            status=PracticeStatus.DRAFT,
            published_at=None,
        ),
    }
    return v, sheets


def listing(client, **params):
    response = client.get(URL, params)
    assert response.status_code == 200
    titles = {practice.title for practice in response.context["page_obj"]}
    return response, titles


def test_without_filter_every_published_sheet_is_counted(client, catalogue):
    v, s = catalogue
    response, titles = listing(client)
    assert titles == {s["a"].title, s["b"].title, s["c"].title}
    facets = response.context["facets"]
    assert facets["discipline"] == {v["musique"].pk: 2, v["chant"].pk: 1, v["danse"].pk: 1}
    assert facets["sector"] == {"culture": 2, "petite_enfance": 1}
    assert facets["epci"] == {v["e1"].pk: 2, v["e2"].pk: 1}
    assert facets["age"] == {v["0-1"].pk: 2, v["1-3"].pk: 1, v["3-6"].pk: 1}
    assert facets["theme"] == {v["lecture"].pk: 2}
    content = response.content.decode()
    assert f'<option value="{v["musique"].pk}">Musique (2)</option>' in content
    assert '<option value="culture">Culture (2)</option>' in content
    assert f'<option value="{v["3-6"].pk}">3-6 ans (1)</option>' in content


def test_a_facet_counts_with_the_other_filters_not_its_own(client, catalogue):
    v, s = catalogue
    response, titles = listing(client, discipline=v["musique"].pk)
    assert titles == {s["a"].title, s["b"].title}
    facets = response.context["facets"]
    # Its own facet ignores it: choosing "danse" instead would give one sheet.
    assert facets["discipline"] == {v["musique"].pk: 2, v["chant"].pk: 1, v["danse"].pk: 1}
    assert facets["sector"] == {"culture": 1, "petite_enfance": 1}
    assert facets["age"] == {v["0-1"].pk: 2, v["1-3"].pk: 1}
    assert facets["epci"] == {v["e1"].pk: 1, v["e2"].pk: 1}


def test_combined_filters(client, catalogue):
    v, s = catalogue
    response, titles = listing(client, discipline=v["musique"].pk, sector="culture")
    assert titles == {s["a"].title}
    facets = response.context["facets"]
    assert facets["sector"] == {"culture": 1, "petite_enfance": 1}  # musique only
    assert facets["discipline"] == {v["musique"].pk: 1, v["danse"].pk: 1}  # culture only
    assert facets["theme"] == {v["lecture"].pk: 1}
    response, titles = listing(
        client, epci=v["e1"].pk, age=v["3-6"].pk, theme=v["lecture"].pk, sector="culture"
    )
    assert titles == {s["c"].title}
    assert response.context["facets"]["age"] == {v["0-1"].pk: 1, v["3-6"].pk: 1}
    _, titles = listing(client, epci=v["e2"].pk, sector="culture")
    assert titles == set()


def test_text_search_combines_with_facets(client, catalogue):
    _, s = catalogue
    response, titles = listing(client, q="relais")
    assert titles == {s["b"].title}
    assert response.context["facets"]["sector"] == {"petite_enfance": 1}
    _, titles = listing(client, q="relais", sector="culture")
    assert titles == set()


def test_an_unknown_option_is_an_error_not_a_crash(client, catalogue):
    response, titles = listing(client, discipline="999999", sector="culture")
    assert "errorlist" in response.content.decode()
    assert len(titles) == 2  # the valid filter still applies


def test_twelve_cards_a_page_with_their_first_image(client):
    sheets = PracticeFactory.create_batch(13)
    PracticeImage.objects.create(
        practice=sheets[-1], image=png_upload(), alt_text="Des bébés et des tambours", position=0
    )
    response, titles = listing(client)
    assert len(titles) == 12
    assert response.context["page_obj"].paginator.num_pages == 2
    assert 'alt="Des bébés et des tambours"' in response.content.decode()


def bulk_practices(count: int, v) -> None:
    """`count` published sheets with their M2M rows, in a handful of INSERTs."""
    now = timezone.now()
    practices = Practice.objects.bulk_create(
        Practice(
            title=f"Fiche {n}",
            slug=f"fiche-en-masse-{n}",
            summary="Résumé",
            what_was_done="<p>Fait</p>",
            sector=["culture", "petite_enfance"][n % 2],
            status=PracticeStatus.PUBLISHED,
            published_at=now,
        )
        for n in range(count)
    )
    relations = {
        "disciplines": ("discipline", [v["musique"], v["danse"]]),
        "age_groups": ("agegroup", [v["0-1"], v["3-6"]]),
        "epcis": ("epci", [v["e1"], v["e2"]]),
        "themes": ("theme", [v["lecture"]]),
    }
    for field, (column, values) in relations.items():
        through = getattr(Practice, field).through
        through.objects.bulk_create(
            through(practice=practice, **{column: value})
            for practice in practices
            for value in values
        )


def queries_for(client, params) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(URL, params).status_code == 200
    return len(captured)


@pytest.mark.parametrize(
    "params",
    [{}, {"discipline": "musique", "sector": "culture"}, {"q": "fiche", "age": "3-6"}],
)
def test_query_count_is_the_same_for_10_and_500_sheets(client, params):
    v = vocabulary()
    params = {
        key: v[value].pk if key in ("discipline", "age") else value for key, value in params.items()
    }
    bulk_practices(10, v)
    small = queries_for(client, params)
    Practice.objects.all().delete()
    bulk_practices(500, v)
    large = queries_for(client, params)
    assert small == large
    assert large <= 20
