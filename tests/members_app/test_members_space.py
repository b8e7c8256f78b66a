"""The member area /espace/: onboarding, status page, organisations, preferences, data."""

import json
import re
from importlib import import_module
from urllib.parse import urlsplit

import pytest
from allauth.account.models import EmailAddress
from django.conf import settings as django_settings
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.html import escape
from factories import PASSWORD, UserFactory
from member_factories import (
    AffiliationFactory,
    GroupMembershipFactory,
    NeedFactory,
    NeedSupportFactory,
    OrganizationFactory,
    PersonFactory,
    WorkingGroupFactory,
    bulk_people,
    commune,
    member_of,
)

from consortium.core.models import AuditLogEntry, User
from consortium.core.privacy import REGISTRY
from members import services
from members.consents import CONSENTS
from members.enums import (
    AffiliationStatus,
    ConsentPurpose,
    GroupMembershipStatus,
    MembersAuditAction,
    OrganizationStatus,
    PersonStatus,
    Sector,
)
from members.forms.space import OrganizationForm
from members.models import (
    Affiliation,
    ConsentRecord,
    GroupMembership,
    Need,
    Organization,
    OrganizationType,
    Person,
    WorkingGroup,
)

pytestmark = pytest.mark.django_db

SPACE = reverse("members:space")
PROFILE = reverse("members:profile")
CHOOSE = reverse("members:choose_organization")
CREATE = reverse("members:create_organization")
PREFERENCES = reverse("members:preferences")
EXPORT = reverse("members:export_data")
DELETE = reverse("members:delete_account")
CONFIRM_LINK = re.compile(r"https?://[^\s\"'<>]+/accounts/confirm-email/[-:\w]+/")


def organization_data(**overrides) -> dict:
    """A complete, valid creation form for a crèche in Cergy."""
    data = {
        "name": "Crèche Les Lucioles",
        "siret": "",
        "sector": Sector.EARLY_CHILDHOOD,
        "type": OrganizationType.objects.get(slug="eaje").pk,
        "age_groups": [],
        "disciplines": [],
        "commune": "95127",
        "address": "3 rue des Lucioles",
        "website": "",
        "email": "",
        "phone": "",
        "public_description": "Une crèche de 40 berceaux qui accueille des artistes.",
        "listed_publicly": "on",
    }
    data.update(overrides)
    return data


def login(client, user) -> Client:
    client.force_login(user)
    return client


def new_partner(**fields) -> User:
    return UserFactory(first_name="Camille", last_name="Leroy", **fields)


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit (the e-mails) at the block's end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


# --- The whole journey --------------------------------------------------------------------


def test_signup_to_membership_journey(client, coordinator, mailoutbox, committed):
    # Sign up, confirm the address (POST), arrive in the member area.
    with committed():
        response = client.post(
            "/accounts/signup/",
            {"email": "camille@exemple.fr", "password1": PASSWORD, "password2": PASSWORD},
        )
    assert response.status_code == 302
    confirm_path = urlsplit(CONFIRM_LINK.search(mailoutbox[0].body).group(0)).path
    assert client.post(confirm_path).status_code == 302
    user = User.objects.get(email="camille@exemple.fr")
    assert EmailAddress.objects.get(user=user).verified

    response = client.get(SPACE)
    assert response.status_code == 200
    assert "members/space/onboarding.html" in [t.name for t in response.templates]
    assert Person.objects.get(user=user).status == PersonStatus.PENDING
    assert response.context["user_is_pending"]

    # Step 1: the profile. Step 2: the organisation.
    response = client.post(
        PROFILE,
        {"first_name": "Camille", "last_name": "Leroy", "job_title": "Directrice", "phone": ""},
    )
    assert response.status_code == 302
    response = client.post(CREATE, organization_data())
    assert response.status_code == 302
    assert response["Location"] == SPACE
    organization = Organization.objects.get(name="Crèche Les Lucioles")
    assert organization.status == OrganizationStatus.PENDING
    assert organization.created_by == user

    # The pending page, and nothing of the network.
    response = client.get(SPACE)
    html = response.content.decode()
    assert "Votre demande est en cours d'examen par la coordination" in html
    assert "Crèche Les Lucioles" in html
    assert "nouvelle structure" in html
    for path in ("/groupes/", "/besoins/", reverse("members:validations")):
        response = client.get(path)
        assert response.status_code in (302, 404), path
        if response.status_code == 302:
            assert response["Location"] == SPACE

    # The coordinator validates; the partner gets a French e-mail.
    coordination = login(Client(), coordinator)
    person = Person.objects.get(user=user)
    response = coordination.get(reverse("members:validations"))
    assert person in response.context["page_obj"].object_list
    mailoutbox.clear()
    with committed():
        response = coordination.post(
            reverse("members:validation_decide", kwargs={"pk": person.pk, "decision": "valider"}),
            {"message": "Bienvenue parmi nous !"},
        )
    assert response.status_code == 302
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == ["camille@exemple.fr"]
    assert "Bienvenue" in email.subject
    assert "Bienvenue parmi nous !" in email.body
    assert "http://testserver/espace/" in email.body or "/espace/" in email.body
    assert "L'équipe de coordination du consortium éveil artistique" in email.body

    # The partner is now a member: the member area, the groups, the directory.
    organization.refresh_from_db()
    assert organization.status == OrganizationStatus.ACTIVE
    response = client.get(SPACE)
    assert "members/space/home.html" in [t.name for t in response.templates]
    assert response.context["user_is_member"]
    assert "référent·e" in response.content.decode()
    assert client.get(reverse("members:directory")).status_code == 200


