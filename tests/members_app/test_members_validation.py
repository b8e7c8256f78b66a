"""The coordination's validation queue /coordination/validations/ and its decisions."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from member_factories import (
    AffiliationFactory,
    OrganizationFactory,
    PersonFactory,
    bulk_people,
    commune,
    member_of,
)

from consortium.core.models import AuditLogEntry, User
from members import services
from members.enums import (
    AffiliationStatus,
    MembersAuditAction,
    OrganizationStatus,
    PersonStatus,
    Sector,
)
from members.models import Affiliation, Organization, OrganizationType, Person
from members.querysets import names_look_alike, normalized_name

pytestmark = pytest.mark.django_db

QUEUE = reverse("members:validations")


def decide_url(person, decision):
    return reverse("members:validation_decide", kwargs={"pk": person.pk, "decision": decision})


def organization_decide_url(organization, decision):
    return reverse(
        "members:validation_organization_decide",
        kwargs={"pk": organization.pk, "decision": decision},
    )


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed():` runs what waits for the commit (the e-mails) at the block's end."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def creating(name="Crèche de la Gare", *, siret="", insee="95127", **person_fields) -> Person:
    """A pending partner who asked to create `name`."""
    person = PersonFactory(status=PersonStatus.PENDING, **person_fields)
    organization = OrganizationFactory(
        name=name,
        siret=siret,
        commune=commune(insee),
        status=OrganizationStatus.PENDING,
        created_by=person.user,
    )
    AffiliationFactory(person=person, organization=organization, is_referent=True, status="pending")
    return person


def queued(response) -> list[Person]:
    return list(response.context["page_obj"].object_list)


def organization_of(person) -> Organization:
    return person.affiliations.get().organization


# --- The queue ---------------------------------------------------------------------------


def test_queue_lists_pending_people_oldest_first(coordinator_client, member):
    newer = creating("Crèche Récente")
    older = creating("Compagnie Ancienne")
    Person.objects.filter(pk=older.pk).update(created_at=timezone.now() - timedelta(days=3))
    response = coordinator_client.get(QUEUE)
    assert queued(response) == [older, newer]
    html = response.content.decode()
    assert "Compagnie Ancienne" in html
    assert "nouvelle structure" in html
    assert member.user.email not in html  # active members are not in the queue


def test_queue_says_what_each_person_asked_for(coordinator_client, organization, referent):
    joining = PersonFactory(status=PersonStatus.PENDING)
    services.affiliation_request(person=joining, organization=organization)
    creating("Ludothèque Nouvelle")
    html = coordinator_client.get(QUEUE).content.decode()
    assert "Demande à rejoindre « Médiathèque de Cergy »" in html
    assert "1 référent·e prévenu·e" in html
    assert "Crée « Ludothèque Nouvelle »" in html


def test_queue_filters_by_kind_and_text(coordinator_client, organization):
    creator = creating("Théâtre Neuf")
    joining = PersonFactory(status=PersonStatus.PENDING, user__last_name="Rejoignant")
    services.affiliation_request(person=joining, organization=organization)
    assert queued(coordinator_client.get(QUEUE, {"kind": "creation"})) == [creator]
    assert queued(coordinator_client.get(QUEUE, {"kind": "rattachement"})) == [joining]
    assert queued(coordinator_client.get(QUEUE, {"q": "théâtre"})) == [creator]
    assert queued(coordinator_client.get(QUEUE, {"q": "Rejoignant"})) == [joining]


# --- Duplicates --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("first", "second", "alike"),
    [
        ("Crèche de la Gare", "Creche  Gare !", True),
        ("Médiathèque L'Astrolabe", "mediatheque astrolabe", True),
        ("Conservatoire de Cergy", "Conservatoire à rayonnement de Cergy", False),
        ("Multi-accueil Les Lutins", "Multi accueil les Lutin", True),
        ("Médiathèque", "Médiathèque Stendhal", True),  # one name inside the other
        ("Crèche Les Petits Pas 1", "Crèche Les Petits Pas 2", False),
        ("Théâtre du Cormier", "Cinéma Utopia", False),
    ],
)
def test_names_look_alike(first, second, alike):
    assert names_look_alike(normalized_name(first), normalized_name(second)) is alike


def test_normalized_name_drops_accents_punctuation_and_small_words():
    assert normalized_name("L'Île aux Enfants — de la Ville") == "ile enfants ville"


def test_close_names_in_the_same_commune_are_flagged_in_the_queue(coordinator_client):
    OrganizationFactory(name="Crèche de la Gare", commune=commune("95127"))
    OrganizationFactory(name="Crèche de la Gare", commune=commune("95018"))  # Argenteuil
    close = creating("Crèche la Gare", insee="95127")
    alone = creating("Ludothèque Unique")

    response = coordinator_client.get(QUEUE)
    flagged = {
        person.pk: [
            (other.name, other.commune.insee_code, same)
            for request in person.requests
            for other, same in request.organization.possible_duplicates
        ]
        for person in queued(response)
    }
    assert flagged[close.pk] == [("Crèche de la Gare", "95127", False)]
    assert flagged[alone.pk] == []
    html = response.content.decode()
    assert "Doublon possible" in html
    assert "nom très proche dans la même commune" in html


def test_same_siret_is_flagged_whatever_the_commune():
    # The database refuses a second SIRET, so the check runs on an organisation not saved yet.
    existing = OrganizationFactory(siret="12345678900012", commune=commune("95018"))
    candidate = Organization(name="Autre Nom", siret="12345678900012", commune=commune())
    found = Organization.objects.possible_duplicates([candidate])
    assert found[None] == [(existing, True)]


# --- Decisions -----------------------------------------------------------------------------


def test_validate_with_a_welcome_message(coordinator_client, coordinator, mailoutbox, committed):
    person = creating("Crèche Arc-en-ciel")
    with committed():
        response = coordinator_client.post(
            decide_url(person, "valider"), {"message": "Bienvenue !"}
        )
    assert response.status_code == 302
    assert response["Location"] == QUEUE
    person.refresh_from_db()
    organization = organization_of(person)
    assert person.status == PersonStatus.ACTIVE
    assert person.decided_by == coordinator
    assert organization.status == OrganizationStatus.ACTIVE
    assert person.affiliations.get().status == AffiliationStatus.ACTIVE
    assert [m.to for m in mailoutbox] == [[person.user.email]]
    assert "Bienvenue !" in mailoutbox[0].body
    assert "/espace/" in mailoutbox[0].body
    actions = set(AuditLogEntry.objects.values_list("action", flat=True))
    assert {
        MembersAuditAction.PERSON_VALIDATED,
        MembersAuditAction.ORGANIZATION_VALIDATED,
    } <= actions


def test_validate_without_message(coordinator_client, mailoutbox, committed):
    person = creating()
    with committed():
        coordinator_client.post(decide_url(person, "valider"))
    person.refresh_from_db()
    assert person.status == PersonStatus.ACTIVE
    assert "Son message" not in mailoutbox[0].body


def test_refusal_needs_a_message_and_changes_nothing_without_one(coordinator_client, mailoutbox):
    person = creating()
    response = coordinator_client.post(decide_url(person, "refuser"), {"message": ""})
    assert response.status_code == 400
    assert "Expliquez en quelques mots la raison du refus" in response.content.decode()
    assert 'role="alert"' in response.content.decode()
    person.refresh_from_db()
    assert person.status == PersonStatus.PENDING
    assert organization_of(person).status == OrganizationStatus.PENDING
    assert not mailoutbox
    assert not AuditLogEntry.objects.filter(action=MembersAuditAction.PERSON_REFUSED).exists()


def test_refusal_with_a_message(coordinator_client, mailoutbox, committed):
    person = creating()
    with committed():
        coordinator_client.post(decide_url(person, "refuser"), {"message": "Hors territoire."})
    person.refresh_from_db()
    assert person.status == PersonStatus.REFUSED
    assert person.decision_message == "Hors territoire."
    assert organization_of(person).status == OrganizationStatus.REFUSED
    assert "Hors territoire." in mailoutbox[0].body
    entry = AuditLogEntry.objects.get(action=MembersAuditAction.PERSON_REFUSED)
    assert entry.message == "Hors territoire."


def test_deciding_twice_gives_a_french_message(coordinator_client):
    person = creating()
    coordinator_client.post(decide_url(person, "valider"))
    response = coordinator_client.post(
        decide_url(person, "refuser"), {"message": "Non"}, follow=True
    )
    messages = [str(m) for m in response.context["messages"]]
    assert "Cette demande a déjà été traitée." in messages
    person.refresh_from_db()
    assert person.status == PersonStatus.ACTIVE


def test_unknown_decision_is_a_404(coordinator_client):
    person = creating()
    assert coordinator_client.post(decide_url(person, "ajourner")).status_code == 404
    assert (
        coordinator_client.post(organization_decide_url(organization_of(person), "x")).status_code
        == 404
    )


# --- Referents accept without the coordinator (who still sees it) --------------------------


def test_referent_acceptance_path(
    client, organization, referent, coordinator, mailoutbox, committed
):
    newcomer_user = User.objects.create_user("nouvelle@exemple.fr", "motdepasse-solide-2026")
    client.force_login(newcomer_user)
    client.get(reverse("members:space"))
    with committed():
        client.post(reverse("members:join_organization", args=[organization.slug]))
    assert [m.to for m in mailoutbox] == [[referent.user.email]]

    referent_client = Client()
    referent_client.force_login(referent.user)
    affiliation = Affiliation.objects.get(person__user=newcomer_user)
    mailoutbox.clear()
    with committed():
        referent_client.post(
            reverse(
                "members:affiliation_decide",
                kwargs={"slug": organization.slug, "pk": affiliation.pk, "decision": "accepter"},
            )
        )
    newcomer = Person.objects.get(user=newcomer_user)
    assert newcomer.status == PersonStatus.ACTIVE
    assert [m.to for m in mailoutbox] == [["nouvelle@exemple.fr"]]

    coordination = Client()
    coordination.force_login(coordinator)
    response = coordination.get(QUEUE)
    assert newcomer not in queued(response)
    recent = response.context["recent_acceptances"]
    assert [(a.person, a.decided_by) for a in recent] == [(newcomer, referent.user)]
    assert "Acceptés par un·e référent·e ces 30 derniers jours" in response.content.decode()


def test_recent_list_leaves_out_the_coordinators_own_and_old_decisions(
    coordinator_client, coordinator, organization, referent
):
    by_coordinator = PersonFactory(status=PersonStatus.PENDING)
    services.affiliation_request(person=by_coordinator, organization=organization)
    services.person_validate(person=by_coordinator, actor=coordinator)
    old = AffiliationFactory(organization=organization, status=AffiliationStatus.PENDING)
    services.affiliation_accept(affiliation=old, actor=referent.user)
    Affiliation.objects.filter(pk=old.pk).update(decided_at=timezone.now() - timedelta(days=31))
    assert coordinator_client.get(QUEUE).context["recent_acceptances"] == []


def test_member_asking_to_join_another_organisation(
    coordinator_client, member, mailoutbox, committed
):
    other = OrganizationFactory(name="Conservatoire Sans Référent")
    affiliation = services.affiliation_request(person=member, organization=other)
    response = coordinator_client.get(QUEUE)
    assert [a.pk for a in response.context["member_requests"]] == [affiliation.pk]
    assert "pas de référent·e" in response.content.decode()
    url = reverse(
        "members:affiliation_decide",
        kwargs={"slug": other.slug, "pk": affiliation.pk, "decision": "accepter"},
    )
    with committed():
        response = coordinator_client.post(url, {"next": QUEUE})
    assert response["Location"] == QUEUE
    affiliation.refresh_from_db()
    assert affiliation.status == AffiliationStatus.ACTIVE
    assert [m.to for m in mailoutbox] == [[member.user.email]]


def test_next_cannot_leave_the_site(coordinator_client, member):
    other = OrganizationFactory()
    affiliation = services.affiliation_request(person=member, organization=other)
    url = reverse(
        "members:affiliation_decide",
        kwargs={"slug": other.slug, "pk": affiliation.pk, "decision": "refuser"},
    )
    response = coordinator_client.post(url, {"next": "https://ailleurs.example/"})
    assert response["Location"] == reverse("members:organization_manage", args=[other.slug])


# --- Structures proposed by members ---------------------------------------------------------


@pytest.fixture
def proposed(member):
    """A member (already validated) proposes a new organisation."""
    organization = services.organization_create(
        person=member,
        fields={
            "name": "Cinéma de Plein Air",
            "sector": Sector.CULTURE,
            "type": OrganizationType.objects.get(slug="cinema"),
            "commune": commune(),
        },
        m2m={},
    )
    return organization


def test_member_proposal_is_listed_and_validated(
    coordinator_client, proposed, member, mailoutbox, committed
):
    response = coordinator_client.get(QUEUE)
    assert response.context["proposed_organizations"] == [proposed]
    with committed():
        coordinator_client.post(organization_decide_url(proposed, "valider"))
    proposed.refresh_from_db()
    assert proposed.status == OrganizationStatus.ACTIVE
    affiliation = Affiliation.objects.get(organization=proposed)
    assert affiliation.status == AffiliationStatus.ACTIVE and affiliation.is_referent
    assert [m.to for m in mailoutbox] == [[member.user.email]]
    assert coordinator_client.get(QUEUE).context["proposed_organizations"] == []


def test_queue_decision_buttons_post_to_their_request_and_name_it(
    coordinator_client, proposed, member
):
    other = OrganizationFactory(name="Conservatoire Sans Référent")
    join = services.affiliation_request(person=member, organization=other)
    html = coordinator_client.get(QUEUE).content.decode()
    refuse = organization_decide_url(proposed, "refuser")
    assert f'action="{organization_decide_url(proposed, "valider")}"' in html
    assert f'action="{refuse}"' in html
    # The refusal of a structure needs its reason: a required, labelled message.
    field_id = f"message-{slugify(refuse)}"
    assert f'<label for="{field_id}">Raison du refus</label>' in html
    assert f'<textarea id="{field_id}" name="message" rows="3" maxlength="2000" required>' in html
    assert '<span class="visually-hidden"> Cinéma de Plein Air</span>' in html
    # A member's request to join: plain buttons that come back to the queue.
    accept = reverse(
        "members:affiliation_decide",
        kwargs={"slug": other.slug, "pk": join.pk, "decision": "accepter"},
    )
    assert f'action="{accept}"' in html
    assert html.count(f'<input type="hidden" name="next" value="{QUEUE}">') == 2


def test_member_proposal_refusal_needs_a_message(
    coordinator_client, proposed, mailoutbox, committed
):
    response = coordinator_client.post(
        organization_decide_url(proposed, "refuser"), {"message": ""}
    )
    assert response.status_code == 400
    proposed.refresh_from_db()
    assert proposed.status == OrganizationStatus.PENDING
    with committed():
        coordinator_client.post(
            organization_decide_url(proposed, "refuser"), {"message": "Doublon."}
        )
    proposed.refresh_from_db()
    assert proposed.status == OrganizationStatus.REFUSED
    assert Affiliation.objects.get(organization=proposed).status == AffiliationStatus.REFUSED
    assert "Doublon." in mailoutbox[0].body


# --- Access --------------------------------------------------------------------------------


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


ROLES = ["anonymous", "pending", "partner", "referent", "other", "coordinator", "observer"]


@pytest.mark.parametrize("role", ROLES)
def test_queue_is_for_the_coordinator_only(people, role):
    response = client_of(people[role]).get(QUEUE)
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == (200 if role == "coordinator" else 404)


@pytest.mark.parametrize("role", ROLES)
def test_decisions_are_for_the_coordinator_only(people, pending_person, role):
    response = client_of(people[role]).post(decide_url(pending_person, "valider"))
    pending_person.refresh_from_db()
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    elif role == "coordinator":
        assert response.status_code == 302
    else:
        assert response.status_code == 404
    assert (pending_person.status == PersonStatus.ACTIVE) is (role == "coordinator")


@pytest.mark.parametrize("role", ROLES)
def test_organisation_decisions_are_for_the_coordinator_only(people, role):
    organization = OrganizationFactory(status=OrganizationStatus.PENDING)
    response = client_of(people[role]).post(organization_decide_url(organization, "valider"))
    organization.refresh_from_db()
    if role == "anonymous":
        assert response["Location"].startswith(reverse("account_login"))
    else:
        assert response.status_code == (302 if role == "coordinator" else 404)
    assert (organization.status == OrganizationStatus.ACTIVE) is (role == "coordinator")


def test_decisions_refuse_get(coordinator_client, pending_person):
    assert coordinator_client.get(decide_url(pending_person, "valider")).status_code == 405
    organization = organization_of(pending_person)
    assert (
        coordinator_client.get(organization_decide_url(organization, "valider")).status_code == 405
    )


# --- Query count ---------------------------------------------------------------------------


def bulk_pending(count: int, prefix: str) -> None:
    """`count` pending people: half create an organisation, half join an active one."""
    people = bulk_people(count, prefix=prefix)
    Person.objects.filter(pk__in=[p.pk for p in people]).update(status=PersonStatus.PENDING)
    kind = OrganizationType.objects.get(slug="eaje")
    created = Organization.objects.bulk_create(
        Organization(
            name=f"Crèche {prefix} {i}",
            slug=f"creche-{prefix}-{i}",
            siret=f"{i:05d}{count:09d}"[:14] if i % 3 == 0 else "",
            sector=Sector.EARLY_CHILDHOOD,
            type=kind,
            commune=commune(),
            status=OrganizationStatus.PENDING,
            created_by=person.user,
        )
        for i, person in enumerate(people)
    )
    target = member_of(referent=True).affiliations.get().organization
    Affiliation.objects.bulk_create(
        Affiliation(
            person=person,
            organization=organization if i % 2 == 0 else target,
            is_referent=i % 2 == 0,
            status=AffiliationStatus.PENDING,
        )
        for i, (person, organization) in enumerate(zip(people, created, strict=True))
    )


def count_queries(client, url) -> int:
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200
    return len(context)


def test_queue_query_count_does_not_grow(coordinator_client):
    bulk_pending(10, "peu")
    few = count_queries(coordinator_client, QUEUE)
    bulk_pending(190, "beaucoup")
    many = count_queries(coordinator_client, QUEUE)
    assert few == many, (few, many)
    assert few <= 15, few
    assert Person.objects.pending().count() == 200
