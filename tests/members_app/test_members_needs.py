"""The needs of the network (/besoins/): access, expressing, "moi aussi", anonymity,
the coordination's triage, merge and close, the synthesis, the CSV export, query counts."""

import csv
import io
import re

import pytest
from django.contrib.messages import get_messages
from django.db import IntegrityError, connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from member_factories import (
    NeedFactory,
    NeedSupportFactory,
    NeedTagFactory,
    OrganizationFactory,
    WorkingGroupFactory,
    commune,
    member_of,
)

from members.enums import NeedStatus, Sector
from members.models import AgeGroup, Epci, Need, NeedSupport, Theme

pytestmark = pytest.mark.django_db

LIST = reverse("members:needs")
CREATE = reverse("members:need_create")
EXPORT = reverse("members:needs_export")
SPACE = reverse("members:space")
ANONYMOUS_LABEL = "Membre du réseau (anonyme)"


def detail_url(need):
    return reverse("members:need", kwargs={"pk": need.pk})


def action_url(name, need):
    return reverse(f"members:{name}", kwargs={"pk": need.pk})


def message_texts(response):
    return [str(message) for message in get_messages(response.wsgi_request)]


def named(first_name, last_name, organization=None):
    """An active member with a recognisable name (and organisation)."""
    person = member_of(organization or OrganizationFactory())
    person.user.first_name, person.user.last_name = first_name, last_name
    person.user.save(update_fields=["first_name", "last_name"])
    return person


def read_csv(response):
    content = response.content.decode("utf-8")
    assert content.startswith("\ufeff")
    return list(csv.reader(io.StringIO(content[1:]), delimiter=";"))


