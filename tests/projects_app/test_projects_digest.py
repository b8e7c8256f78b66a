"""The weekly digest: matched items only, once a week (frozen clocks passed as `now`),
nothing when nothing matches, consent and unsubscribe respected, one-click unsubscribe."""

from datetime import datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from django.test import Client
from django.urls import reverse
from member_factories import member_of
from project_factories import OpportunityFactory, ResourceFactory

from consortium.core.models import AuditLogEntry, OutboxMessage, User
from members.models import AgeGroup, ConsentRecord
from projects.enums import ProjectsAuditAction, PublicationStatus
from projects.models import DigestDelivery
from projects.services.digest import (
    MAX_LISTED,
    digest_send_weekly,
    iso_week,
    person_from_unsubscribe_token,
    unsubscribe_token,
    unsubscribe_url,
)
from projects.tasks.opportunities import send_weekly_digest
from projects_app.opportunities_helpers import (
    ANDILLY,
    CERGY,
    consent,
    organization_with,
    restricted_opportunity,
    subscriber,
)

pytestmark = pytest.mark.django_db

PARIS = ZoneInfo("Europe/Paris")
MONDAY = datetime(2026, 11, 30, 8, 0, tzinfo=PARIS)  # ISO week 2026-W49


def published(days_before_monday: float, **fields):
    return {"published_at": MONDAY - timedelta(days=days_before_monday), **fields}


def digests_of(person):
    return OutboxMessage.objects.filter(template="member_digest", recipient=person.user)


@pytest.fixture
def cergy_culture():
    return organization_with(sector="culture", type_slug="mediatheque", insee=CERGY)


def test_week_is_iso_in_paris():
    assert iso_week(MONDAY) == "2026-W49"
    # Sunday 23:30 in Paris is still week 48, although already Monday in no timezone.
    assert iso_week(datetime(2026, 11, 29, 23, 30, tzinfo=PARIS)) == "2026-W48"


def test_digest_lists_only_matching_items(cergy_culture):
    person = subscriber(cergy_culture)
    ours = restricted_opportunity(
        sectors=["culture"],
        epci_of=[CERGY],
        title="Résidence d'artiste en médiathèque",
        **published(2),
    )
    restricted_opportunity(sectors=["petite_enfance"], title="Fonds crèches", **published(2))
    restricted_opportunity(epci_of=[ANDILLY], title="Appel Plaine Vallée", **published(2))
    resource = ResourceFactory(title="Guide de l'éveil sonore", **published(1))
    babies = ResourceFactory(title="Ressource parents", **published(1))
    babies.age_groups.set(AgeGroup.objects.filter(code="parents"))  # the org has no ages

    assert digest_send_weekly(now=MONDAY) == 1

    message = digests_of(person).get()
    assert ours.title in message.body_text
    assert resource.title in message.body_text
    assert "Fonds crèches" not in message.body_text
    assert "Plaine Vallée" not in message.body_text
    assert babies.title not in message.body_text
    assert "Veille du réseau : 2 nouveautés" in message.subject
    delivery = DigestDelivery.objects.get(person=person)
    assert (delivery.week, delivery.opportunity_count, delivery.resource_count) == (
        "2026-W49",
        1,
        1,
    )
    assert delivery.covered_until == MONDAY


def test_once_a_week_and_each_item_once(cergy_culture):
    person = subscriber(cergy_culture)
    OpportunityFactory(title="Première", **published(1))
    assert digest_send_weekly(now=MONDAY) == 1
    # Same week, later: nothing, even with something new.
    OpportunityFactory(title="Deuxième", published_at=MONDAY + timedelta(hours=2))
    assert digest_send_weekly(now=MONDAY + timedelta(hours=3)) == 0
    assert digest_send_weekly(now=MONDAY + timedelta(days=4)) == 0
    # Next Monday: only what was published since the last digest.
    assert digest_send_weekly(now=MONDAY + timedelta(days=7)) == 1
    second = digests_of(person).get(kind="projects.digest:2026-W50")
    assert "Deuxième" in second.body_text
    assert "Première" not in second.body_text
    assert digests_of(person).count() == 2


def test_first_digest_covers_the_last_seven_days(cergy_culture):
    person = subscriber(cergy_culture)
    OpportunityFactory(title="Trop ancienne", **published(8))
    OpportunityFactory(title="De la semaine", **published(6))
    OpportunityFactory(title="Après coup", published_at=MONDAY + timedelta(minutes=5))
    digest_send_weekly(now=MONDAY)
    body = digests_of(person).get().body_text
    assert "De la semaine" in body
    assert "Trop ancienne" not in body
    assert "Après coup" not in body


def test_nothing_sent_when_nothing_matches(cergy_culture):
    person = subscriber(cergy_culture)
    restricted_opportunity(sectors=["social"], **published(1))
    OpportunityFactory(status=PublicationStatus.DRAFT, published_at=None)
    OpportunityFactory(deadline=MONDAY.date() - timedelta(days=1), **published(1))  # closed
    assert digest_send_weekly(now=MONDAY) == 0
    assert not digests_of(person).exists()
    assert not DigestDelivery.objects.exists()


