"""Writes of the events app: events, registrations with waitlist, attendance, reminders."""

from datetime import timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Q, prefetch_related_objects
from django.utils import timezone
from django.utils.translation import gettext as _

from consortium.core.exceptions import DomainError, PermissionRefused
from consortium.core.models import User
from consortium.core.outbox import (
    Addressee,
    already_queued,
    attachment,
    outbox_enqueue,
    outbox_enqueue_many,
)
from consortium.core.pagecache import content_changed
from consortium.core.services import audit_log_record
from consortium.core.slugs import unique_slug
from consortium.core.workflows import workflow_apply
from members.enums import AffiliationStatus
from members.models import Person

from .calendar import calendar_for_event
from .enums import EventKind, EventsAuditAction, EventStatus, RegistrationStatus
from .models import Attendance, CalendarFeed, Event, Registration, ReminderPolicy, Session
from .rules import can_cancel_after_start, can_manage_events, can_register_outside_dates
from .workflows import EVENT_TRANSITIONS, REGISTRATION_TRANSITIONS

# Fixed addresses next to the events' own (/agenda/mes-inscriptions/,
# /coordination/rencontres/nouvelle/ and rappels/): no event may take them.
RESERVED_SLUGS = ("mes-inscriptions", "nouvelle", "rappels")


# --- Events ----------------------------------------------------------------------------


def _require_manager(actor: User | None) -> None:
    if not can_manage_events(actor):
        raise PermissionRefused(_("Seule la coordination gère les rencontres."))


@transaction.atomic
def event_create(*, actor: User, fields: dict, needs=()) -> Event:
    """The coordinator creates an event (its sessions are added with session_save)."""
    _require_manager(actor)
    event = Event(
        **fields,
        slug=unique_slug(model=Event, text=fields["title"], reserved=RESERVED_SLUGS),
    )
    event.full_clean(validate_constraints=False)
    event.save()
    event.needs.set(needs)
    audit_log_record(actor=actor, action=EventsAuditAction.EVENT_CREATED, target=event)
    return event


@transaction.atomic
def event_update(*, event: Event, actor: User, fields: dict, needs=None) -> Event:
    """The coordinator edits an event."""
    _require_manager(actor)
    for name, value in fields.items():
        setattr(event, name, value)
    event.full_clean(validate_constraints=False)
    event.save()
    if needs is not None:
        event.needs.set(needs)
    audit_log_record(actor=actor, action=EventsAuditAction.EVENT_UPDATED, target=event)
    return event


def _touch(event: Event) -> None:
    # A feed of events tells a change by its events' updated_at: a session's is its event's.
    Event.objects.filter(pk=event.pk).update(updated_at=timezone.now())
    content_changed()


@transaction.atomic
def session_save(
    *, event: Event, actor: User, fields: dict, session: Session | None = None
) -> Session:
    """Add or change a session. A moved date gets reminders again, for the new date."""
    _require_manager(actor)
    session = session or Session(event=event)
    for name, value in fields.items():
        setattr(session, name, value)
    session.full_clean(validate_constraints=False)
    session.save()
    audit_log_record(
        actor=actor,
        action=EventsAuditAction.SESSION_SAVED,
        target=event,
        data={"session": session.pk},
    )
    _touch(event)
    return session


@transaction.atomic
def session_delete(*, session: Session, actor: User) -> None:
    """Remove a session; an event keeps at least one."""
    _require_manager(actor)
    event = _locked(session.event)  # two deletions at once must not leave none
    if event.sessions.count() <= 1:
        raise DomainError(_("Une rencontre garde au moins une séance."))
    data = {"session": session.pk}
    session.delete()
    audit_log_record(actor=actor, action=EventsAuditAction.SESSION_DELETED, target=event, data=data)
    _touch(event)