def test_refusal_path(client, coordinator, mailoutbox, committed):
    person = PersonFactory(status=PersonStatus.PENDING)
    login(client, person.user)
    client.post(CREATE, organization_data(name="Studio Fantôme"))
    organization = Organization.objects.get(name="Studio Fantôme")
    coordination = login(Client(), coordinator)
    url = reverse("members:validation_decide", kwargs={"pk": person.pk, "decision": "refuser"})

    response = coordination.post(url, {"message": "   "})
    assert response.status_code == 400
    assert "Expliquez en quelques mots la raison du refus" in response.content.decode()
    person.refresh_from_db()
    assert person.status == PersonStatus.PENDING
    assert not mailoutbox

    with committed():
        response = coordination.post(url, {"message": "Votre structure est hors du Val-d'Oise."})
    assert response.status_code == 302
    person.refresh_from_db()
    organization.refresh_from_db()
    assert person.status == PersonStatus.REFUSED
    assert organization.status == OrganizationStatus.REFUSED
    assert len(mailoutbox) == 1
    assert "Votre structure est hors du Val-d'Oise." in mailoutbox[0].body
    assert "Votre structure est hors du Val-d&#x27;Oise." in mailoutbox[0].alternatives[0][0]
    assert AuditLogEntry.objects.filter(action=MembersAuditAction.PERSON_REFUSED).exists()

    response = client.get(SPACE)
    assert "Votre demande n'a pas été acceptée" in response.content.decode()
    assert "Votre structure est hors du Val-d&#x27;Oise." in response.content.decode()
    # A refused person cannot start again by themselves.
    assert client.get(CREATE)["Location"] == SPACE


# --- Onboarding: search, join -------------------------------------------------------------


def test_first_visit_creates_a_pending_profile_once(client, partner):
    login(client, partner)
    client.get(SPACE)
    client.get(SPACE)
    assert Person.objects.filter(user=partner).count() == 1
    assert partner.person.status == PersonStatus.PENDING


def test_coordinators_profile_starts_active_and_stays_out_of_the_queue(coordinator_client):
    response = coordinator_client.get(SPACE)
    assert response.status_code == 200
    assert "members/space/home.html" in [t.name for t in response.templates]
    assert not Person.objects.pending().exists()


def test_search_finds_active_and_pending_organisations_by_name_or_commune(client, partner):
    active = OrganizationFactory(name="Médiathèque Stendhal")
    pending = OrganizationFactory(name="Ludothèque Pirouette", status=OrganizationStatus.PENDING)
    OrganizationFactory(name="Médiathèque Archivée", status=OrganizationStatus.ARCHIVED)
    elsewhere = OrganizationFactory(name="Théâtre du Cormier", commune=commune("95018"))
    login(client, partner)

    def found(query):
        response = client.get(CHOOSE, {"q": query})
        return {o.name for o in response.context["page_obj"].object_list}

    assert found("médiathèque") == {active.name}
    assert found("pirouette") == {pending.name}
    assert found("Argenteuil") == {elsewhere.name}
    assert found("95100") == {elsewhere.name}
    assert found("") == set()  # nothing listed before a search


def test_join_request_emails_the_referents(
    client, partner, organization, referent, mailoutbox, committed
):
    login(client, partner)
    with committed():
        response = client.post(reverse("members:join_organization", args=[organization.slug]))
    assert response.status_code == 302
    affiliation = Affiliation.objects.get(person__user=partner, organization=organization)
    assert affiliation.status == AffiliationStatus.PENDING
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [referent.user.email]
    assert "Médiathèque de Cergy" in email.subject
    manage = reverse("members:organization_manage", args=[organization.slug])
    assert f"http://127.0.0.1:8000{manage}" in email.body or manage in email.body
    assert "Alex Durand" in email.body
    # The request is shown on the pending page.
    assert "Rejoindre la structure « Médiathèque de Cergy »" in client.get(SPACE).content.decode()


