"""PDF documents of an event: attendance sheet (émargement) and attendance certificate."""

from django.utils import timezone

from consortium.core.french import french_order
from consortium.core.pdf import render_pdf

from .models import Event, Registration, Session


def attendance_sheet_pdf(event: Event) -> bytes:
    """The sheet to print and sign: one page per session, one line per registrant."""
    sessions = list(event.sessions.all())
    registrations = list(
        event.registrations.confirmed()
        .select_related("person__user")
        .order_by(french_order("person__user__last_name"), french_order("person__user__first_name"))
    )
    return render_pdf(
        template_name="events/pdf/attendance_sheet.html",
        context={"event": event, "sessions": sessions, "registrations": registrations},
    )


def certificate_pdf(registration: Registration) -> bytes:
    """The attestation de présence of one trainee: sessions attended and hours."""
    return render_pdf(
        template_name="events/pdf/certificate.html",
        context={
            "registration": registration,
            "event": registration.event,
            "sessions": sessions_attended(registration),
            "hours": hours_attended(registration),
            "issued_on": timezone.localdate(),
        },
    )


def sessions_attended(registration: Registration, *, now=None) -> list[Session]:
    """The sessions the person attended, by date: only those that have begun count (a
    presence recorded ahead of time is no presence)."""
    now = now or timezone.now()
    attended = [
        a.session
        for a in registration.attendances.all()
        if a.present and a.session.has_started(now)
    ]
    return sorted(attended, key=lambda session: session.starts_at)


def hours_attended(registration: Registration, *, now=None) -> float:
    """Hours of the sessions the person attended (for the certificate)."""
    # float(): set hours are Decimals, computed ones floats, and the two do not add up.
    return sum(
        (float(session.duration_hours) for session in sessions_attended(registration, now=now)),
        0.0,
    )