@transaction.atomic
def event_duplicate(*, event: Event, actor: User, shift: timedelta = timedelta(0)) -> Event:
    """A draft copy of an event (sessions moved by `shift`), without its registrations."""
    fields = {
        field.name: getattr(event, field.name)
        for field in Event._meta.concrete_fields
        if field.name not in {"id", "slug", "status", "created_at", "updated_at"}
    }
    fields["title"] = f"{event.title} (copie)"
    fields["registration_opens_at"] = timezone.now()
    fields["registration_closes_at"] = None
    copy = event_create(actor=actor, fields=fields, needs=event.needs.all())
    Session.objects.bulk_create(
        Session(
            event=copy,
            starts_at=session.starts_at + shift,
            ends_at=session.ends_at + shift,
            label=session.label,
            hours=session.hours,
        )
        for session in event.sessions.all()
    )
    return copy


@transaction.atomic
def event_publish(*, event: Event, actor: User) -> Event:
    """Make a draft visible (in the agenda for a public event); a cancelled one stays so."""
    if not event.sessions.exists():
        raise DomainError(_("Ajoutez au moins une séance avant de publier."))
    workflow_apply(
        transitions=EVENT_TRANSITIONS,
        obj=event,
        name="publier",
        actor=actor,
        audit_action=EventsAuditAction.EVENT_PUBLISHED,
    )
    _tell_needs_answered(event)
    return event


def _tell_needs_answered(event: Event) -> None:
    """Those who expressed or supported a need the event answers hear of it once (the
    outbox's key: this event, their address), in their language."""
    needs = list(event.needs.order_by("pk"))
    if not needs or event.status != EventStatus.PUBLISHED:
        return
    people = Person.objects.active().filter(
        Q(need_supports__need__in=needs) | Q(needs__in=needs), user__is_active=True
    )
    users = {person.user for person in people.select_related("user").distinct()}
    outbox_enqueue_many(
        template="member_need_answered",
        addressees=[Addressee(user, target=event) for user in sorted(users, key=lambda u: u.pk)],
        context={"event": event, "needs": needs},
        kind="member_need_answered",
    )


@transaction.atomic
def event_cancel(*, event: Event, actor: User, message: str) -> Event:
    """Cancel an event and tell everyone registered or waiting, once.

    The status is checked under the event's row lock: a second cancel (a double click,
    two tabs) is refused and e-mails nobody again.
    """
    workflow_apply(
        transitions=EVENT_TRANSITIONS,
        obj=event,
        name="annuler",
        actor=actor,
        comment=message,
        audit_action=EventsAuditAction.EVENT_CANCELLED,
    )
    _tell_cancelled(event, message)
    return event


def _tell_cancelled(event: Event, message: str) -> None:
    """One text for those registered, one for those waiting, each rendered once per
    language however many people are told."""
    registrations = event.registrations.active().filter(person__isnull=False)
    registrations = list(registrations.select_related("person__user"))
    kind = f"participant_event_cancelled:{timezone.now().isoformat()}"
    waiting = RegistrationStatus.WAITLISTED
    for waitlisted in (False, True):
        group = [r for r in registrations if (r.status == waiting) == waitlisted]
        outbox_enqueue_many(
            template="participant_event_cancelled",
            addressees=[Addressee(r.person.user, target=r) for r in group],
            context={"event": event, "message": message, "waitlisted": waitlisted},
            kind=kind,
        )


# --- Registrations ---------------------------------------------------------------------


def _notify(registration: Registration, template: str, context: dict | None = None, **kw):
    if registration.person is None:
        return None
    context = {"event": registration.event, "registration": registration, **(context or {})}
    return outbox_enqueue(
        template=template,
        recipient=registration.person.user,
        context=context,
        target=registration,
        kind=kw.pop("kind", f"{template}:{timezone.now().isoformat()}"),
        **kw,
    )


def _locked(event: Event) -> Event:
    # Every change of the seats of an event goes through this lock, so that two people
    # cannot both take the last seat (PostgreSQL row lock; SQLite serialises writers).
    return Event.objects.select_for_update().get(pk=event.pk)


def _organization_name(person: Person) -> str:
    affiliation = (
        person.affiliations.filter(status=AffiliationStatus.ACTIVE)
        .select_related("organization")
        .first()
    )
    return affiliation.organization.name if affiliation else ""