def test_joining_an_archived_organisation_is_impossible(client, partner):
    archived = OrganizationFactory(status=OrganizationStatus.ARCHIVED)
    login(client, partner)
    response = client.post(reverse("members:join_organization", args=[archived.slug]))
    assert response.status_code == 404
    assert not Affiliation.objects.exists()


def test_joining_twice_gives_a_french_error(client, member, organization):
    login(client, member.user)
    response = client.post(
        reverse("members:join_organization", args=[organization.slug]), follow=True
    )
    assert "Vous êtes déjà rattaché·e à cette structure." in messages_of(response)


# --- Creating an organisation: bad input changes nothing ------------------------------------


@pytest.mark.parametrize(
    ("overrides", "field", "message"),
    [
        ({"commune": "99999"}, "commune", "Cette commune n'est pas dans la liste du Val-d'Oise"),
        ({"commune": ""}, "commune", "Ce champ est obligatoire"),
        ({"siret": "1234"}, "siret", "Le SIRET compte 14 chiffres"),
        ({"siret": "1234567890123A"}, "siret", "Le SIRET compte 14 chiffres"),
        ({"name": "<script>alert(1)</script>"}, "name", "sans balise HTML"),
        ({"public_description": 'Voir <a href="x">ici</a>'}, "public_description", "balise"),
        ({"type": "rpe-inexistant"}, "type", "Sélectionnez un choix valide"),
        ({"website": "pas un site"}, "website", "URL valide"),
        ({"phone": "appelez-moi"}, "phone", "numéro de téléphone"),
    ],
)
def test_bad_organisation_input_gets_a_french_error_and_saves_nothing(
    client, partner, overrides, field, message
):
    login(client, partner)
    response = client.post(CREATE, organization_data(**overrides))
    assert response.status_code == 200
    errors = " ".join(response.context["form"].errors[field])
    assert message in errors
    assert 'role="alert"' in response.content.decode()
    assert not Organization.objects.exists()
    assert not Affiliation.objects.exists()


def test_type_must_match_the_sector(client, partner):
    login(client, partner)
    response = client.post(CREATE, organization_data(sector=Sector.CULTURE))
    assert "Ce type ne correspond pas au secteur choisi" in " ".join(
        response.context["form"].errors["type"]
    )
    assert not Organization.objects.exists()


def test_same_siret_cannot_be_created_twice(client, partner):
    OrganizationFactory(siret="12345678900012")
    login(client, partner)
    response = client.post(CREATE, organization_data(siret="123 456 789 00012"))
    assert "Une structure du réseau porte déjà ce SIRET" in " ".join(
        response.context["form"].errors["siret"]
    )
    assert Organization.objects.count() == 1


def test_the_service_turns_the_database_constraint_into_a_french_error(partner):
    # Two requests racing past the form: the database constraint has the last word.
    OrganizationFactory(siret="12345678900012")
    person = services.person_ensure(actor=partner)
    kind = OrganizationType.objects.get(slug="eaje")
    fields = {"name": "Doublon", "siret": "12345678900012", "sector": Sector.EARLY_CHILDHOOD}
    fields.update(type=kind, commune=commune())
    with pytest.raises(services.DomainError, match="Une structure avec ce SIRET existe déjà"):
        services.organization_create(person=person, fields=fields, m2m={})
    assert Organization.objects.count() == 1


def test_text_is_stored_as_typed_and_shown_escaped(client, partner):
    login(client, partner)
    description = "Pour les enfants <3 ans & leurs parents"
    client.post(CREATE, organization_data(name='Crèche "L\'Îlot"', public_description=description))
    organization = Organization.objects.get()
    assert organization.public_description == description
    assert organization.name == 'Crèche "L\'Îlot"'
    html = client.get(SPACE).content.decode()
    assert "Crèche &quot;L&#x27;Îlot&quot;" in html
    assert "<3 ans" not in html


