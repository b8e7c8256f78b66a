"""The funding-watch pages: the members' list and its facets, the detail page (members and
public), attachments, following, the public page and the coordinator's form."""

from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from factories import CoordinatorFactory, UserFactory
from member_factories import member_of
from project_factories import OpportunityFactory

from consortium.core.models import AuditLogEntry
from members.models import Discipline, Epci
from projects.enums import ProjectsAuditAction, PublicationStatus
from projects.models import Opportunity, OpportunityAttachment, OpportunityFollow
from projects_app.opportunities_helpers import (
    ANDILLY,
    CERGY,
    organization_with,
    restricted_opportunity,
)

pytestmark = pytest.mark.django_db

LIST = reverse("projects:opportunities")
PUBLIC = reverse("projects:opportunities_public")
CREATE = reverse("projects:opportunity_create")


def today_plus(days):
    return timezone.localdate() + timedelta(days=days)


def titles(response) -> list[str]:
    return [opportunity.title for opportunity in response.context["page_obj"]]


def detail(opportunity):
    return reverse("projects:opportunity", kwargs={"slug": opportunity.slug})


@pytest.fixture
def culture_member(client):
    """A member of a culture organisation in Cergy, logged in."""
    organization = organization_with(
        sector="culture", type_slug="theatre", insee=CERGY, disciplines=["musique", "theatre"]
    )
    person = member_of(organization)
    client.force_login(person.user)
    return person


# --- The list --------------------------------------------------------------------------


def test_list_shows_open_published_ones_by_deadline(client, culture_member):
    OpportunityFactory(title="Plus tard", deadline=today_plus(60))
    OpportunityFactory(title="Bientôt", deadline=today_plus(3))
    OpportunityFactory(title="Permanent", deadline=None)
    OpportunityFactory(title="Passée", deadline=today_plus(-1))
    OpportunityFactory(title="Brouillon", status=PublicationStatus.DRAFT, published_at=None)
    response = client.get(LIST)
    assert response.status_code == 200
    assert titles(response) == ["Bientôt", "Plus tard", "Permanent"]
    assert "Clôture dans 3 jours" in response.content.decode()
    # Page 2 of the default list is still the open ones (no filter in the query string).
    assert response.context["filter"].form["periode"].value() == "ouvertes"
    assert titles(client.get(LIST, {"periode": "toutes"})) == [
        "Passée",
        "Bientôt",
        "Plus tard",
        "Permanent",
    ]
    assert titles(client.get(LIST, {"periode": "cloturees"})) == ["Passée"]


def test_coordinator_sees_drafts(coordinator_client):
    OpportunityFactory(title="Brouillon", status=PublicationStatus.DRAFT, published_at=None)
    response = coordinator_client.get(LIST)
    assert titles(response) == ["Brouillon"]
    assert "Nouveau financement" in response.content.decode()


def test_facets_read_open_to(client, culture_member):
    restricted_opportunity(title="Musique", disciplines=["musique"])
    restricted_opportunity(title="Danse", disciplines=["danse"])
    restricted_opportunity(title="Andilly", epci_of=[ANDILLY])
    OpportunityFactory(title="Pour tous", kind="prix")
    music = Discipline.objects.get(slug="musique")
    assert set(titles(client.get(LIST, {"discipline": music.pk}))) == {
        "Musique",
        "Andilly",
        "Pour tous",
    }
    cergy = Epci.objects.get(communes__insee_code=CERGY)
    assert "Andilly" not in titles(client.get(LIST, {"epci": cergy.pk}))
    assert titles(client.get(LIST, {"kind": "prix"})) == ["Pour tous"]
    assert titles(client.get(LIST, {"q": "dans"})) == ["Danse"]
    before = client.get(LIST, {"avant": "pas-une-date"})
    assert before.status_code == 200
    assert "Saisissez une date valide" in before.content.decode()