@transaction.atomic
def registration_create(*, event: Event, person: Person, actor: User) -> Registration:
    """Register `person`: a seat if one is left, else the waitlist.

    `actor` is the person themself, or the coordinator registering someone: she may do it
    outside the opening dates (and is kept as `registered_by`).
    """
    event = _locked(event)
    if not can_register_outside_dates(actor, event) and not event.registration_is_open():
        raise DomainError(_("Les inscriptions à cette rencontre ne sont pas ouvertes."))
    registration, _created = Registration.objects.get_or_create(
        event=event, person=person, defaults={"status": RegistrationStatus.CANCELLED}
    )
    full = event.registrations.confirmed().count() >= event.capacity
    workflow_apply(
        transitions=REGISTRATION_TRANSITIONS,
        obj=registration,
        name="mettre-en-attente" if full else "inscrire",
        actor=actor,
        audit_action=EventsAuditAction.REGISTRATION_CREATED,
        audit_target=event,  # a registration's name is a person's
        extra={
            "waitlisted_at": timezone.now() if full else None,
            "cancelled_at": None,
            "registered_by": None if actor.pk == person.user_id else actor,
            "organization_name": _organization_name(person),
        },
    )
    template = (
        "participant_registration_waitlisted" if full else "participant_registration_confirmed"
    )
    context = {"position": _waitlist_position(registration)} if full else {}
    _notify(registration, template, context, attachments=[] if full else [_ics(event)])
    return registration


def _waitlist_position(registration: Registration) -> int:
    """1 for the next person to get a seat."""
    return (
        Registration.objects.filter(pk=registration.pk)
        .with_waitlist_position()
        .values_list("waitlist_position", flat=True)
        .get()
    )


def _ics(event: Event) -> dict:
    return attachment(
        filename=f"{event.slug}.ics",
        content=calendar_for_event(event, with_private_link=True).to_ical().decode(),
        mimetype="text/calendar",
    )


@transaction.atomic
def registration_cancel(*, registration: Registration, actor: User) -> Registration:
    """Cancel a registration; a freed seat goes to the first person on the waitlist.

    `actor`: the person themself or the coordination. Once the event has begun, only the
    coordination may still cancel.
    """
    event = _locked(registration.event)
    registration.refresh_from_db()
    if registration.status == RegistrationStatus.CANCELLED:
        raise DomainError(_("Cette inscription est déjà annulée."))
    start = event.first_start
    started = start is not None and start <= timezone.now()
    if started and not can_cancel_after_start(actor, registration):
        raise DomainError(
            _("La rencontre a commencé : votre inscription ne peut plus être annulée.")
        )
    freed_seat = registration.status == RegistrationStatus.CONFIRMED
    workflow_apply(
        transitions=REGISTRATION_TRANSITIONS,
        obj=registration,
        name="annuler",
        actor=actor,
        audit_action=EventsAuditAction.REGISTRATION_CANCELLED,
        audit_target=event,
        extra={"cancelled_at": timezone.now()},
    )
    if freed_seat:
        _promote_waitlist(event, actor=actor)
    return registration


def _promote_waitlist(event: Event, *, actor: User) -> None:
    free = event.capacity - event.registrations.confirmed().count()
    for registration in event.registrations.waitlisted()[: max(free, 0)]:
        workflow_apply(
            transitions=REGISTRATION_TRANSITIONS,
            obj=registration,
            name="place-liberee",
            actor=actor,
            audit_action=EventsAuditAction.REGISTRATION_PROMOTED,
            audit_target=event,
        )
        _notify(registration, "participant_registration_promoted", attachments=[_ics(event)])


@transaction.atomic
def registration_promote(*, registration: Registration, actor: User) -> Registration:
    """The coordinator gives a seat to someone on the waitlist, even past capacity."""
    _locked(registration.event)
    workflow_apply(
        transitions=REGISTRATION_TRANSITIONS,
        obj=registration,
        name="promouvoir",
        actor=actor,
        audit_action=EventsAuditAction.REGISTRATION_PROMOTED,
        audit_target=registration.event,
    )
    _notify(
        registration, "participant_registration_promoted", attachments=[_ics(registration.event)]
    )
    return registration


