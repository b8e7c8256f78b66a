"""PDF documents of an event: attendance sheet (émargement) and attendance certificate."""

from django.utils import timezone

from consortium.core.french import french_order
from consortium.core.pdf import render_pdf

from .models import Event, Registration


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
    from .services import hours_attended, sessions_attended

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
