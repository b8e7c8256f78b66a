"""Business rules of registrations that the pages rely on."""

import pytest
from event_factories import EventFactory, RegistrationFactory, in_days
from factories import CoordinatorFactory

from consortium.core.exceptions import DomainError
from events import services
from events.enums import RegistrationStatus

pytestmark = pytest.mark.django_db


def _started_event():
    return EventFactory(sessions=[(in_days(0, 0, 0), in_days(2, 12, 0))])


def test_a_member_cannot_cancel_once_the_event_has_begun():
    registration = RegistrationFactory(event=_started_event())
    with pytest.raises(DomainError, match="a commencé"):
        services.registration_cancel(registration=registration, actor=registration.person.user)
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CONFIRMED


def test_the_coordination_can_still_cancel_after_the_start():
    registration = RegistrationFactory(event=_started_event())
    services.registration_cancel(registration=registration, actor=CoordinatorFactory())
    registration.refresh_from_db()
    assert registration.status == RegistrationStatus.CANCELLED