def count_queries(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


@pytest.fixture
def need(member):
    return NeedFactory(author=member, title="Trouver des spectacles pour les bébés")


# --- Access, per role ------------------------------------------------------------------------

READ_ROUTES = ["list", "detail"]
POST_ACTIONS = ["need_support", "need_triage", "need_merge", "need_close"]


def read_url(route, need):
    return LIST if route == "list" else detail_url(need)


@pytest.mark.parametrize("route", [*READ_ROUTES, "create", "export"])
def test_anonymous_visitors_are_sent_to_the_login(client, need, route):
    url = {"create": CREATE, "export": EXPORT}.get(route) or read_url(route, need)
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("action", POST_ACTIONS)
def test_anonymous_visitors_cannot_post_actions(client, need, action):
    response = client.post(action_url(action, need))
    assert response.status_code == 302
    assert response["Location"].startswith(reverse("account_login"))


@pytest.mark.parametrize("url_name", ["needs", "need_create", "needs_export"])
def test_pending_partners_and_bare_accounts_go_to_their_space(
    client, pending_person, partner, url_name
):
    for user in (pending_person.user, partner):
        client.force_login(user)
        response = client.get(reverse(f"members:{url_name}"))
        assert response.status_code == 302
        assert response["Location"] == SPACE


def test_pending_partners_see_no_need(client, pending_person, need):
    client.force_login(pending_person.user)
    assert client.get(detail_url(need))["Location"] == SPACE
    assert client.post(action_url("need_support", need))["Location"] == SPACE
    assert not NeedSupport.objects.exists()


@pytest.mark.parametrize("who", ["member", "referent", "other_member"])
def test_every_member_reads_every_need_of_the_network(client, need, who, request):
    client.force_login(request.getfixturevalue(who).user)
    assert client.get(LIST).status_code == 200
    assert client.get(detail_url(need)).status_code == 200
    assert client.get(CREATE).status_code == 200


@pytest.mark.parametrize("who", ["member", "other_member"])
def test_members_cannot_export_nor_use_the_coordination_actions(client, need, who, request):
    client.force_login(request.getfixturevalue(who).user)
    assert client.get(EXPORT).status_code == 404
    for action in ("need_triage", "need_merge", "need_close"):
        assert client.post(action_url(action, need), {"answer": "Réglé"}).status_code == 404
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN


def test_observers_read_and_export_but_never_act(observer_client, need):
    assert observer_client.get(LIST).status_code == 200
    assert observer_client.get(detail_url(need)).status_code == 200
    assert observer_client.get(EXPORT).status_code == 200
    assert observer_client.get(CREATE).status_code == 404
    assert observer_client.post(CREATE, {"title": "Rien"}).status_code == 404
    for action in POST_ACTIONS:
        response = observer_client.post(action_url(action, need), {"answer": "Réglé"})
        assert response.status_code == 404, action
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    assert not NeedSupport.objects.exists()


def test_the_coordinator_reaches_every_page(coordinator_client, need):
    for url in (LIST, detail_url(need), CREATE, EXPORT):
        assert coordinator_client.get(url).status_code == 200, url


@pytest.mark.parametrize("action", POST_ACTIONS)
def test_actions_are_post_only(client, coordinator, member, other_member, action):
    need = NeedFactory(author=other_member)
    client.force_login(coordinator if action != "need_support" else member.user)
    assert client.get(action_url(action, need)).status_code == 405


def test_an_unknown_need_answers_404(client, member, coordinator):
    for user in (member.user, coordinator):
        client.force_login(user)
        assert client.get(reverse("members:need", kwargs={"pk": 999999})).status_code == 404
        assert client.post(reverse("members:need_close", kwargs={"pk": 999999})).status_code == 404


# --- Expressing a need -----------------------------------------------------------------------


def valid_data(**overrides):
    ages = AgeGroup.objects.filter(code__in=["1-3", "3-6"])
    data = {
        "title": "Former l'équipe à l'éveil musical",
        "description": "Nous accueillons 40 enfants et aimerions chanter davantage avec eux.",
        "theme": Theme.objects.get(slug="formation").pk,
        "sector": Sector.EARLY_CHILDHOOD,
        "age_groups": [age.pk for age in ages],
        "commune": "95127",
    }
    return data | overrides


def test_a_member_expresses_a_need(client, member):
    client.force_login(member.user)
    response = client.post(CREATE, valid_data())
    need = Need.objects.get()
    assert response.status_code == 302
    assert response["Location"] == detail_url(need)
    assert need.author == member
    assert need.status == NeedStatus.OPEN
    assert need.commune.insee_code == "95127"
    assert not need.is_anonymous
    assert {age.code for age in need.age_groups.all()} == {"1-3", "3-6"}
    assert any("votre besoin est publié" in text for text in message_texts(response))


def test_the_form_starts_from_the_members_organisation(client, member, organization):
    client.force_login(member.user)
    form = client.get(CREATE).context["form"]
    assert form.initial == {"sector": organization.sector, "commune": "95127"}
    assert "Anonyme pour les autres membres" in str(form["is_anonymous"].help_text)


def test_a_need_can_be_anonymous(client, member):
    client.force_login(member.user)
    client.post(CREATE, valid_data(is_anonymous="on"))
    assert Need.objects.get().is_anonymous


def test_the_coordination_records_a_need_without_author(coordinator_client):
    response = coordinator_client.get(CREATE)
    assert "is_anonymous" not in response.context["form"].fields
    coordinator_client.post(CREATE, valid_data())
    need = Need.objects.get()
    assert need.author is None
    assert "La coordination du réseau" in coordinator_client.get(detail_url(need)).text


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"title": ""}, "title", "Ce champ est obligatoire."),
        ({"description": "   "}, "description", "Ce champ est obligatoire."),
        ({"theme": ""}, "theme", "Ce champ est obligatoire."),
        ({"sector": "cirque"}, "sector", "Sélectionnez un choix valide"),
        ({"commune": "99999"}, "commune", "pas dans la liste du Val-d'Oise"),
        ({"commune": ""}, "commune", "Ce champ est obligatoire."),
        ({"title": "x" * 201}, "title", "au plus 200 caractères"),
        ({"description": "x" * 4001}, "description", "au plus 4000 caractères"),
        ({"title": "Atelier <b>musique</b>"}, "title", "sans balise HTML"),
        ({"description": "<script>alert(1)</script>"}, "description", "sans balise HTML"),
        ({"description": 'Voir <a href="https://x.fr">ici</a>'}, "description", "sans balise"),
        ({"age_groups": ["999"]}, "age_groups", "Sélectionnez un choix valide"),
    ],
)
def test_bad_input_gets_a_french_error_and_saves_nothing(client, member, overrides, field, message):
    client.force_login(member.user)
    response = client.post(CREATE, valid_data(**overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert message.split("<")[0] in response.text.replace("&#x27;", "'")
    assert 'role="alert"' in response.text
    assert not Need.objects.exists()


def test_text_with_angle_brackets_is_kept_as_typed_and_shown_escaped(client, member, other_member):
    client.force_login(member.user)
    client.post(CREATE, valid_data(title="Ateliers pour les <3 ans & leurs parents"))
    need = Need.objects.get()
    assert need.title == "Ateliers pour les <3 ans & leurs parents"
    client.force_login(other_member.user)
    for url in (LIST, detail_url(need)):
        text = client.get(url).text
        assert "Ateliers pour les &lt;3 ans &amp; leurs parents" in text
        assert "les <3 ans" not in text


def test_markup_stored_elsewhere_is_always_escaped(client, other_member):
    need = NeedFactory(title="<script>alert('x')</script>", description="<img src=x onerror=y>")
    client.force_login(other_member.user)
    for url in (LIST, detail_url(need)):
        text = client.get(url).text
        assert "<script>alert" not in text
        assert "<img src=x" not in text
        assert "&lt;script&gt;" in text


# --- Anonymity -------------------------------------------------------------------------------


@pytest.fixture
def anonymous_need():
    author = named("Zoé", "Secrète", OrganizationFactory(name="Crèche Les Hirondelles"))
    return NeedFactory(author=author, is_anonymous=True, title="Un besoin discret")


@pytest.mark.parametrize("who", ["other_member", "member", "observer"])
def test_other_members_never_see_who_expressed_an_anonymous_need(
    client, anonymous_need, who, request
):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    for url in (LIST, detail_url(anonymous_need)):
        text = client.get(url).text
        assert "Un besoin discret" in text
        assert ANONYMOUS_LABEL in text
        assert "Secrète" not in text
        assert "Hirondelles" not in text


def test_the_coordinator_always_sees_the_author(coordinator_client, anonymous_need):
    for url in (LIST, detail_url(anonymous_need)):
        text = coordinator_client.get(url).text
        assert "Zoé Secrète" in text
        assert "Crèche Les Hirondelles" in text
        assert "anonyme pour les membres" in text


def test_signed_needs_show_their_author_and_organisation(client, other_member):
    author = named("Paul", "Signé", OrganizationFactory(name="Médiathèque du Pont"))
    need = NeedFactory(author=author)
    client.force_login(other_member.user)
    for url in (LIST, detail_url(need)):
        assert "Paul Signé (Médiathèque du Pont)" in client.get(url).text


# --- "Moi aussi" -----------------------------------------------------------------------------


def test_moi_aussi_then_a_second_post_withdraws_it(client, other_member, need):
    client.force_login(other_member.user)
    url = action_url("need_support", need)
    response = client.post(url)
    assert response.status_code == 302
    assert need.supports.filter(person=other_member).count() == 1
    assert "1 personne a aussi ce besoin" in client.get(detail_url(need)).text
    client.post(url)
    assert not need.supports.exists()


def test_a_repeated_moi_aussi_counts_once(client, other_member, need):
    client.force_login(other_member.user)
    for _ in range(3):
        client.post(action_url("need_support", need), {"support": "1"})
    assert need.supports.count() == 1
    client.post(action_url("need_support", need), {"support": "0"})
    client.post(action_url("need_support", need), {"support": "0"})
    assert need.supports.count() == 0


def test_the_database_refuses_a_second_support_of_the_same_person(need, other_member):
    NeedSupport.objects.create(need=need, person=other_member)
    with pytest.raises(IntegrityError), transaction.atomic():
        NeedSupport.objects.create(need=need, person=other_member)


@pytest.mark.parametrize("status", [NeedStatus.CLOSED, NeedStatus.MERGED])
def test_a_closed_need_cannot_be_supported(client, other_member, status):
    target = NeedFactory()
    need = NeedFactory(status=status, merged_into=target if status == NeedStatus.MERGED else None)
    client.force_login(other_member.user)
    response = client.post(action_url("need_support", need), {"support": "1"})
    assert response.status_code == 302
    assert "Ce besoin est clos : il ne peut plus recevoir de « moi aussi »." in message_texts(
        response
    )
    assert not NeedSupport.objects.exists()


def test_the_author_does_not_support_their_own_need(client, member, need):
    client.force_login(member.user)
    text = client.get(detail_url(need)).text
    assert "Vous avez exprimé ce besoin." in text
    assert action_url("need_support", need) not in text
    response = client.post(action_url("need_support", need), {"support": "1"})
    assert "Vous avez exprimé ce besoin : il compte déjà pour vous." in message_texts(response)
    assert not NeedSupport.objects.exists()


def test_the_button_says_what_it_will_do(client, other_member, need):
    client.force_login(other_member.user)
    assert "Moi aussi<span" in client.get(LIST).text
    NeedSupportFactory(need=need, person=other_member)
    text = client.get(LIST).text
    assert "Vous avez dit « moi aussi »" in text
    assert "Retirer mon « moi aussi »" in text


def test_the_list_cards_count_supports_in_each_language_and_post_with_a_valid_token(
    other_member, member, need
):
    """The cards are a Jinja2 fragment: plurals, English and the CSRF token still hold."""
    NeedSupportFactory(need=need, person=member)
    client = Client(enforce_csrf_checks=True)
    client.force_login(other_member.user)
    text = client.get(LIST).text
    assert "1 personne a aussi ce besoin" in text
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', text).group(1)
    client.post(action_url("need_support", need), {"support": "1", "csrfmiddlewaretoken": token})
    assert need.supports.count() == 2
    client.cookies["django_language"] = "en"
    text = client.get(LIST).text
    assert "2 people also have this need" in text
    assert "Withdraw my “me too”" in text


def test_closed_needs_show_no_button(client, other_member):
    need = NeedFactory(status=NeedStatus.CLOSED, answer="Une formation a lieu en mars.")
    client.force_login(other_member.user)
    text = client.get(detail_url(need)).text
    assert action_url("need_support", need) not in text
    assert "Une formation a lieu en mars." in text


def test_moi_aussi_brings_back_to_the_filtered_list(client, other_member, need):
    client.force_login(other_member.user)
    back = f"{LIST}?sector=petite_enfance&page=1"
    response = client.post(action_url("need_support", need), {"support": "1", "next": back})
    assert response["Location"] == f"{back}#besoin-{need.pk}"
    outside = client.post(
        action_url("need_support", need), {"support": "0", "next": "https://ailleurs.example/"}
    )
    assert outside["Location"] == detail_url(need)


def test_support_counts_show_on_the_list(client, other_member, need):
    NeedSupportFactory.create_batch(2, need=need)
    client.force_login(other_member.user)
    assert "2 personnes ont aussi ce besoin" in client.get(LIST).text


def test_supporters_names_are_for_the_coordinator_only(client, coordinator, other_member, need):
    supporter = named("Inès", "Soutien")
    NeedSupportFactory(need=need, person=supporter)
    client.force_login(other_member.user)
    assert "Inès Soutien" not in client.get(detail_url(need)).text
    client.force_login(coordinator)
    assert "Inès Soutien" in client.get(detail_url(need)).text


# --- Triage ----------------------------------------------------------------------------------


def test_the_coordinator_tags_a_need_and_gives_it_to_a_group(coordinator_client, need):
    tags = NeedTagFactory.create_batch(2)
    group = WorkingGroupFactory()
    response = coordinator_client.post(
        action_url("need_triage", need), {"tags": [tag.pk for tag in tags], "group": group.pk}
    )
    assert response.status_code == 302
    need.refresh_from_db()
    assert set(need.tags.all()) == set(tags)
    assert need.group == group
    assert need.status == NeedStatus.IN_PROGRESS
    assert "Le besoin est classé." in message_texts(response)


def test_a_bad_triage_changes_nothing(coordinator_client, need):
    response = coordinator_client.post(action_url("need_triage", need), {"group": 999999})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in response.text
    need.refresh_from_db()
    assert need.group is None
    assert need.status == NeedStatus.OPEN


def test_the_panel_is_for_the_coordinator_only(client, coordinator, other_member, need):
    client.force_login(other_member.user)
    assert "Espace coordination" not in client.get(detail_url(need)).text
    client.force_login(coordinator)
    text = client.get(detail_url(need)).text
    assert "Espace coordination" in text
    assert action_url("need_close", need) in text


# --- Merge -----------------------------------------------------------------------------------


@pytest.fixture
def duplicates(member, other_member):
    """`duplicate` (by member, supported by a third person and other_member) and `target`."""
    third = named("Léa", "Tierce")
    target = NeedFactory(author=other_member, title="Besoin gardé")
    duplicate = NeedFactory(author=member, title="Doublon à fusionner")
    NeedSupportFactory(need=duplicate, person=third)
    NeedSupportFactory(need=duplicate, person=other_member)
    NeedSupportFactory(need=target, person=third)
    return duplicate, target, third


def test_merging_moves_author_and_supporters_to_the_target(
    coordinator_client, duplicates, member, other_member
):
    duplicate, target, third = duplicates
    response = coordinator_client.post(action_url("need_merge", duplicate), {"into": target.pk})
    assert response.status_code == 302
    assert response["Location"] == detail_url(target)
    duplicate.refresh_from_db()
    assert duplicate.status == NeedStatus.MERGED
    assert duplicate.merged_into == target
    # The target's author (other_member) is not their own supporter; nobody counts twice.
    assert {s.person for s in target.supports.all()} == {member, third}


def test_a_merged_need_leaves_the_lists_and_its_address_redirects(
    client, coordinator, duplicates, other_member
):
    duplicate, target, _ = duplicates
    client.force_login(coordinator)
    client.post(action_url("need_merge", duplicate), {"into": target.pk})
    for user in (other_member.user, coordinator):
        client.force_login(user)
        text = client.get(LIST).text
        assert "Besoin gardé" in text
        assert f'href="{detail_url(duplicate)}"' not in text
        response = client.get(detail_url(duplicate))
        assert response.status_code == 302
        assert response["Location"] == detail_url(target)
        assert "regroupé" in message_texts(response)[0]
    assert "Doublon à fusionner" in client.get(detail_url(target)).text
    merged = client.get(LIST, {"status": NeedStatus.MERGED}).text
    assert f'href="{detail_url(duplicate)}"' in merged


@pytest.mark.parametrize("case", ["itself", "closed", "missing", "unknown"])
def test_a_bad_merge_changes_nothing(coordinator_client, duplicates, case):
    duplicate, target, _ = duplicates
    closed = NeedFactory(status=NeedStatus.CLOSED)
    into = {"itself": duplicate.pk, "closed": closed.pk, "missing": "", "unknown": 999999}[case]
    response = coordinator_client.post(action_url("need_merge", duplicate), {"into": into})
    assert response.status_code == 200
    assert 'role="alert"' in response.text
    errors = " ".join(response.context["panel"]["merge_form"].errors["into"])
    assert "choisissez" in errors.lower()
    duplicate.refresh_from_db()
    assert duplicate.status == NeedStatus.OPEN
    assert target.supports.count() == 1


def test_the_merge_list_offers_open_needs_only(coordinator_client, need):
    closed = NeedFactory(status=NeedStatus.CLOSED, title="Besoin déjà clos")
    other = NeedFactory(title="Autre besoin ouvert")
    choices = coordinator_client.get(detail_url(need)).context["panel"]["merge_form"]
    labels = str(choices["into"])
    assert f"n° {other.pk} · Autre besoin ouvert" in labels
    assert "Besoin déjà clos" not in labels
    assert f'value="{closed.pk}"' not in labels
    assert f'value="{need.pk}"' not in labels


# --- Close -----------------------------------------------------------------------------------


def test_closing_requires_an_answer(coordinator_client, need, mailoutbox):
    response = coordinator_client.post(action_url("need_close", need), {"answer": "  "})
    assert response.status_code == 200
    assert "Rédigez la réponse apportée" in response.text
    need.refresh_from_db()
    assert need.status == NeedStatus.OPEN
    assert mailoutbox == []


def test_closing_emails_the_author_and_supporters_in_their_language(
    coordinator_client, need, member, django_capture_on_commit_callbacks, mailoutbox
):
    english = named("Sam", "Smith")
    english.user.language = "en"
    english.user.save(update_fields=["language"])
    NeedSupportFactory(need=need, person=english)
    with django_capture_on_commit_callbacks(execute=True):
        response = coordinator_client.post(
            action_url("need_close", need), {"answer": "Une formation aura lieu le 12 mars."}
        )
    assert response.status_code == 302
    need.refresh_from_db()
    assert need.status == NeedStatus.CLOSED
    assert need.answer == "Une formation aura lieu le 12 mars."
    assert need.closed_at is not None
    by_address = {message.to[0]: message for message in mailoutbox}
    assert set(by_address) == {member.user.email, english.user.email}
    to_author, to_supporter = by_address[member.user.email], by_address[english.user.email]
    assert "Trouver des spectacles pour les bébés" in to_author.subject
    assert "Vous avez exprimé le besoin" in to_author.body
    assert "You said “me too”" in to_supporter.body  # the supporter reads English
    for message in (to_author, to_supporter):
        assert "Une formation aura lieu le 12 mars." in message.body
        assert detail_url(need) in message.body
    assert 'lang="fr"' in to_author.alternatives[0].content
    assert 'lang="en"' in to_supporter.alternatives[0].content


def test_a_closed_need_cannot_be_closed_twice(coordinator_client, mailoutbox):
    need = NeedFactory(status=NeedStatus.CLOSED, answer="Déjà fait.")
    response = coordinator_client.post(action_url("need_close", need), {"answer": "Encore"})
    assert response.status_code == 302
    assert "Ce besoin est déjà clos." in message_texts(response)
    need.refresh_from_db()
    assert need.answer == "Déjà fait."
    assert mailoutbox == []


# --- Synthesis -------------------------------------------------------------------------------


@pytest.fixture
def small_network():
    """5 listed needs (and a merged one that must not count) in two EPCIs."""
    lecture, formation = Theme.objects.get(slug="lecture"), Theme.objects.get(slug="formation")
    cergy, sarcelles = commune("95127"), commune("95585")
    NeedFactory.create_batch(2, theme=lecture, sector=Sector.EARLY_CHILDHOOD, commune=cergy)
    NeedFactory(theme=lecture, sector=Sector.CULTURE, commune=cergy)
    NeedFactory(theme=formation, sector=Sector.CULTURE, commune=sarcelles)
    kept = NeedFactory(theme=formation, sector=Sector.EARLY_CHILDHOOD, commune=sarcelles)
    NeedFactory(
        theme=formation,
        sector=Sector.EARLY_CHILDHOOD,
        commune=sarcelles,
        status=NeedStatus.MERGED,
        merged_into=kept,
    )
    return {"lecture": lecture, "formation": formation, "cergy": cergy, "sarcelles": sarcelles}


def cell(table, theme, sector):
    row = next(row for row in table["rows"] if row["object"] == theme)
    return row["cells"][list(Sector).index(sector)]


def epci_total(rows, epci):
    return next(row["total"] for row in rows if row["object"] == epci)


def test_the_synthesis_counts_by_theme_sector_and_epci(coordinator_client, small_network):
    context = coordinator_client.get(LIST).context
    table, lecture, formation = (
        context["theme_sector"],
        small_network["lecture"],
        small_network["formation"],
    )
    assert cell(table, lecture, Sector.EARLY_CHILDHOOD) == 2
    assert cell(table, lecture, Sector.CULTURE) == 1
    assert cell(table, formation, Sector.CULTURE) == 1
    assert cell(table, formation, Sector.EARLY_CHILDHOOD) == 1
    assert table["grand_total"] == 5
    assert table["totals"][list(Sector).index(Sector.CULTURE)] == 2
    assert next(r["total"] for r in table["rows"] if r["object"] == lecture) == 3
    by_epci = context["by_epci"]
    assert epci_total(by_epci, small_network["cergy"].epci) == 3
    assert epci_total(by_epci, small_network["sarcelles"].epci) == 2
    assert sum(row["total"] for row in by_epci) == 5
    assert len(by_epci) == Epci.objects.count()
    assert by_epci[0]["percent"] == 100


def test_the_synthesis_follows_the_filters(coordinator_client, small_network):
    context = coordinator_client.get(LIST, {"sector": Sector.CULTURE}).context
    assert context["theme_sector"]["grand_total"] == 2
    assert cell(context["theme_sector"], small_network["lecture"], Sector.EARLY_CHILDHOOD) == 0
    sarcelles_epci = small_network["sarcelles"].epci
    context = coordinator_client.get(LIST, {"epci": sarcelles_epci.pk}).context
    assert context["theme_sector"]["grand_total"] == 2
    assert epci_total(context["by_epci"], small_network["cergy"].epci) == 0
    assert context["page_obj"].paginator.count == 2


def test_the_synthesis_is_rendered_as_tables(client, member, small_network):
    client.force_login(member.user)
    text = client.get(LIST).text
    assert "Besoins par thème et par secteur" in text
    assert "Besoins par intercommunalité" in text
    assert 'role="region" aria-labelledby="tableau-themes"' in text
    assert '<figure class="bar-chart">' in text
    assert "style=" not in text
    assert "Exporter en CSV" not in text


def test_the_export_link_keeps_the_filters(coordinator_client, small_network):
    text = coordinator_client.get(LIST, {"sector": "culture", "page": "1"}).text
    assert f'href="{EXPORT}?sector=culture"' in text


def test_filters_narrow_the_list(client, member, small_network):
    NeedFactory(title="Transport des tout-petits vers la médiathèque")
    client.force_login(member.user)
    response = client.get(LIST, {"q": "transport médiathèque"})
    assert response.context["page_obj"].paginator.count == 1
    assert (
        client.get(LIST, {"theme": small_network["lecture"].pk}).context["page_obj"].paginator.count
        == 3 + 1
    )


# --- CSV export ------------------------------------------------------------------------------


@pytest.fixture
def exported_need(member):
    author = named("Nina", "Export", OrganizationFactory(name="RPE de Cergy"))
    need = NeedFactory(
        author=author,
        title='=HYPERLINK("https://x.example")',
        description="Ligne 1 ; avec point-virgule\nLigne 2",
        group=WorkingGroupFactory(title="Lire avec les tout-petits"),
    )
    need.age_groups.set(AgeGroup.objects.filter(code__in=["0-1", "parents"]))
    need.tags.set([NeedTagFactory(name="Formation")])
    NeedSupportFactory.create_batch(3, need=need)
    NeedFactory(author=named("Ano", "Nyme"), is_anonymous=True, title="Besoin anonyme")
    return need


def test_the_export_is_a_french_excel_csv(coordinator_client, exported_need):
    response = coordinator_client.get(EXPORT)
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"].startswith('attachment; filename="besoins-')
    rows = read_csv(response)
    header, lines = rows[0], {row[0]: row for row in rows[1:]}
    assert header[:3] == ["N°", "Date", "Intitulé"]
    line = dict(zip(header, lines[str(exported_need.pk)], strict=True))
    assert line["Intitulé"] == '\'=HYPERLINK("https://x.example")'
    assert line["Description"] == "Ligne 1 ; avec point-virgule\nLigne 2"
    assert line["Thème"] == "Lecture et tout-petits"
    assert line["Secteur"] == "Petite enfance"
    assert line["Commune"] == "Cergy"
    assert line["Intercommunalité"] == commune("95127").epci.name
    assert line["Âges"] == "0-1 an, Parents"
    assert line["État"] == "Ouvert"
    assert line["Soutiens"] == "3"
    assert line["Groupe de travail"] == "Lire avec les tout-petits"
    assert line["Étiquettes"] == "Formation"
    assert line["Auteur·rice"] == "Nina Export"
    assert line["Structure"] == "RPE de Cergy"
    anonymous = next(
        dict(zip(header, r, strict=True)) for r in rows[1:] if r[2] == "Besoin anonyme"
    )
    assert anonymous["Auteur·rice"] == anonymous["Structure"] == ""
    assert "Nyme" not in response.content.decode()


def test_observers_export_without_names(observer_client, exported_need):
    rows = read_csv(observer_client.get(EXPORT))
    line = dict(zip(rows[0], next(r for r in rows if r[0] == str(exported_need.pk)), strict=True))
    assert line["Auteur·rice"] == ""
    assert line["Structure"] == "RPE de Cergy"


def test_the_export_follows_the_filters_and_leaves_merged_needs_out(
    coordinator_client, small_network
):
    rows = read_csv(coordinator_client.get(EXPORT))
    assert len(rows) == 1 + 5
    rows = read_csv(coordinator_client.get(EXPORT, {"sector": Sector.CULTURE}))
    assert len(rows) == 1 + 2
    assert {row[5] for row in rows[1:]} == {"Culture"}


# --- Query counts ----------------------------------------------------------------------------


def make_needs(count, authors, tags, groups):
    """`count` needs spread over authors, with ages, tags, supports and groups."""
    ages = list(AgeGroup.objects.all())
    needs = []
    for index in range(count):
        author = authors[index % len(authors)]
        needs.append(
            NeedFactory(
                author=author,
                is_anonymous=index % 3 == 0,
                group=groups[index % len(groups)] if index % 2 else None,
                commune=author.affiliations.first().organization.commune,
            )
        )
    Need.age_groups.through.objects.bulk_create(
        [Need.age_groups.through(need_id=n.pk, agegroup_id=a.pk) for n in needs for a in ages[:2]]
    )
    Need.tags.through.objects.bulk_create(
        [Need.tags.through(need_id=n.pk, needtag_id=t.pk) for n in needs for t in tags]
    )
    NeedSupport.objects.bulk_create(
        [NeedSupport(need=n, person=p) for n in needs for p in authors if p != n.author][:5000]
    )
    return needs


@pytest.fixture
def network_builder(db):
    authors = [named("Auteur", f"N{i}", OrganizationFactory()) for i in range(4)]
    tags = NeedTagFactory.create_batch(2)
    groups = WorkingGroupFactory.create_batch(2)
    return lambda count: make_needs(count, authors, tags, groups)


@pytest.mark.parametrize("who", ["coordinator", "other_member"])
def test_the_list_runs_the_same_queries_for_10_and_200_needs(client, network_builder, who, request):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    network_builder(10)
    few = count_queries(client, LIST)
    network_builder(190)
    assert count_queries(client, LIST) == few
    assert count_queries(client, f"{LIST}?page=3&sector=petite_enfance") == few


def test_the_export_runs_the_same_queries_for_10_and_200_needs(coordinator_client, network_builder):
    network_builder(10)
    few = count_queries(coordinator_client, EXPORT)
    network_builder(190)
    assert count_queries(coordinator_client, EXPORT) == few


@pytest.mark.parametrize("who", ["coordinator", "other_member"])
def test_a_need_page_runs_the_same_queries_with_many_supporters_and_needs(
    client, network_builder, who, request
):
    user = request.getfixturevalue(who)
    client.force_login(getattr(user, "user", user))
    [need] = network_builder(1)
    need.tags.set(NeedTagFactory.create_batch(2))
    few = count_queries(client, detail_url(need))
    NeedSupportFactory.create_batch(30, need=need)
    for duplicate in NeedFactory.create_batch(3):
        duplicate.status, duplicate.merged_into = NeedStatus.MERGED, need
        duplicate.save()
    network_builder(60)
    assert count_queries(client, detail_url(need)) == few


def test_the_coordination_without_a_profile_has_no_moi_aussi(coordinator_client, need):
    assert action_url("need_support", need) not in coordinator_client.get(LIST).text
    assert coordinator_client.post(action_url("need_support", need)).status_code == 404
    assert not NeedSupport.objects.exists()


def test_the_author_sees_no_button_on_the_list(client, member, need):
    client.force_login(member.user)
    text = client.get(LIST).text
    assert action_url("need_support", need) not in text
    assert "Vous avez exprimé ce besoin." in text
