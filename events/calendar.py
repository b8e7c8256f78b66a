"""iCalendar files of the agenda, built with the `icalendar` library.

UIDs are stable (one per session), times are in Europe/Paris with their VTIMEZONE, and
each event carries a reminder (VALARM) the day before.
"""

from datetime import timedelta
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from icalendar import Alarm, Calendar
from icalendar import Event as VEvent

PARIS = ZoneInfo(settings.TIME_ZONE)


def _calendar(name: str) -> Calendar:
    calendar = Calendar()
    calendar.add("prodid", "-//Consortium éveil artistique et culturel du Val-d'Oise//agenda//FR")
    calendar.add("version", "2.0")
    calendar.add("x-wr-calname", name)
    calendar.add("x-wr-timezone", settings.TIME_ZONE)
    return calendar


def _uid(session) -> str:
    return f"seance-{session.pk}@{urlsplit(settings.SITE_URL).hostname or 'consortium'}"


def _location(event, with_private_link: bool) -> str:
    if event.is_online:
        return event.online_url if with_private_link else "En ligne"
    parts = [event.venue, event.address, event.commune.name if event.commune else ""]
    return ", ".join(part for part in parts if part)


def _vevent(event, session, with_private_link: bool) -> VEvent:
    vevent = VEvent()
    vevent.add("uid", _uid(session))
    vevent.add("dtstamp", timezone.now())
    vevent.add("dtstart", session.starts_at.astimezone(PARIS))
    vevent.add("dtend", session.ends_at.astimezone(PARIS))
    title = f"{event.title} – {session.label}" if session.label else event.title
    vevent.add("summary", title)
    vevent.add("description", event.description[:2000])
    vevent.add("location", _location(event, with_private_link))
    vevent.add("url", f"{settings.SITE_URL}{event.get_absolute_url()}")
    if event.status == "cancelled":
        vevent.add("status", "CANCELLED")
    alarm = Alarm()
    alarm.add("action", "DISPLAY")
    alarm.add("description", title)
    alarm.add("trigger", timedelta(days=-1))
    vevent.add_component(alarm)
    return vevent


def calendar_for_events(events, *, name: str, with_private_link: bool = False) -> Calendar:
    """One calendar with every session of `events` (sessions prefetched by the caller)."""
    calendar = _calendar(name)
    for event in events:
        for session in event.sessions.all():
            calendar.add_component(_vevent(event, session, with_private_link))
    calendar.add_missing_timezones()
    return calendar


def calendar_for_event(event, *, with_private_link: bool = False) -> Calendar:
    return calendar_for_events([event], name=event.title, with_private_link=with_private_link)