def test_matches_my_organisation_switch(client, culture_member):
    restricted_opportunity(title="Pour la culture à Cergy", sectors=["culture"], epci_of=[CERGY])
    restricted_opportunity(title="Pour les crèches", sectors=["petite_enfance"])
    restricted_opportunity(title="Ailleurs", epci_of=[ANDILLY])
    everyone = client.get(LIST)
    assert len(titles(everyone)) == 3
    assert 'name="pour_moi"' in everyone.content.decode()
    mine = client.get(LIST, {"pour_moi": "1"})
    assert titles(mine) == ["Pour la culture à Cergy"]
    assert "Correspond à ma structure" in mine.content.decode()


def test_no_switch_without_an_organisation(observer_client):
    OpportunityFactory(title="Une")
    response = observer_client.get(LIST, {"pour_moi": "1"})
    assert titles(response) == ["Une"]
    assert 'name="pour_moi"' not in response.content.decode()


def _queries(client, params) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert client.get(LIST, params).status_code == 200
    return len(queries)


@pytest.mark.parametrize("params", [{}, {"pour_moi": "1"}, {"periode": "toutes", "q": "appel"}])
def test_list_queries_do_not_grow_with_rows(client, culture_member, params):
    def add(count):
        for _ in range(count):
            opportunity = restricted_opportunity(sectors=["culture"], disciplines=["musique"])
            OpportunityFollow.objects.create(opportunity=opportunity, person=culture_member)

    add(10)
    few = _queries(client, params)
    add(50)
    many = _queries(client, params)
    assert few == many


# --- One opportunity ---------------------------------------------------------------------


def test_detail_for_a_member(client, culture_member):
    opportunity = restricted_opportunity(
        title="Résidence en crèche",
        sectors=["culture"],
        epci_of=[CERGY],
        disciplines=["musique"],
        amount_min=2000,
        amount_max=8000,
        description='<p>Un <strong>appel</strong></p><script>alert("x")</script>'
        '<a href="javascript:alert(1)">lien</a><img src=x onerror="alert(2)">',
    )
    response = client.get(detail(opportunity))
    html = response.content.decode()
    assert response.status_code == 200
    assert response.context["matches"] is True
    assert "<strong>appel</strong>" in html
    assert "<script>alert" not in html
    assert "javascript:" not in html
    assert "onerror" not in html
    assert "Culture" in html and "CA de Cergy-Pontoise" in html
    assert "Tous les âges" in html
    assert "structures remplit ces critères." in html
    assert f'href="/dossiers/nouveau/?opportunite={opportunity.slug}"' in html
    assert "Suivre ce financement" in html


def test_public_detail_for_anonymous_visitors(client):
    public = OpportunityFactory(is_public=True, title="Appel public")
    members_only = OpportunityFactory(is_public=False)
    response = client.get(detail(public))
    assert response.status_code == 200
    assert "Suivre ce financement" not in response.content.decode()
    # Not public: log in first, as for an address that does not exist (nothing is told).
    hidden = client.get(detail(members_only))
    unknown = client.get(reverse("projects:opportunity", kwargs={"slug": "inexistante"}))
    assert hidden.status_code == unknown.status_code == 302
    assert hidden["Location"].startswith("/accounts/login/?next=")


def test_out_of_scope_is_404(client, culture_member):
    draft = OpportunityFactory(status=PublicationStatus.DRAFT, published_at=None)
    assert client.get(detail(draft)).status_code == 404
    client.force_login(UserFactory())  # signed up, not in the network
    assert client.get(detail(OpportunityFactory(is_public=False))).status_code == 404


def test_attachment_is_a_download_for_those_who_see_it(client, culture_member):
    opportunity = OpportunityFactory()
    attachment = OpportunityAttachment.objects.create(
        opportunity=opportunity,
        title="Règlement",
        file=SimpleUploadedFile("reglement.pdf", b"%PDF-1.4 le reglement"),
    )
    url = reverse(
        "projects:opportunity_attachment", kwargs={"slug": opportunity.slug, "pk": attachment.pk}
    )
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Disposition"].startswith("attachment;")
    assert b"".join(response.streaming_content) == b"%PDF-1.4 le reglement"
    other = OpportunityFactory()
    wrong = reverse(
        "projects:opportunity_attachment", kwargs={"slug": other.slug, "pk": attachment.pk}
    )
    assert client.get(wrong).status_code == 404
    client.logout()
    assert client.get(url).status_code == 302  # members only: log in first