def test_organisation_is_created_with_its_vocabularies(client, partner):
    from members.models import AgeGroup, Discipline

    login(client, partner)
    ages = [a.pk for a in AgeGroup.objects.all()[:2]]
    music = Discipline.objects.get(slug="musique")
    client.post(CREATE, organization_data(age_groups=ages, disciplines=[music.pk]))
    organization = Organization.objects.get()
    assert sorted(organization.age_groups.values_list("pk", flat=True)) == sorted(ages)
    assert list(organization.disciplines.all()) == [music]
    assert organization.listed_publicly
    affiliation = Affiliation.objects.get(organization=organization)
    assert affiliation.is_referent and affiliation.status == AffiliationStatus.PENDING


def test_an_organisation_never_takes_the_address_of_a_fixed_page(client, partner):
    login(client, partner)
    client.post(CREATE, organization_data(name="Couverture"))
    organization = Organization.objects.get()
    assert organization.slug == "couverture-2"
    response = client.get(reverse("members:coverage"))
    assert response.resolver_match.url_name == "coverage"
    assert reverse("members:organization", args=[organization.slug]) == "/reseau/couverture-2/"


# --- Profile ------------------------------------------------------------------------------


def test_profile_update(client, member):
    login(client, member.user)
    response = client.post(
        PROFILE,
        {"first_name": "Lou", "last_name": "Martin", "job_title": "Bibliothécaire", "phone": ""},
    )
    assert response.status_code == 302
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert member.user.get_full_name() == "Lou Martin"
    assert member.job_title == "Bibliothécaire"


def test_profile_rejects_html_and_changes_nothing(client, member):
    login(client, member.user)
    response = client.post(
        PROFILE, {"first_name": "<b>Lou</b>", "last_name": "Martin", "job_title": "X"}
    )
    assert response.status_code == 200
    assert "sans balise HTML" in " ".join(response.context["form"].errors["first_name"])
    member.user.refresh_from_db()
    assert member.user.first_name == "Alex"


def test_pending_person_can_still_edit_their_profile(client, pending_person):
    login(client, pending_person.user)
    assert client.get(PROFILE).status_code == 200
    assert (
        "vous pouvez toujours modifier votre profil" in client.get(SPACE).content.decode().lower()
    )


# --- Managing an organisation (referents) --------------------------------------------------


def manage_url(organization):
    return reverse("members:organization_manage", args=[organization.slug])


def decide_url(organization, affiliation, decision):
    return reverse(
        "members:affiliation_decide",
        kwargs={"slug": organization.slug, "pk": affiliation.pk, "decision": decision},
    )


def test_referent_edits_the_organisation(client, referent, organization):
    login(client, referent.user)
    html = client.get(manage_url(organization)).content.decode()
    assert '<option value="95127" selected>Cergy (95000)</option>' in html
    data = organization_data(name="Médiathèque de Cergy-Préfecture", commune="95127")
    response = client.post(manage_url(organization), data)
    assert response.status_code == 302
    organization.refresh_from_db()
    assert organization.name == "Médiathèque de Cergy-Préfecture"
    assert organization.status == OrganizationStatus.ACTIVE


def test_rejected_edit_changes_nothing_and_keeps_the_heading(client, referent, organization):
    login(client, referent.user)
    response = client.post(manage_url(organization), organization_data(name="", commune="00000"))
    assert response.status_code == 200
    assert "<h1>Gérer « Médiathèque de Cergy »</h1>" in response.content.decode()
    organization.refresh_from_db()
    assert organization.name == "Médiathèque de Cergy"


def test_referent_accepts_a_newcomer_who_becomes_a_member(
    client, referent, organization, mailoutbox, committed
):
    newcomer = PersonFactory(status=PersonStatus.PENDING)
    affiliation = services.affiliation_request(person=newcomer, organization=organization)
    mailoutbox.clear()
    login(client, referent.user)
    assert newcomer.user.email in client.get(manage_url(organization)).content.decode()

    with committed():
        response = client.post(decide_url(organization, affiliation, "accepter"))
    assert response.status_code == 302
    newcomer.refresh_from_db()
    affiliation.refresh_from_db()
    assert affiliation.status == AffiliationStatus.ACTIVE
    assert newcomer.status == PersonStatus.ACTIVE
    assert [m.to for m in mailoutbox] == [[newcomer.user.email]]
    assert "Médiathèque de Cergy" in mailoutbox[0].subject


def test_referent_refuses_with_a_message(client, referent, organization, mailoutbox, committed):
    newcomer = PersonFactory(status=PersonStatus.PENDING)
    affiliation = services.affiliation_request(person=newcomer, organization=organization)
    mailoutbox.clear()
    login(client, referent.user)
    with committed():
        client.post(decide_url(organization, affiliation, "refuser"), {"message": "Inconnu ici."})
    affiliation.refresh_from_db()
    newcomer.refresh_from_db()
    assert affiliation.status == AffiliationStatus.REFUSED
    assert newcomer.status == PersonStatus.PENDING
    assert "Inconnu ici." in mailoutbox[0].body
    # Back to the onboarding, with the refusal said.
    html = login(Client(), newcomer.user).get(SPACE).content.decode()
    assert "n'a pas été acceptée" in html