@transaction.atomic
def registration_move(*, registration: Registration, to_event: Event, actor: User) -> Registration:
    """The coordinator moves someone to another event (e.g. another date of a training)."""
    _require_manager(actor)
    if registration.person is None:
        raise DomainError(_("Ce compte a été supprimé : son inscription ne peut être déplacée."))
    if to_event.pk == registration.event_id:
        raise DomainError(_("Choisissez une autre rencontre."))
    person = registration.person
    registration_cancel(registration=registration, actor=actor)
    moved = registration_create(event=to_event, person=person, actor=actor)
    audit_log_record(actor=actor, action=EventsAuditAction.REGISTRATION_MOVED, target=to_event)
    return moved


# --- Attendance ------------------------------------------------------------------------


@transaction.atomic
def attendance_mark(
    *, session: Session, registration: Registration, present: bool, actor: User
) -> Attendance:
    """Mark someone present or absent at one session (émargement)."""
    if registration.event_id != session.event_id:
        raise DomainError(_("Cette personne n'est pas inscrite à cette rencontre."))
    if registration.status != RegistrationStatus.CONFIRMED:
        raise DomainError(_("Seules les personnes inscrites peuvent être émargées."))
    if not session.has_started():
        raise DomainError(_("La séance n'a pas encore commencé : l'émargement ouvre à son début."))
    attendance, _created = Attendance.objects.update_or_create(
        registration=registration,
        session=session,
        defaults={"present": present, "marked_by": actor, "marked_at": timezone.now()},
    )
    return attendance


@transaction.atomic
def attendance_save(*, session: Session, marks: dict[Registration, bool], actor: User) -> int:
    """Save the émargement of a whole session at once (all marks or none)."""
    for registration, present in marks.items():
        attendance_mark(session=session, registration=registration, present=present, actor=actor)
    return len(marks)


@transaction.atomic
def reminder_policy_update(
    *, actor: User, offsets_days: list[int], certificate_delay_hours: int
) -> ReminderPolicy:
    """The coordinator changes when reminders and certificates are sent."""
    policy = ReminderPolicy.current()
    policy.offsets_days = sorted(set(offsets_days), reverse=True)
    policy.certificate_delay_hours = certificate_delay_hours
    policy.full_clean()
    policy.save()
    audit_log_record(actor=actor, action=EventsAuditAction.REMINDERS_UPDATED, target=policy)
    return policy


# --- Reminders and certificates (beat) -------------------------------------------------


def _due_offsets(policy: ReminderPolicy) -> list[tuple[int, int]]:
    """(offset, until) pairs in days: J-d is due from d days before the start until `until`
    days before, one day later at most (and never once the next reminder is due). A beat
    that missed a few hours catches up; someone registering at J-3 gets J-1 only, not a
    late "in 7 days"."""
    offsets = sorted({int(days) for days in policy.offsets_days if int(days) > 0}, reverse=True)
    following = [*offsets[1:], 0]
    return [(days, max(after, days - 1)) for days, after in zip(offsets, following, strict=True)]


def reminders_sweep(*, now=None) -> int:
    """Queue the reminders that are due; each (registration, offset, date) once only.

    The kind of each message carries the offset and the start date (Paris) of the event,
    so two sweeps never send it twice, and an event moved to another day is reminded
    again (not one moved by an hour on the same day).
    """
    now = now or timezone.now()
    queued = 0
    for days, after in _due_offsets(ReminderPolicy.current()):
        events = (
            Event.objects.filter(status=EventStatus.PUBLISHED)
            .with_dates()
            .filter(first_start__gt=now + timedelta(days=after))
            .filter(first_start__lte=now + timedelta(days=days))
        )
        for event in events:
            queued += _remind(event, days)
    return queued


