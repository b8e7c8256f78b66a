"""Dates of events as people say them: « mardi 8 décembre 2026, 9 h 30 – 12 h 30 ».

Used by the agenda pages and the participants' e-mails ({% load agenda %}). Sessions are
read with `event.sessions.all()`, so a prefetch keeps a list page at a fixed query count.
"""

from django import template
from django.utils import dateformat, timezone
from django.utils.translation import gettext, ngettext, pgettext

register = template.Library()
NBSP = "\u00a0"


def day_label(value) -> str:
    local = timezone.localtime(value)
    if local.day == 1:
        return dateformat.format(local, pgettext("date on the 1st of a month", "l j\\e\\r F Y"))
    return dateformat.format(local, pgettext("date of an event", "l j F Y"))


def time_label(value) -> str:
    local = timezone.localtime(value)
    if local.minute == 0:
        label = dateformat.format(local, pgettext("time on the hour", "G \\h"))
    else:
        label = dateformat.format(local, pgettext("time of day", "G \\h i"))
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