def test_unknown_decision_is_a_404(client, referent, organization):
    affiliation = AffiliationFactory(organization=organization, status=AffiliationStatus.PENDING)
    login(client, referent.user)
    assert client.post(decide_url(organization, affiliation, "peut-etre")).status_code == 404
    affiliation.refresh_from_db()
    assert affiliation.status == AffiliationStatus.PENDING


def test_a_referent_cannot_decide_for_another_organisation(client, referent, other_member):
    other_organization = other_member.affiliations.get().organization
    affiliation = AffiliationFactory(
        organization=other_organization, status=AffiliationStatus.PENDING
    )
    login(client, referent.user)
    response = client.post(decide_url(other_organization, affiliation, "accepter"))
    assert response.status_code == 404
    affiliation.refresh_from_db()
    assert affiliation.status == AffiliationStatus.PENDING


def test_member_leaves_an_organisation(client, member, organization):
    login(client, member.user)
    response = client.post(reverse("members:leave_organization", args=[organization.slug]))
    assert response.status_code == 302
    assert Affiliation.objects.get(person=member).status == AffiliationStatus.LEFT
    # Not twice, and not someone else's.
    assert (
        client.post(reverse("members:leave_organization", args=[organization.slug])).status_code
        == 404
    )


# --- Consent to the public directory --------------------------------------------------------


def listing_consents():
    return list(
        ConsentRecord.objects.filter(purpose=ConsentPurpose.PUBLIC_LISTING)
        .order_by("created_at", "pk")
        .values_list("person_id", "given")
    )


def test_the_recorded_listing_wording_is_the_one_the_form_shows():
    field = OrganizationForm().fields["listed_publicly"]
    with translation.override("fr"):
        shown = f"{field.label}. {field.help_text}"
    assert shown == CONSENTS[ConsentPurpose.PUBLIC_LISTING].text()


def test_creating_a_listed_organisation_records_the_consent(client, partner):
    login(client, partner)
    client.post(CREATE, organization_data())
    person = Person.objects.get(user=partner)
    assert listing_consents() == [(person.pk, True)]
    consent = ConsentRecord.objects.get()
    assert consent.wording == CONSENTS[ConsentPurpose.PUBLIC_LISTING].text()
    assert consent.wording_version == CONSENTS[ConsentPurpose.PUBLIC_LISTING].version


def test_an_unlisted_organisation_records_no_consent(client, partner):
    login(client, partner)
    client.post(CREATE, organization_data(listed_publicly=""))
    assert Organization.objects.get().listed_publicly is False
    assert listing_consents() == []


def test_each_change_of_the_public_listing_is_recorded_for_whoever_made_it(
    client, referent, organization
):
    login(client, referent.user)
    unlisted = organization_data(name=organization.name, listed_publicly="")
    client.post(manage_url(organization), unlisted)
    client.post(manage_url(organization), unlisted)  # no change, no record
    client.post(manage_url(organization), organization_data(name=organization.name))
    assert listing_consents() == [(referent.pk, False), (referent.pk, True)]


def test_a_coordinator_without_a_profile_changes_the_listing_without_a_record(
    coordinator_client, organization
):
    data = organization_data(name=organization.name, listed_publicly="")
    assert coordinator_client.post(manage_url(organization), data).status_code == 302
    organization.refresh_from_db()
    assert organization.listed_publicly is False
    assert listing_consents() == []


# --- Preferences ---------------------------------------------------------------------------


def test_preferences_record_digest_consent_with_its_wording(client, member):
    login(client, member.user)
    response = client.get(PREFERENCES)
    assert escape(CONSENTS[ConsentPurpose.DIGEST].text()) in response.content.decode()

    client.post(PREFERENCES, {"wants_digest": "on", "language": "en"})
    member.refresh_from_db()
    member.user.refresh_from_db()
    assert member.wants_digest is True
    assert member.wants_reminders is False
    assert member.user.language == "en"
    consent = ConsentRecord.objects.get(person=member)
    assert consent.purpose == ConsentPurpose.DIGEST and consent.given
    assert consent.wording == CONSENTS[ConsentPurpose.DIGEST].text()

    client.post(PREFERENCES, {"wants_digest": "on", "wants_reminders": "on", "language": "fr"})
    assert ConsentRecord.objects.count() == 1  # no change of consent, no new record
    client.post(PREFERENCES, {"language": "fr"})
    assert list(ConsentRecord.objects.values_list("given", flat=True)) == [False, True]