@pytest.mark.parametrize(
    "case", ["no_consent", "consent_withdrawn", "does_not_want", "inactive_user", "pending"]
)
def test_who_does_not_get_it(case, cergy_culture):
    OpportunityFactory(**published(1))
    if case == "no_consent":
        person = member_of(cergy_culture, wants_digest=True)
    else:
        person = subscriber(cergy_culture)
    if case == "consent_withdrawn":
        consent(person, given=False)  # the latest record wins
    elif case == "does_not_want":
        person.wants_digest = False
        person.save()
    elif case == "inactive_user":
        User.objects.filter(pk=person.user_id).update(is_active=False)
    elif case == "pending":
        person.status = "pending"
        person.save()
    assert digest_send_weekly(now=MONDAY) == 0


def test_consent_given_again_counts(cergy_culture):
    person = member_of(cergy_culture, wants_digest=True)
    consent(person, given=True)
    consent(person, given=False)
    consent(person, given=True)
    OpportunityFactory(**published(1))
    assert digest_send_weekly(now=MONDAY) == 1


def test_headers_and_working_unsubscribe_link(client, settings, cergy_culture):
    person = subscriber(cergy_culture)
    OpportunityFactory(**published(1))
    digest_send_weekly(now=MONDAY)
    message = digests_of(person).get()
    url = unsubscribe_url(person)
    assert message.headers["List-Unsubscribe"] == f"<{url}>"
    assert message.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert url.startswith(settings.SITE_URL)
    assert url in message.body_text
    assert url in message.body_html

    path = url.removeprefix(settings.SITE_URL)
    page = client.get(path)  # no login
    assert page.status_code == 200
    assert "Confirmer le désabonnement" in page.content.decode()
    person.refresh_from_db()
    assert person.wants_digest  # a GET (a mail scanner) changes nothing

    # One-click, as a mail client sends it: a bare POST, no CSRF token, no session.
    strict = Client(enforce_csrf_checks=True)
    response = strict.post(path, {"List-Unsubscribe": "One-Click"})
    assert response.status_code == 200
    person.refresh_from_db()
    assert not person.wants_digest
    latest = ConsentRecord.objects.filter(person=person, purpose="digest").first()
    assert latest.given is False
    assert AuditLogEntry.objects.filter(
        action=ProjectsAuditAction.DIGEST_UNSUBSCRIBED, target_id=str(person.pk)
    ).exists()

    OpportunityFactory(published_at=MONDAY + timedelta(days=2))
    assert digest_send_weekly(now=MONDAY + timedelta(days=7)) == 0
    # A second click changes nothing more.
    strict.post(path)
    assert ConsentRecord.objects.filter(person=person, given=False).count() == 1


def test_tampered_token_changes_nothing(client, cergy_culture):
    person = subscriber(cergy_culture)
    token = unsubscribe_token(person)
    bad = token[:-2] + ("aa" if not token.endswith("aa") else "bb")
    url = reverse("projects:digest_unsubscribe", kwargs={"token": bad})
    assert client.get(url).status_code == 400
    assert client.post(url).status_code == 400
    person.refresh_from_db()
    assert person.wants_digest


def test_query_work_is_bounded_per_recipient(django_assert_max_num_queries, cergy_culture):
    """A constant number of queries per recipient, whatever the number of items."""
    people = [subscriber(cergy_culture) for _ in range(3)]
    for _ in range(30):
        OpportunityFactory(**published(1))
    with django_assert_max_num_queries(4 + 12 * len(people)):
        assert digest_send_weekly(now=MONDAY) == len(people)
    body = digests_of(people[0]).get().body_text
    assert "30 financements" in body  # the count, though the e-mail lists 20


def test_task_runs_the_service(cergy_culture):
    subscriber(cergy_culture)
    OpportunityFactory()
    assert send_weekly_digest.run() == 1
    assert send_weekly_digest.name == "projects.send_weekly_digest"


def test_delivered_once_after_commit(django_capture_on_commit_callbacks, mailoutbox, cergy_culture):
    person = subscriber(cergy_culture)
    OpportunityFactory(**published(1))
    with django_capture_on_commit_callbacks(execute=True):
        digest_send_weekly(now=MONDAY)
    with django_capture_on_commit_callbacks(execute=True):
        digest_send_weekly(now=MONDAY + timedelta(hours=1))
    assert len(mailoutbox) == 1
    email = mailoutbox[0]
    assert email.to == [person.user.email]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"


def test_the_digest_goes_out_on_monday_at_eight_paris_time(settings):
    entry = settings.CELERY_BEAT_SCHEDULE["weekly-digest"]
    assert entry["task"] == "projects.send_weekly_digest"
    schedule = entry["schedule"]
    assert (schedule.day_of_week, schedule.hour, schedule.minute) == ({1}, {8}, {0})
    assert settings.CELERY_TIMEZONE == "Europe/Paris"


def test_the_unsubscribe_link_is_the_same_in_every_digest(cergy_culture):
    person = subscriber(cergy_culture)
    assert unsubscribe_token(person) == unsubscribe_token(person)
    assert person_from_unsubscribe_token(unsubscribe_token(person)) == person
    assert person_from_unsubscribe_token("not-a-token") is None


def test_a_long_digest_lists_twenty_items_and_links_to_the_rest(cergy_culture):
    person = subscriber(cergy_culture)
    for number in range(MAX_LISTED + 1):
        ResourceFactory(title=f"Guide {number:02d}", **published(1))
    assert digest_send_weekly(now=MONDAY) == 1
    message = digests_of(person).get()
    assert message.body_text.count("Guide ") == MAX_LISTED
    assert f"{MAX_LISTED + 1} ressources" in message.body_text
    assert "Toutes les ressources :" in message.body_text
    assert "Voir toutes les ressources" in message.body_html