def test_follow_and_unfollow(client, culture_member):
    opportunity = OpportunityFactory()
    follow = reverse("projects:opportunity_follow", kwargs={"slug": opportunity.slug})
    unfollow = reverse("projects:opportunity_unfollow", kwargs={"slug": opportunity.slug})
    assert client.post(follow).status_code == 302
    assert client.post(follow).status_code == 302  # twice: still one follow
    assert OpportunityFollow.objects.filter(person=culture_member).count() == 1
    page = client.get(detail(opportunity)).content.decode()
    assert "Ne plus suivre" in page
    client.post(unfollow)
    assert not OpportunityFollow.objects.exists()


def test_nobody_follows_what_they_cannot_see(client, culture_member, observer_client):
    draft = OpportunityFactory(status=PublicationStatus.DRAFT, published_at=None)
    url = reverse("projects:opportunity_follow", kwargs={"slug": draft.slug})
    assert client.post(url).status_code == 404
    published = OpportunityFactory()
    url = reverse("projects:opportunity_follow", kwargs={"slug": published.slug})
    assert observer_client.post(url).status_code == 404  # no profile: nothing to follow
    assert not OpportunityFollow.objects.exists()


# --- The public page ---------------------------------------------------------------------


def test_public_page(client):
    OpportunityFactory(title="Publique ouverte", is_public=True)
    OpportunityFactory(title="Publique passée", is_public=True, deadline=today_plus(-2))
    OpportunityFactory(title="Réservée", is_public=False)
    OpportunityFactory(
        title="Brouillon public", is_public=True, status=PublicationStatus.DRAFT, published_at=None
    )
    response = client.get(PUBLIC)
    assert response.status_code == 200
    assert titles(response) == ["Publique ouverte"]


def test_public_page_queries_do_not_grow(client):
    def count():
        with CaptureQueriesContext(connection) as queries:
            client.get(PUBLIC)
        return len(queries)

    OpportunityFactory.create_batch(5, is_public=True)
    few = count()
    OpportunityFactory.create_batch(30, is_public=True)
    assert count() == few


# --- The coordinator's form --------------------------------------------------------------


def _form(**changes):
    data = {
        "title": "Publiques",
        "kind": "subvention",
        "funder": "DRAC Île-de-France",
        "summary": "Aide aux projets d'éveil.",
        "description": "Premier paragraphe.\n\nSecond paragraphe.",
        "link": "https://www.exemple.fr/appel",
        "amount_min": "1000",
        "amount_max": "5000",
        "opens_on": "",
        "deadline": today_plus(40).isoformat(),
        "eligible_sectors": ["culture", "petite_enfance"],
        "eligible_epcis": [Epci.objects.get(communes__insee_code=CERGY).pk],
        "is_public": "on",
    }
    data.update(changes)
    return data


def test_coordinator_creates_a_draft(coordinator_client):
    upload = SimpleUploadedFile("reglement.pdf", b"%PDF-1.4 test")
    response = coordinator_client.post(
        CREATE, _form(attachment_title="Règlement", attachment_file=upload)
    )
    opportunity = Opportunity.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail(opportunity)
    assert opportunity.slug == "publiques-2"  # "publiques" is the public page's address
    assert opportunity.status == PublicationStatus.DRAFT
    assert opportunity.published_at is None
    assert opportunity.description == "<p>Premier paragraphe.</p>\n\n<p>Second paragraphe.</p>"
    assert set(opportunity.eligible_sectors.values_list("sector", flat=True)) == {
        "culture",
        "petite_enfance",
    }
    assert opportunity.eligible_epcis.count() == 1
    assert opportunity.attachments.get().title == "Règlement"


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"amount_min": "9000"}, "amount_max", "Le montant maximum doit être supérieur"),
        ({"opens_on": today_plus(50).isoformat()}, "deadline", "La date limite doit venir"),
        ({"title": ""}, "title", "Donnez un intitulé"),
        ({"summary": "<b>gras</b>"}, "summary", "Écrivez sans balise HTML"),
        (
            {"attachment_file": SimpleUploadedFile("virus.exe", b"MZ")},
            "attachment_file",
            "Ce type de fichier n'est pas accepté",
        ),
    ],
)
def test_bad_input_changes_nothing(coordinator_client, changes, field, message):
    response = coordinator_client.post(CREATE, _form(**changes))
    assert response.status_code == 400
    assert message in " ".join(response.context["form"].errors[field])
    assert not Opportunity.objects.exists()