def test_preferences_refuse_an_unknown_language(client, member):
    login(client, member.user)
    response = client.post(PREFERENCES, {"language": "de", "wants_digest": "on"})
    assert response.status_code == 200
    assert response.context["form"].errors["language"]
    assert not ConsentRecord.objects.exists()


# --- Export and deletion -------------------------------------------------------------------


def test_export_contains_my_data_and_every_registered_model(client, member, organization):
    NeedFactory(author=member, title="Un besoin à moi")
    login(client, member.user)
    response = client.get(EXPORT)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/json")
    assert response["Content-Disposition"].startswith("attachment;")
    assert "no-store" in response["Cache-Control"] or "no-cache" in response["Cache-Control"]
    data = json.loads(response.content)
    keys = {f"{rule.model._meta.app_label}.{rule.model._meta.model_name}" for rule in REGISTRY}
    assert keys <= set(data)
    assert data["core.user"][0]["email"] == member.user.email
    assert data["members.person"][0]["job_title"] == member.job_title
    assert data["members.affiliation"][0]["organization__name"] == organization.name
    assert data["members.need"][0]["title"] == "Un besoin à moi"


def test_delete_with_a_wrong_password_keeps_everything(client, member):
    login(client, member.user)
    response = client.post(DELETE, {"password": "pas-le-bon", "confirm": "on"})
    assert response.status_code == 200
    assert "Ce mot de passe n'est pas le bon" in response.context["form"].errors["password"][0]
    assert User.objects.filter(pk=member.user.pk).exists()
    assert client.get(SPACE).status_code == 200


def test_delete_needs_the_confirmation_box(client, member):
    login(client, member.user)
    response = client.post(DELETE, {"password": PASSWORD})
    assert "Cochez la case pour confirmer la suppression." in response.content.decode()
    assert User.objects.filter(pk=member.user.pk).exists()


@pytest.mark.parametrize(
    "engine",
    ["django.contrib.sessions.backends.db", "django.contrib.sessions.backends.cached_db"],
)
def test_delete_removes_the_account_anonymises_needs_and_ends_sessions(
    client, member, settings, engine
):
    # cached_db: production with Redis keeps a copy of each session in the cache.
    settings.SESSION_ENGINE = engine
    need = NeedFactory(author=member)
    supported = NeedFactory()
    NeedSupportFactory(need=supported, person=member)
    GroupMembershipFactory(person=member)
    user_pk = member.user.pk
    elsewhere = login(Client(), member.user)  # another browser, same account
    elsewhere_key = elsewhere.cookies[django_settings.SESSION_COOKIE_NAME].value
    assert import_module(engine).SessionStore(session_key=elsewhere_key).load()
    login(client, member.user)

    response = client.post(DELETE, {"password": PASSWORD, "confirm": "on"}, follow=True)

    assert response.redirect_chain[-1][0] == "/"
    assert messages_of(response)[0].startswith("Votre compte est supprimé.")
    assert not User.objects.filter(pk=user_pk).exists()
    assert not Person.objects.filter(pk=member.pk).exists()
    assert not GroupMembership.objects.exists()
    need.refresh_from_db()
    assert need.author is None and need.is_anonymous
    assert supported.supports.count() == 0
    entry = AuditLogEntry.objects.get(action=MembersAuditAction.ACCOUNT_DELETED)
    assert entry.actor is None
    assert entry.target_repr == f"utilisateur #{user_pk}"
    assert member.user.email not in json.dumps([entry.message, entry.data, entry.target_repr])
    for browser in (client, elsewhere):
        response = browser.get(SPACE)
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    assert import_module(engine).SessionStore(session_key=elsewhere_key).load() == {}


# --- Access per role ------------------------------------------------------------------------


@pytest.fixture
def people(organization, referent, member, other_member, pending_person, coordinator, observer):
    return {
        "anonymous": None,
        "pending": pending_person.user,
        "partner": member.user,
        "referent": referent.user,
        "other": other_member.user,
        "coordinator": coordinator,
        "observer": observer,
    }


def client_of(user) -> Client:
    client = Client()
    if user is not None:
        client.force_login(user)
    return client


LOGIN = "login"


