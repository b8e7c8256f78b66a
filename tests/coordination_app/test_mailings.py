"""Mailings: who a segment reaches (each once), the preview and count against what is
sent, the test to oneself, sending once in outbox batches, the one-click unsubscribe and
the members' archive."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from event_factories import AttendanceFactory, EventFactory, RegistrationFactory
from factories import CoordinatorFactory
from flaky_mail import CountingBackend
from member_factories import (
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
from project_factories import OpportunityFactory

from consortium.core.exceptions import DomainError
from consortium.core.models import AuditLogEntry, OutboxMessage
from consortium.core.outbox import outbox_deliver_many
from coordination import services
from coordination.enums import MailingStatus
from coordination.models import Mailing, MailingDelivery, MailingOptOut
from coordination.segments import mailing_recipients
from members.enums import PersonStatus, Sector
from members.models import Commune, OrganizationType
from projects.models import OpportunityFollow

BODY = (
    "<p>Bonjour à toutes et tous,</p>"
    "<p>La rencontre <strong>Lire aux bébés</strong> a lieu le 12.</p>"
)


def draft(actor=None, *, fields=None, attachment=None, **m2m) -> Mailing:
    actor = actor or CoordinatorFactory()
    base = {"subject": "Rencontre du réseau", "body": BODY, "everyone": False, "sectors": []}
    return services.mailing_create(
        actor=actor, fields=base | (fields or {}), m2m=m2m, attachment=attachment
    )


def reached(mailing) -> set:
    return set(mailing_recipients(mailing))


# --- Segments -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_everyone_reaches_active_members_with_an_active_account_only():
    active = member_of(OrganizationFactory())
    pending = PersonFactory(status=PersonStatus.PENDING)
    refused = PersonFactory(status=PersonStatus.REFUSED)
    disabled = PersonFactory()
    disabled.user.is_active = False
    disabled.user.save()
    left = PersonFactory()
    MailingOptOut.objects.create(person=left, source="link")

    assert reached(draft(fields={"everyone": True})) == {active}
    assert not {pending, refused, disabled, left} & reached(draft(fields={"everyone": True}))


@pytest.mark.django_db
def test_each_kind_of_segment():
    culture = OrganizationFactory(
        sector=Sector.CULTURE, type=OrganizationType.objects.get(slug="mediatheque")
    )
    far = Commune.objects.exclude(epci=commune().epci).first()
    elsewhere = OrganizationFactory(commune=far)
    in_culture, in_cergy, in_elsewhere = member_of(culture), member_of(), member_of(elsewhere)
    archived = OrganizationFactory(status="archived", sector=Sector.CULTURE)
    member_of(archived)  # an archived organisation's members are not "of the sector"
    group = WorkingGroupFactory()
    grouped = GroupMembershipFactory(group=group).person
    GroupMembershipFactory(group=group, status="requested")
    event = EventFactory()
    registered = RegistrationFactory(event=event).person
    RegistrationFactory(event=event, status="cancelled")
    attended = AttendanceFactory(registration=RegistrationFactory(event=event)).registration.person
    need = NeedFactory()
    supporter = NeedSupportFactory(need=need).person
    opportunity = OpportunityFactory()
    follower = PersonFactory()
    OpportunityFollow.objects.create(opportunity=opportunity, person=follower)

    assert reached(draft(fields={"sectors": [Sector.CULTURE]})) == {in_culture}
    assert reached(draft(organization_types=[culture.type])) == {in_culture}
    assert reached(draft(epcis=[far.epci])) == {in_elsewhere}
    assert reached(draft(communes=[commune()])) == {in_culture, in_cergy}
    assert reached(draft(groups=[group])) == {grouped}
    assert reached(draft(registrants_of=[event])) == {registered, attended}
    assert reached(draft(attendees_of=[event])) == {attended}
    assert reached(draft(needs=[need])) == {need.author, supporter}
    assert reached(draft(opportunities=[opportunity])) == {follower}


@pytest.mark.django_db
def test_a_person_in_several_segments_is_reached_once(
    mailoutbox, django_capture_on_commit_callbacks
):
    person = member_of(OrganizationFactory(sector=Sector.CULTURE))
    group = WorkingGroupFactory()
    GroupMembershipFactory(group=group, person=person)
    event = EventFactory()
    RegistrationFactory(event=event, person=person)
    mailing = draft(fields={"sectors": [Sector.CULTURE]}, groups=[group], registrants_of=[event])

    assert list(mailing_recipients(mailing)) == [person]
    with django_capture_on_commit_callbacks(execute=True):
        assert services.mailing_send(actor=mailing.created_by, mailing=mailing) == 1
    assert [sent.to for sent in mailoutbox] == [[person.user.email]]


# --- Preview, count, test, send -------------------------------------------------------------


@pytest.mark.django_db
def test_the_page_shows_the_count_and_preview_that_match_what_is_sent(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    people = [member_of() for _ in range(3)]
    coordinator = CoordinatorFactory()
    mailing = draft(coordinator, fields={"everyone": True})
    client.force_login(coordinator)

    page = client.get(mailing.get_absolute_url()).content.decode()
    assert "Ce message toucherait 3 personnes." in page
    assert "<strong>Lire aux bébés</strong>" in page

    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(reverse("coordination:mailing_send", kwargs={"pk": mailing.pk}))
    assert response.status_code == 302
    assert sorted(sent.to[0] for sent in mailoutbox) == sorted(p.user.email for p in people)
    html = mailoutbox[0].alternatives[0][0]
    assert "<strong>Lire aux bébés</strong>" in html
    assert "Lire aux bébés a lieu le 12." in mailoutbox[0].body  # the text part, no tags
    mailing.refresh_from_db()
    assert (mailing.status, mailing.recipient_count) == (MailingStatus.SENDING, 3)
    page = client.get(mailing.get_absolute_url()).content.decode()
    assert "Envoyé à 3 personnes." in page
    assert "<dt>Partis</dt><dd>3</dd>" in page


@pytest.mark.django_db
def test_a_test_goes_to_the_coordinator_only(
    client, mailoutbox, django_capture_on_commit_callbacks
):
    member_of()
    coordinator = CoordinatorFactory()
    mailing = draft(coordinator, fields={"everyone": True})
    client.force_login(coordinator)

    with django_capture_on_commit_callbacks(execute=True):
        client.post(reverse("coordination:mailing_test", kwargs={"pk": mailing.pk}))
        client.post(reverse("coordination:mailing_test", kwargs={"pk": mailing.pk}))

    assert [sent.to for sent in mailoutbox] == [[coordinator.email]] * 2
    assert mailoutbox[0].subject == "[Test] Rencontre du réseau"
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DRAFT and not mailing.deliveries.exists()


@pytest.mark.django_db
def test_sending_twice_changes_nothing(mailoutbox):
    member_of()
    mailing = draft(fields={"everyone": True})
    services.mailing_send(actor=mailing.created_by, mailing=mailing)
    rows = list(OutboxMessage.objects.values_list("pk", flat=True))

    with pytest.raises(DomainError, match="une seconde fois"):
        services.mailing_send(actor=mailing.created_by, mailing=mailing)

    assert list(OutboxMessage.objects.values_list("pk", flat=True)) == rows
    assert MailingDelivery.objects.count() == 1
    assert AuditLogEntry.objects.filter(action="coordination.mailing_sent").count() == 1


@pytest.mark.django_db
def test_a_mailing_reaching_nobody_or_without_segment_is_refused(client):
    mailing = draft(fields={"sectors": [Sector.CULTURE]})
    with pytest.raises(DomainError, match="personne"):
        services.mailing_send(actor=mailing.created_by, mailing=mailing)
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.DRAFT and not OutboxMessage.objects.exists()

    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    response = client.post(
        reverse("coordination:mailing_create"), {"subject": "Sans cible", "body": "x"}
    )
    assert "Choisissez au moins un groupe de destinataires" in response.content.decode()
    assert Mailing.objects.count() == 1


@pytest.mark.django_db
def test_the_mailing_goes_through_the_outbox_in_bulk_and_batches(
    settings, django_assert_max_num_queries
):
    CountingBackend.reset()
    settings.MAILERS = {"default": {"BACKEND": "flaky_mail.CountingBackend"}}
    bulk_people(30)
    mailing = draft(fields={"everyone": True})

    # Recipients, lock and step, deliveries and outbox rows in bulk: not a query per person.
    with django_assert_max_num_queries(16):
        services.mailing_send(actor=mailing.created_by, mailing=mailing)

    rows = OutboxMessage.objects.filter(kind=mailing.outbox_kind).order_by("pk")
    assert rows.count() == 30
    result = outbox_deliver_many(message_ids=[row.pk for row in rows])
    assert len(result["sent"]) == 30 and CountingBackend.opened == 1
    assert services.mailings_settle() == 1
    mailing.refresh_from_db()
    assert mailing.status == MailingStatus.SENT


@pytest.mark.django_db
def test_each_person_gets_their_own_unsubscribe_link_and_headers(mailoutbox):
    first, second = member_of(), member_of()
    mailing = draft(fields={"everyone": True})
    services.mailing_send(actor=mailing.created_by, mailing=mailing)
    for person in (first, second):
        row = OutboxMessage.objects.get(recipient=person.user)
        url = services.unsubscribe_url(person)
        assert row.headers["List-Unsubscribe"] == f"<{url}>"
        assert row.headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert url in row.body_text and url in row.body_html


@pytest.mark.django_db
def test_the_attachment_is_checked_and_sent_from_the_storage(client, mailoutbox):
    member_of()
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    data = {"subject": "Programme", "body": "Voici le programme.", "everyone": "on"}

    fake = SimpleUploadedFile("programme.pdf", b"MZ not a pdf")
    response = client.post(reverse("coordination:mailing_create"), data | {"attachment": fake})
    assert "ne correspond pas à son extension" in response.content.decode()
    assert not Mailing.objects.exists()

    pdf = SimpleUploadedFile("programme.pdf", b"%PDF-1.4 programme")
    client.post(reverse("coordination:mailing_create"), data | {"attachment": pdf})
    mailing = Mailing.objects.get()
    services.mailing_send(actor=coordinator, mailing=mailing)
    row = OutboxMessage.objects.get(kind=mailing.outbox_kind)
    assert row.attachments[0]["stored_name"] == mailing.attachment.name
    outbox_deliver_many(message_ids=[row.pk])
    assert mailoutbox[0].attachments[0].content == b"%PDF-1.4 programme"


@pytest.mark.django_db
def test_from_an_events_registrations_page_in_two_clicks(client):
    event = EventFactory()
    coordinator = CoordinatorFactory()
    client.force_login(coordinator)
    page = client.get(reverse("events:registrations", kwargs={"slug": event.slug})).content.decode()
    link = f"/coordination/envois/nouveau/?rencontre={event.slug}"
    assert link in page
    form = client.get(link).context["form"]
    assert form.initial["registrants_of"] == [event.pk]


# --- Unsubscribing --------------------------------------------------------------------------


@pytest.mark.django_db
def test_one_click_unsubscribe_get_asks_post_leaves_idempotent():
    person = member_of()
    url = reverse("coordination:unsubscribe", kwargs={"token": services.unsubscribe_token(person)})
    strict = Client(enforce_csrf_checks=True)

    assert "Confirmer la désinscription" in strict.get(url).content.decode()
    assert not MailingOptOut.objects.exists()
    assert strict.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert strict.post(url, {"List-Unsubscribe": "One-Click"}).status_code == 200
    assert MailingOptOut.objects.get().person == person
    assert AuditLogEntry.objects.filter(action="coordination.mailings_unsubscribed").count() == 1
    assert person not in reached(draft(fields={"everyone": True}))


@pytest.mark.django_db
def test_a_tampered_token_changes_nothing(client):
    person = member_of()
    token = services.unsubscribe_token(person)
    other = PersonFactory()
    forged = f"{other.pk}:{token.split(':', 1)[1]}"
    for bad in (forged, "n-importe-quoi", token + "x"):
        url = reverse("coordination:unsubscribe", kwargs={"token": bad})
        assert client.post(url).status_code == 400
    digest = reverse("projects:digest_unsubscribe", kwargs={"token": token})
    assert client.post(digest).status_code == 400  # another salt: not the digest's key
    assert not MailingOptOut.objects.exists()


@pytest.mark.django_db
def test_a_member_leaves_and_comes_back_from_their_space(client):
    person = member_of()
    client.force_login(person.user)
    url = reverse("coordination:my_subscription")
    client.post(url, {"action": "quitter"})
    assert MailingOptOut.objects.get(person=person).source == "space"
    client.post(url, {"action": "reprendre"})
    assert not MailingOptOut.objects.exists()


# --- Archive and observers ------------------------------------------------------------------


@pytest.mark.django_db
def test_members_see_the_mailings_sent_to_them_only(client):
    reader, other = member_of(), member_of()
    mine = draft(fields={"everyone": True})
    services.mailing_send(actor=mine.created_by, mailing=mine)
    MailingOptOut.objects.create(person=reader, source="link")
    theirs = draft(fields={"everyone": True, "subject": "Pas pour moi"})
    services.mailing_send(actor=theirs.created_by, mailing=theirs)
    draft(fields={"everyone": True, "subject": "Brouillon"})

    client.force_login(reader.user)
    page = client.get(reverse("coordination:my_mailings")).content.decode()
    assert "Rencontre du réseau" in page and "Pas pour moi" not in page and "Brouillon" not in page
    assert client.get(reverse("coordination:my_mailing", kwargs={"pk": mine.pk})).status_code == 200
    assert (
        client.get(reverse("coordination:my_mailing", kwargs={"pk": theirs.pk})).status_code == 404
    )
    client.force_login(other.user)
    assert (
        client.get(reverse("coordination:my_mailing", kwargs={"pk": theirs.pk})).status_code == 200
    )


@pytest.mark.django_db
def test_observers_read_without_a_single_form_or_button(observer_client):
    member_of()
    mailing = draft(fields={"everyone": True})
    for url in (reverse("coordination:mailings"), mailing.get_absolute_url()):
        page = observer_client.get(url).content.decode()
        assert 'action="/coordination/' not in page
        assert "/modifier/" not in page and "/nouveau/" not in page
    services.mailing_send(actor=mailing.created_by, mailing=mailing)
    page = observer_client.get(mailing.get_absolute_url()).content.decode()
    assert "Envoyé à 1 personne." in page and 'action="/coordination/' not in page


def _mailings_sent(count: int) -> None:
    coordinator = CoordinatorFactory()
    for index in range(count):
        mailing = draft(coordinator, fields={"everyone": True, "subject": f"Envoi {index}"})
        services.mailing_send(actor=coordinator, mailing=mailing)


@pytest.mark.django_db
def test_the_list_and_the_archive_cost_the_same_queries_for_2_or_12_mailings(
    client, django_assert_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    person = member_of()
    coordinator = CoordinatorFactory()
    counts = []
    for total in (2, 12):
        _mailings_sent(total - Mailing.objects.count())
        for user, url in (
            (coordinator, "coordination:mailings"),
            (person.user, "coordination:my_mailings"),
        ):
            client.force_login(user)
            with CaptureQueriesContext(connection) as queries:
                assert client.get(reverse(url)).status_code == 200
            counts.append((url, len(queries)))
    assert counts[:2] == counts[2:]