def _remind(event: Event, days: int) -> int:
    day = timezone.localdate(event.first_start, timezone.get_default_timezone())
    kind = f"participant_event_reminder:J-{days}:{day.isoformat()}"
    # Those already reminded are left out in the same query, before anything is rendered:
    # most hourly sweeps have nothing new to send.
    registrations = list(
        event.registrations.confirmed()
        .filter(person__wants_reminders=True)
        .exclude(already_queued(kind=kind, model=Registration, email="person__user__email"))
        .select_related("person__user")
    )
    if not registrations:
        return 0
    prefetch_related_objects([event], "sessions")  # listed in every reminder
    # The same reminder for everyone: rendered once per language, queued in bulk.
    messages = outbox_enqueue_many(
        template="participant_event_reminder",
        addressees=[Addressee(r.person.user, target=r) for r in registrations],
        context={"event": event, "days": days},
        kind=kind,
        attachments=[_ics(event)],
    )
    return len(messages)


def certificates_sweep(*, now=None) -> int:
    """E-mail their attendance certificate to trainees, once the training is over."""
    from .documents import certificate_pdf

    now = now or timezone.now()
    delay = timedelta(hours=ReminderPolicy.current().certificate_delay_hours)
    trainings = (
        Event.objects.filter(kind=EventKind.TRAINING, status=EventStatus.PUBLISHED)
        .with_dates()
        .filter(last_end__lte=now - delay, last_end__gte=now - delay - timedelta(days=30))
    )
    sent = 0
    for event in trainings:
        for registration in _certified(event):
            # Rendering takes a while: never inside the write transaction, which would keep
            # the worker (or, on SQLite, any other writer) waiting.
            pdf = certificate_pdf(registration)
            sent += _certificate_send(registration, pdf=pdf, now=now)
    return sent


@transaction.atomic
def _certificate_send(registration: Registration, *, pdf: bytes, now) -> int:
    """Queue the certificate and mark it sent, unless another sweep did it meanwhile."""
    claimed = Registration.objects.filter(
        pk=registration.pk, certificate_sent_at__isnull=True
    ).update(certificate_sent_at=now)
    if not claimed:
        return 0
    _notify(
        registration,
        "participant_training_certificate",
        kind="participant_training_certificate",
        attachments=[
            attachment(
                filename=f"attestation-{registration.event.slug}.pdf",
                content=pdf,
                mimetype="application/pdf",
            )
        ],
    )
    return 1


def _certified(event: Event):
    return (
        event.registrations.confirmed()
        .filter(certificate_sent_at__isnull=True, attendances__present=True)
        .distinct()
        .select_related("person__user", "event")
        .prefetch_related("attendances__session")
    )


# --- Personal calendar feed ------------------------------------------------------------


@transaction.atomic
def calendar_feed_for(*, person: Person) -> CalendarFeed:
    """The secret feed of `person`'s registrations, created the first time it is asked for."""
    feed, _created = CalendarFeed.objects.get_or_create(person=person)
    return feed


@transaction.atomic
def calendar_feed_regenerate(*, person: Person) -> CalendarFeed:
    """A new secret address (the old one stops working), e.g. after it was shared."""
    feed = calendar_feed_for(person=person)
    feed.token = CalendarFeed._meta.get_field("token").get_default()
    feed.save(update_fields=["token"])
    return feed


@transaction.atomic
def registrations_anonymise_old(*, now=None) -> int:
    """Detach people from registrations of events over for the retention period.

    The rows stay (status, the organisation's name, the presences per session) for the
    counts of the activity report and the hours of a certificate; every account they
    named goes: the person, who registered them, who marked each presence. Returns the
    number of registrations that lost their person.
    """
    limit = (now or timezone.now()) - timedelta(days=settings.ATTENDANCE_RETENTION_DAYS)
    old_events = Event.objects.with_dates().filter(last_end__lt=limit).values("pk")
    old = Registration.objects.filter(event__in=old_events)
    Attendance.objects.filter(registration__in=old, marked_by__isnull=False).update(marked_by=None)
    old.filter(registered_by__isnull=False).update(registered_by=None)
    return old.filter(person__isnull=False).update(person=None)