@pytest.mark.parametrize(
    ("url_name", "expected"),
    [
        (
            "members:space",
            {
                "pending": 200,
                "partner": 200,
                "referent": 200,
                "other": 200,
                "coordinator": 200,
                "observer": 200,
            },
        ),
        (
            "members:profile",
            {
                "pending": 200,
                "partner": 200,
                "referent": 200,
                "other": 200,
                "coordinator": 200,
                "observer": 200,
            },
        ),
        (
            "members:choose_organization",
            {
                "pending": 200,
                "partner": 200,
                "referent": 200,
                "other": 200,
                "coordinator": 200,
                "observer": 200,
            },
        ),
        (
            "members:create_organization",
            {
                "pending": 200,
                "partner": 200,
                "referent": 200,
                "other": 200,
                "coordinator": 200,
                "observer": 200,
            },
        ),
        (
            "members:preferences",
            {
                "pending": 200,
                "partner": 200,
                "referent": 200,
                "other": 200,
                "coordinator": 200,
                "observer": 200,
            },
        ),
        (
            "members:export_data",
            {
                "pending": 200,
                "partner": 200,
                "referent": 200,
                "other": 200,
                "coordinator": 200,
                "observer": 200,
            },
        ),
        (
            "members:delete_account",
            {
                "pending": 200,
                "partner": 200,
                "referent": 200,
                "other": 200,
                "coordinator": 200,
                "observer": 200,
            },
        ),
    ],
)
@pytest.mark.parametrize(
    "role", ["anonymous", "pending", "partner", "referent", "other", "coordinator", "observer"]
)
def test_personal_pages_access(people, role, url_name, expected):
    response = client_of(people[role]).get(reverse(url_name))
    if role == "anonymous":
        assert response.status_code == 302
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected[role]


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("pending", 302),
        ("partner", 404),
        ("referent", 200),
        ("other", 404),
        ("coordinator", 200),
        ("observer", 404),
    ],
)
def test_organization_manage_access(people, organization, role, expected):
    response = client_of(people[role]).get(manage_url(organization))
    if expected == LOGIN:
        assert response["Location"].startswith(reverse("account_login"))
    elif expected == 302:
        assert response["Location"] == SPACE
    else:
        assert response.status_code == expected


@pytest.mark.parametrize(
    ("role", "expected"),
    [
        ("anonymous", LOGIN),
        ("pending", 302),
        ("partner", 404),
        ("referent", 302),
        ("other", 404),
        ("coordinator", 302),
        ("observer", 404),
    ],
)
def test_affiliation_decide_access(people, organization, role, expected):
    affiliation = AffiliationFactory(organization=organization, status=AffiliationStatus.PENDING)
    response = client_of(people[role]).post(decide_url(organization, affiliation, "accepter"))
    affiliation.refresh_from_db()
    if expected == LOGIN:
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == expected
    decided = role in ("referent", "coordinator")
    assert (affiliation.status == AffiliationStatus.ACTIVE) is decided


@pytest.mark.parametrize(
    "url",
    [
        lambda org: reverse("members:join_organization", args=[org.slug]),
        lambda org: reverse("members:leave_organization", args=[org.slug]),
        lambda org: reverse(
            "members:affiliation_decide",
            kwargs={"slug": org.slug, "pk": 1, "decision": "accepter"},
        ),
    ],
    ids=["join", "leave", "decide"],
)
def test_post_only_routes_refuse_get(client, member, organization, url):
    login(client, member.user)
    assert client.get(url(organization)).status_code == 405


def test_leave_is_only_for_ones_own_active_affiliation(people, organization):
    for role in ("pending", "other", "coordinator", "observer"):
        response = client_of(people[role]).post(
            reverse("members:leave_organization", args=[organization.slug])
        )
        assert response.status_code == 404, role
    assert not Affiliation.objects.filter(status=AffiliationStatus.LEFT).exists()


# --- Query counts -------------------------------------------------------------------------


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def give_member_rows(person, count: int) -> None:
    """`count` organisations, groups and needs for `person`, in bulk."""
    organizations = Organization.objects.bulk_create(
        Organization(
            name=f"Structure {person.pk}-{i}",
            slug=f"structure-{person.pk}-{i}",
            sector=Sector.EARLY_CHILDHOOD,
            type=OrganizationType.objects.get(slug="eaje"),
            commune=commune(),
            status=OrganizationStatus.ACTIVE,
        )
        for i in range(count)
    )
    Affiliation.objects.bulk_create(
        Affiliation(person=person, organization=o, is_referent=i % 2 == 0, status="active")
        for i, o in enumerate(organizations)
    )
    others = bulk_people(count, prefix=f"demandeur{person.pk}")
    Affiliation.objects.bulk_create(
        Affiliation(person=p, organization=o, status=AffiliationStatus.PENDING)
        for p, o in zip(others, organizations, strict=True)
    )
    groups = WorkingGroup.objects.bulk_create(
        WorkingGroup(title=f"Groupe {person.pk}-{i}", slug=f"groupe-{person.pk}-{i}")
        for i in range(count)
    )
    GroupMembership.objects.bulk_create(
        GroupMembership(group=g, person=person, status=GroupMembershipStatus.MEMBER) for g in groups
    )
    template = NeedFactory.build()
    Need.objects.bulk_create(
        Need(
            title=f"Besoin {i}",
            description="…",
            theme=template.theme,
            sector=Sector.CULTURE,
            commune=template.commune,
            author=person,
        )
        for i in range(count)
    )


