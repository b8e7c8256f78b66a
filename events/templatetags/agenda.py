"""Dates of events as people say them: « mardi 8 décembre 2026, 9 h 30 – 12 h 30 ».

Used by the agenda pages and the participants' e-mails ({% load agenda %}). Sessions are
read with `event.sessions.all()`, so a prefetch keeps a list page at a fixed query count.
"""

from functools import lru_cache

from django import template
from django.utils import dateformat, timezone
from django.utils.html import format_html
from django.utils.translation import get_language, gettext, ngettext, pgettext

register = template.Library()
NBSP = "\u00a0"


def day_label(value) -> str:
    return _day_label(timezone.localdate(value), get_language())


def time_label(value) -> str:
    local = timezone.localtime(value)
    return _time_label(local.hour, local.minute, get_language())


# Lists show the same few days and hours again and again, on every request: each label is
# formatted once per language (a date format translates its day and month names).
@lru_cache(maxsize=4096)
def _day_label(day, language: str) -> str:
    if day.day == 1:
        return dateformat.format(day, pgettext("date on the 1st of a month", "l j\\e\\r F Y"))
    return dateformat.format(day, pgettext("date of an event", "l j F Y"))


@lru_cache(maxsize=2048)
def _time_label(hour: int, minute: int, language: str) -> str:
    moment = timezone.datetime(2000, 1, 1, hour, minute)
    if minute == 0:
        label = dateformat.format(moment, pgettext("time on the hour", "G \\h"))
    else:
        label = dateformat.format(moment, pgettext("time of day", "G \\h i"))
    return label.replace(" ", NBSP)  # « 9 h 30 » never breaks across two lines


@register.filter
def session_when(session) -> str:
    """One slot: its day and hours, or both days when it runs over several."""
    start, end = session.starts_at, session.ends_at
    if timezone.localdate(start) == timezone.localdate(end):
        return gettext("%(day)s, %(start)s – %(end)s") % {
            "day": day_label(start),
            "start": time_label(start),
            "end": time_label(end),
        }
    return gettext("du %(start_day)s, %(start)s au %(end_day)s, %(end)s") % {
        "start_day": day_label(start),
        "start": time_label(start),
        "end_day": day_label(end),
        "end": time_label(end),
    }


@register.filter
def event_when(event) -> str:
    """The dates of an event: its one session, or « 3 séances, du … au … »."""
    sessions = list(event.sessions.all())
    if not sessions:
        return gettext("dates à venir")
    if len(sessions) == 1:
        return session_when(sessions[0])
    first, last = sessions[0].starts_at, sessions[-1].ends_at
    count = ngettext("%(count)d séance", "%(count)d séances", len(sessions)) % {
        "count": len(sessions)
    }
    if timezone.localdate(first) == timezone.localdate(last):
        return gettext("%(count)s, le %(day)s") % {"count": count, "day": day_label(first)}
    return gettext("%(count)s, du %(first)s au %(last)s") % {
        "count": count,
        "first": day_label(first),
        "last": day_label(last),
    }


@register.filter
def moment(value) -> str:
    """A date and time: « mardi 8 décembre 2026, 9 h 30 »."""
    if not value:
        return ""
    return gettext("%(day)s, %(time)s") % {"day": day_label(value), "time": time_label(value)}


@register.filter
def duration(hours) -> str:
    """Hours as people say them: 3.5 → « 3 h 30 », 7 → « 7 h »."""
    if hours is None:
        return ""
    minutes = round(float(hours) * 60)
    whole, rest = divmod(minutes, 60)
    if rest == 0:
        label = gettext("%(hours)d h") % {"hours": whole}
    else:
        label = gettext("%(hours)d h %(minutes)02d") % {"hours": whole, "minutes": rest}
    return label.replace(" ", NBSP)


@register.simple_tag
def fill_rate(confirmed: int, capacity: int) -> str:
    """How full an event is: « 12 / 20 places (60 %) » as text, and a small bar (drawn
    here rather than by an include: it is shown on every row of the coordination list)."""
    percent = round(confirmed * 100 / capacity) if capacity else 0
    text = gettext("%(confirmed)s / %(capacity)s places (%(percent)s %%)") % {
        "confirmed": confirmed,
        "capacity": capacity,
        "percent": percent,
    }
    bar = format_html(
        '<rect class="bar-chart__bar" width="{}%" height="100%" rx="3"></rect>', percent
    )
    return format_html(
        '<span class="stack stack--small"><span>{}</span>'
        '<svg class="bar-chart__track" aria-hidden="true" focusable="false">'
        '<rect class="bar-chart__groove" width="100%" height="100%" rx="3"></rect>{}</svg></span>',
        text,
        bar if confirmed else "",
    )


STATUS_BADGES = {"published": "badge--success", "cancelled": "badge--error"}


@register.filter
def status_badge(event) -> str:
    """The event's status as a badge: green when published, red when cancelled."""
    css = STATUS_BADGES.get(event.status, "badge--neutral")
    return format_html('<span class="badge {}">{}</span>', css, event.get_status_display())
