"""Deadline alerts: J-14 and J-3 to followers and to the owners of a live dossier, each
person once per offset (even when both), caught up after a missed day, never twice."""

from datetime import date, timedelta

import pytest
from member_factories import member_of
from project_factories import DossierFactory, OpportunityFactory

from consortium.core.models import OutboxMessage
from members.enums import AffiliationStatus
from projects.enums import DossierStatus, PublicationStatus
from projects.models import OpportunityFollow
from projects.services.opportunities import opportunity_send_deadline_alerts
from projects.tasks.opportunities import send_deadline_alerts

pytestmark = pytest.mark.django_db

DEADLINE = date(2026, 6, 30)


def day(offset: int) -> date:
    """The date `offset` days before the deadline."""
    return DEADLINE - timedelta(days=offset)


def alerts(person=None):
    rows = OutboxMessage.objects.filter(template="member_deadline_alert")
    return rows.filter(recipient=person.user) if person else rows


def follower_of(opportunity):
    person = member_of()
    OpportunityFollow.objects.create(opportunity=opportunity, person=person)
    return person


def owns_a_dossier(person, opportunity, status=DossierStatus.PREPARING):
    """`person` owns a dossier of their organisation on `opportunity`."""
    organization = person.affiliations.get().organization
    DossierFactory(opportunity=opportunity, organization=organization, status=status).owners.add(
        person
    )


def owner_of(opportunity, status=DossierStatus.PREPARING):
    person = member_of()
    owns_a_dossier(person, opportunity, status)
    return person


def run_daily(first: date, last: date) -> dict[date, int]:
    queued, today = {}, first
    while today <= last:
        count = opportunity_send_deadline_alerts(today=today)
        if count:
            queued[today] = count
        today += timedelta(days=1)
    return queued


def test_fires_once_at_j14_and_once_at_j3():
    opportunity = OpportunityFactory(deadline=DEADLINE)
    person = follower_of(opportunity)
    assert run_daily(day(30), DEADLINE + timedelta(days=5)) == {day(14): 1, day(3): 1}
    kinds = sorted(alerts(person).values_list("kind", flat=True))
    assert kinds == [
        f"projects.deadline:14:{DEADLINE.isoformat()}",
        f"projects.deadline:3:{DEADLINE.isoformat()}",
    ]
    # The same day again (a retried task, a second beat): nothing more.
    assert opportunity_send_deadline_alerts(today=day(3)) == 0
    assert opportunity_send_deadline_alerts(today=day(14)) == 0
    assert alerts(person).count() == 2


def test_subject_and_body_say_how_many_days():
    opportunity = OpportunityFactory(deadline=DEADLINE, title="Prix de l'éveil")
    person = follower_of(opportunity)
    opportunity_send_deadline_alerts(today=day(3))
    message = alerts(person).get()
    assert message.subject == "Date limite : « Prix de l'éveil » clôture dans 3 jours"
    assert opportunity.get_absolute_url() in message.body_text
    assert "vous suivez cet appel" in message.body_text


def test_missed_day_is_caught_up():
    opportunity = OpportunityFactory(deadline=DEADLINE)
    person = follower_of(opportunity)
    # Beat was down from J-14 to J-2.
    assert run_daily(day(2), day(1)) == {day(2): 1}
    assert alerts(person).get().kind == f"projects.deadline:3:{DEADLINE.isoformat()}"


def test_follower_and_owner_get_one_email_per_offset():
    opportunity = OpportunityFactory(deadline=DEADLINE)
    both = follower_of(opportunity)
    owns_a_dossier(both, opportunity)
    owner = owner_of(opportunity)
    assert opportunity_send_deadline_alerts(today=day(14)) == 2
    assert alerts(both).count() == 1
    assert alerts(owner).count() == 1
    assert "responsable d'un dossier" in alerts(owner).get().body_text


def test_finished_dossiers_drafts_and_inactive_people_get_nothing():
    opportunity = OpportunityFactory(deadline=DEADLINE)
    owner_of(opportunity, status=DossierStatus.CLOSED)
    owner_of(opportunity, status=DossierStatus.REFUSED)
    pending = follower_of(opportunity)
    pending.status = "pending"
    pending.save()
    draft = OpportunityFactory(deadline=DEADLINE, status=PublicationStatus.DRAFT, published_at=None)
    OpportunityFollow.objects.create(opportunity=draft, person=member_of())
    assert opportunity_send_deadline_alerts(today=day(3)) == 0


def test_a_moved_deadline_is_alerted_again():
    opportunity = OpportunityFactory(deadline=DEADLINE)
    person = follower_of(opportunity)
    opportunity_send_deadline_alerts(today=day(3))
    opportunity.deadline = DEADLINE + timedelta(days=14)
    opportunity.save()
    assert opportunity_send_deadline_alerts(today=DEADLINE + timedelta(days=11)) == 1
    assert alerts(person).count() == 2


def test_task_runs_the_service():
    assert send_deadline_alerts.name == "projects.send_deadline_alerts"
    assert send_deadline_alerts.run() == 0


@pytest.mark.parametrize(
    "status", [DossierStatus.SUBMITTED, DossierStatus.GRANTED, DossierStatus.REPORT_DUE]
)
def test_owners_of_a_dossier_already_submitted_are_not_alerted(status):
    opportunity = OpportunityFactory(deadline=DEADLINE)
    owner_of(opportunity, status=status)
    assert opportunity_send_deadline_alerts(today=day(14)) == 0


def test_an_owner_who_left_the_organisation_is_not_alerted():
    opportunity = OpportunityFactory(deadline=DEADLINE)
    owner = owner_of(opportunity)
    owner.affiliations.update(status=AffiliationStatus.LEFT)
    assert opportunity_send_deadline_alerts(today=day(14)) == 0


def test_each_text_is_rendered_once_and_not_again_once_queued(monkeypatch):
    """Followers share one text, owners another: rendered once each per language, not per
    person; a run repeated the same day leaves those alerted out before rendering."""
    from consortium.core import outbox

    renders = []
    render_email = outbox.render_email
    monkeypatch.setattr(
        outbox, "render_email", lambda **kw: renders.append(kw) or render_email(**kw)
    )
    opportunity = OpportunityFactory(deadline=DEADLINE)
    followers = [follower_of(opportunity) for _ in range(4)]
    owner = owner_of(opportunity)

    assert opportunity_send_deadline_alerts(today=day(3)) == 5
    assert len(renders) == 2
    assert "vous suivez cet appel" not in alerts(owner).get().body_text
    assert all("vous suivez cet appel" in alerts(p).get().body_text for p in followers)
    assert opportunity_send_deadline_alerts(today=day(3)) == 0
    assert len(renders) == 2