def test_member_area_query_count_does_not_grow(client):
    few, many = member_of(), member_of()
    give_member_rows(few, 10)
    give_member_rows(many, 200)
    counts = []
    for person in (few, many):
        login(client, person.user)
        counts.append(count_queries(client, SPACE))
    assert counts[0] == counts[1], counts
    assert counts[0] <= 12, counts


def test_member_area_shows_groups_needs_and_referent_link(client, referent, organization):
    group = WorkingGroupFactory(title="Lire aux tout-petits")
    GroupMembershipFactory(group=group, person=referent)
    NeedFactory(author=referent, title="Un intervenant conte")
    AffiliationFactory(organization=organization, status=AffiliationStatus.PENDING)
    login(client, referent.user)
    html = client.get(SPACE).content.decode()
    assert "Lire aux tout-petits" in html
    assert "Un intervenant conte" in html
    assert manage_url(organization) in html
    assert "1 demande à examiner" in html


# --- The e-mails of this area ---------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "name",
    [
        "partner_validated",
        "partner_refused",
        "partner_affiliation_accepted",
        "partner_affiliation_refused",
        "referent_affiliation_requested",
    ],
)
def test_emails_render_with_absolute_links_and_the_signature(
    name, language, member, organization, settings
):
    from consortium.core.emails import render_email

    settings.SITE_URL = "https://reseau.example.fr"
    context = {
        "recipient": member.user,
        "person": member,
        "organization": organization,
        "message": "Un mot <b>important</b> & sincère",
    }
    rendered = render_email(name=name, context=context, language=language)
    assert rendered.subject and "\n" not in rendered.subject
    assert "https://reseau.example.fr/espace/" in rendered.text
    assert "https://reseau.example.fr/espace/" in rendered.html
    if language == "fr":
        assert "L'équipe de coordination du consortium éveil artistique" in rendered.text
    assert "&lt;b&gt;important&lt;/b&gt;" in rendered.html or "important" not in rendered.html
    assert "&amp;" not in rendered.text  # plain text is not escaped


def test_anonymous_visitors_cannot_join(client, organization):
    response = client.post(reverse("members:join_organization", args=[organization.slug]))
    assert response["Location"].startswith(reverse("account_login"))
    assert not Affiliation.objects.filter(status=AffiliationStatus.PENDING).exists()


def test_search_and_manage_pages_query_counts_do_not_grow(client, referent, organization):
    from member_factories import bulk_organizations

    login(client, referent.user)
    counts = []
    for count, prefix in ((10, "peu"), (190, "beaucoup")):
        bulk_organizations(count, prefix=f"structure-{prefix}")
        people = bulk_people(count, prefix=f"demande-{prefix}")
        Affiliation.objects.bulk_create(
            Affiliation(person=p, organization=organization, status=AffiliationStatus.PENDING)
            for p in people
        )
        counts.append(
            (
                count_queries(client, f"{CHOOSE}?q=structure"),
                count_queries(client, manage_url(organization)),
            )
        )
    assert counts[0] == counts[1], counts


# --- Observers: a read-only member area --------------------------------------------------


def test_an_observers_member_area_offers_only_what_they_can_open(observer_client):
    """Opening /espace/ gives an observer an active profile; the page then offers nothing
    that answers them 404 (no "Exprimer un besoin", no dossier to create)."""
    response = observer_client.get(reverse("members:space"))
    assert response.status_code == 200
    page = response.content.decode()
    assert reverse("members:need_create") not in page
    assert "Exprimer un besoin" not in page
    links = set(re.findall(r'href="(/[^"#?]*)', page))
    assert links
    for link in sorted(links):
        if link.startswith(("/static/", "/accounts/logout")):
            continue
        assert observer_client.get(link).status_code != 404, link
    assert observer_client.get(reverse("projects:dossier_create")).status_code == 404