def test_coordinator_edits_keeping_the_address(coordinator_client):
    opportunity = OpportunityFactory(title="Ancien titre")
    attachment = OpportunityAttachment.objects.create(
        opportunity=opportunity,
        title="Ancien règlement",
        file=SimpleUploadedFile("ancien.pdf", b"%PDF-1.4 ancien"),
    )
    url = reverse("projects:opportunity_edit", kwargs={"slug": opportunity.slug})
    assert coordinator_client.get(url).status_code == 200
    response = coordinator_client.post(
        url,
        _form(
            title="Nouveau titre", eligible_sectors=["social"], remove_attachments=[attachment.pk]
        ),
    )
    assert response.status_code == 302
    opportunity.refresh_from_db()
    assert opportunity.title == "Nouveau titre"
    assert opportunity.slug.startswith("appel-a-projets-eveil-")
    assert list(opportunity.eligible_sectors.values_list("sector", flat=True)) == ["social"]
    assert not opportunity.attachments.exists()


def test_publish_once_then_unpublish(coordinator_client, coordinator):
    opportunity = OpportunityFactory(status=PublicationStatus.DRAFT, published_at=None)
    publish = reverse("projects:opportunity_publish", kwargs={"slug": opportunity.slug})
    unpublish = reverse("projects:opportunity_unpublish", kwargs={"slug": opportunity.slug})
    coordinator_client.post(publish)
    opportunity.refresh_from_db()
    first = opportunity.published_at
    assert opportunity.status == PublicationStatus.PUBLISHED and first is not None
    assert (
        AuditLogEntry.objects.filter(
            action=ProjectsAuditAction.OPPORTUNITY_PUBLISHED, actor=coordinator
        ).count()
        == 1
    )
    coordinator_client.post(unpublish)
    opportunity.refresh_from_db()
    assert opportunity.status == PublicationStatus.DRAFT
    coordinator_client.post(publish)
    opportunity.refresh_from_db()
    # The first date stays: the digest must not send it again as new.
    assert opportunity.published_at == first


def test_forms_are_the_coordinations(client, culture_member):
    opportunity = OpportunityFactory(status=PublicationStatus.DRAFT, published_at=None)
    assert client.get(CREATE).status_code == 404
    assert client.post(CREATE, _form()).status_code == 404
    publish = reverse("projects:opportunity_publish", kwargs={"slug": opportunity.slug})
    assert client.post(publish).status_code == 404
    opportunity.refresh_from_db()
    assert opportunity.status == PublicationStatus.DRAFT
    assert Opportunity.objects.count() == 1
    assert CoordinatorFactory()  # the coordination exists, it is just not this member


def test_a_member_lists_what_they_follow(client, culture_member, observer):
    followed = OpportunityFactory(title="Suivie")
    OpportunityFactory(title="Pas suivie")
    OpportunityFollow.objects.create(opportunity=followed, person=culture_member)
    assert titles(client.get(LIST, {"suivies": "1"})) == ["Suivie"]
    assert sorted(titles(client.get(LIST))) == ["Pas suivie", "Suivie"]
    # Observers follow nothing: no such switch for them.
    client.force_login(observer)
    assert "suivies" not in client.get(LIST).context["filter"].form.fields
