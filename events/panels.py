"""What the events app shows on other apps' pages (consortium/core/panels.py)."""

from django.template.loader import render_to_string

from .models import Event
from .rules import can_manage_events


def need_events_panel(request, need) -> str:
    """On a need's page: the trainings and events that answer it (those the visitor may
    see), and for the coordination, a training drafted from this need in one click."""
    events = (
        Event.objects.visible_to(request.user)
        .filter(needs=need)
        .with_dates()
        .prefetch_related("sessions")
        .order_by("-first_start", "-pk")
    )
    context = {"need": need, "events": list(events), "may_draft": can_manage_events(request.user)}
    return render_to_string("events/panels/need_events.html", context, request=request)
