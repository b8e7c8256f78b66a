"""Needs that lead to trainings: a searchable picker, a need showing what answers it, a
training drafted from needs, supporters told when it is published, asking for a training."""

import pytest
from django.test import Client
from django.urls import reverse
from event_factories import EventFactory, in_days
from member_factories import NeedFactory, NeedSupportFactory, commune, member_of

from consortium.core.models import OutboxMessage
from events import services
from events.enums import EventKind, EventStatus
from members.enums import NeedStatus
from members.models import NeedTag, Theme


@pytest.fixture
def partner_member_client(client, member):
    client.force_login(member.user)
    return client


def test_the_picker_tells_identical_titles_apart(coordinator_client):
    first = NeedFactory(title="Former à l'éveil musical", commune=commune("95127"))
    second = NeedFactory(title="Former à l'éveil musical", commune=commune("95018"))
    NeedSupportFactory(need=second)
    NeedSupportFactory(need=first)
    NeedSupportFactory(need=first)
    page = coordinator_client.get(reverse("events:create")).content.decode()
    assert 'type="checkbox" name="needs"' in page
    assert "Former à l&#39;éveil musical — Cergy · 2 soutiens · exprimé le" in page
    assert "Former à l&#39;éveil musical — Argenteuil · 1 soutien · exprimé le" in page
    assert "Maintenez Ctrl" not in page
    assert page.count("data-filter ") + page.count("data-filter>") == 1


def test_a_training_drafted_from_needs_keeps_them(coordinator_client):
    need = NeedFactory(title="Lire aux bébés en crèche", description="Des lectures.")
    closed = NeedFactory(status=NeedStatus.CLOSED)
    response = coordinator_client.get(
        reverse("events:create"), {"besoin": [need.pk, closed.pk, "x"]}
    )
    form = response.context["form"]
    assert form.initial["kind"] == EventKind.TRAINING
    assert form.initial["needs"] == [need.pk]
    assert form.initial["title"] == "Formation : Lire aux bébés en crèche"


def test_a_need_shows_the_events_that_answer_it(partner_member_client, coordinator):
    need = NeedFactory()
    answered = EventFactory(title="Chanter avec les tout-petits")
    answered.needs.add(need)
    EventFactory(title="Brouillon", draft=True).needs.add(need)
    page = partner_member_client.get(need.get_absolute_url()).content.decode()
    assert "Chanter avec les tout-petits" in page and "Brouillon" not in page
    assert "Préparer une formation" not in page
    desk = Client()
    desk.force_login(coordinator)
    desk = desk.get(need.get_absolute_url()).content.decode()
    assert f"{reverse('events:create')}?besoin={need.pk}" in desk


@pytest.mark.django_db
def test_supporters_and_author_are_told_once_when_it_is_published(coordinator):
    author, supporter, both = member_of(), member_of(), member_of()
    need = NeedFactory(author=author)
    other = NeedFactory(author=both)
    NeedSupportFactory(need=need, person=supporter)
    NeedSupportFactory(need=need, person=both)
    event = EventFactory(draft=True, sessions=[(in_days(9), in_days(9, 12))])
    event.needs.add(need, other)
    services.event_publish(event=event, actor=coordinator)
    told = OutboxMessage.objects.filter(kind="member_need_answered")
    assert sorted(told.values_list("recipient_email", flat=True)) == sorted(
        [author.user.email, supporter.user.email, both.user.email]
    )
    assert event.title in told.first().subject
    event.status = EventStatus.DRAFT
    event.save()
    services.event_publish(event=event, actor=coordinator)
    assert told.count() == 3


def test_asking_for_a_training_prefills_a_need_of_that_kind(partner_member_client):
    theme = Theme.objects.get(slug="formation")
    tag, _ = NeedTag.objects.get_or_create(slug="formation", defaults={"name": "Formation"})
    form = partner_member_client.get(reverse("members:need_create"), {"formation": "1"}).context[
        "form"
    ]
    assert form.initial["theme"] == theme.pk and form.initial["tags"] == [tag.pk]
    page = partner_member_client.get(reverse("members:needs")).content.decode()
    assert f"{reverse('members:need_create')}?formation=1" in page
