"""The agenda (/agenda/): event pages, registration, « mes inscriptions » and iCalendar feeds.

Public events are for everyone; members-only ones for members; drafts only for those who
see everything. The online link of a meeting goes to the people registered (and the
coordination) only: never to the public pages or the public feed.
"""

from datetime import timedelta

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.contrib.auth.models import AnonymousUser
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from consortium.core.conditional import conditional_document
from consortium.core.pagecache import public_page
from consortium.core.pagination import paginate
from consortium.core.pdf import pdf_response
from consortium.core.permissions import can_observe, get_visible_object_or_404, is_coordinator
from members.access import is_member, member_required, person_of
from members.enums import PersonStatus

from .. import documents, services
from ..calendar import calendar_for_event, calendar_for_events
from ..enums import EventKind, EventStatus, RegistrationStatus
from ..filters import PAST, AgendaFilter
from ..forms.agenda import FeedActionForm
from ..models import CalendarFeed, Event, Registration
from ..rules import participant

# How far back the personal feed goes: enough for a calendar, not a whole history.
FEED_HISTORY = timedelta(days=365)


def _my_registrations(person):
    return (
        Registration.objects.of_person(person)
        .active()
        .with_waitlist_position()
        .with_presence()
        .select_related("event")
    )


# --- The agenda -------------------------------------------------------------------------


def _agenda_events(user, *, past: bool):
    events = (
        Event.objects.visible_to(user)
        .with_dates()
        .with_counts()
        .for_listing()
        .prefetch_related("sessions")
    )
    return events.past() if past else events.upcoming()


def _annotate_page(page, person) -> None:
    """Seats left, and the visitor's own registration, for the events of one page."""
    events = page.object_list = list(page.object_list)
    mine = {}
    if person is not None:
        mine = dict(
            Registration.objects.of_person(person)
            .active()
            .filter(event__in=events)
            .values_list("event_id", "status")
        )
    for event in events:
        event.seats_left = max(event.capacity - event.confirmed_count, 0)
        event.my_status = mine.get(event.pk, "")


@login_not_required
@public_page
def agenda(request):
    user = request.user
    past = request.GET.get("periode") == PAST
    agenda_filter = AgendaFilter(request.GET, queryset=_agenda_events(user, past=past), past=past)
    page_obj = paginate(request, agenda_filter.qs)
    person = participant(user)
    _annotate_page(page_obj, person)
    context = {
        "filter": agenda_filter,
        "page_obj": page_obj,
        "past": past,
        "is_filtered": any(
            request.GET.get(name) for name in ("q", "kind", "audience", "epci", "month")
        ),
        "member_view": is_member(user),
        "person": person,
        "now": timezone.now(),
    }
    return render(request, "events/agenda/list.html", context)


# --- One event --------------------------------------------------------------------------


def _visible_event(user, slug) -> Event:
    events = Event.objects.with_dates().with_counts().for_listing().prefetch_related("sessions")
    return get_visible_object_or_404(events, user, slug=slug)


def _registration_box(user, person, event, registration, now) -> str:
    """Which registration box the page shows (one template block each)."""
    if not user.is_authenticated:
        return "anonymous"
    if event.status == EventStatus.CANCELLED:
        return "cancelled"
    if registration is not None:
        return registration.status
    if person is None:
        return _why_not_aparticipant(user)
    if event.registration_is_open(now):
        return "open"
    if now < event.registration_opens_at:
        return "not_yet"
    return "closed"


def _why_not_aparticipant(user) -> str:
    if is_coordinator(user):
        return "coordination"
    if can_observe(user):
        return "observer"
    profile = person_of(user)
    if profile is None:
        return "newcomer"
    return "pending" if profile.status == PersonStatus.PENDING else "not_member"


@login_not_required
@public_page
def event_detail(request, slug):
    user = request.user
    event = _visible_event(user, slug)
    person = participant(user)
    registration = _my_registrations(person).filter(event=event).first()
    now = timezone.now()
    confirmed = registration is not None and registration.status == RegistrationStatus.CONFIRMED
    member = is_member(user)
    context = {
        "event": event,
        "sessions": event.sessions.all(),
        "registration": registration,
        "box": _registration_box(user, person, event, registration, now),
        "seats_left": max(event.capacity - event.confirmed_count, 0),
        "deadline": event.registration_deadline(),
        "is_over": event.last_end is not None and event.last_end < now,
        "shows_online_link": event.is_online and (confirmed or is_coordinator(user)),
        "member_view": member,
        "needs": event.needs.all() if member else [],
        "can_manage": is_coordinator(user),
        "page_url": request.build_absolute_uri(event.get_absolute_url()),
        "now": now,
    }
    return render(request, "events/agenda/event.html", context)


@member_required
@require_POST
def register(request, slug):
    event = get_visible_object_or_404(Event.objects.all(), request.user, slug=slug)
    person = participant(request.user)
    if person is None:
        raise Http404
    try:
        registration = services.registration_create(event=event, person=person, actor=request.user)
    except services.DomainError as error:
        messages.error(request, str(error))
        return redirect(event)
    if registration.status == RegistrationStatus.CONFIRMED:
        messages.success(
            request,
            _(
                "C'est noté, vous êtes inscrit·e ! Un e-mail de confirmation vous est envoyé, "
                "avec l'invitation à ajouter à votre agenda."
            ),
        )
    else:
        position = _my_registrations(person).get(pk=registration.pk).waitlist_position
        messages.success(
            request,
            _(
                "La rencontre est complète : vous êtes %(position)se sur la liste d'attente. "
                "Nous vous écrirons dès qu'une place se libère."
            )
            % {"position": position},
        )
    return redirect(event)


@member_required
@require_POST
def unregister(request, slug):
    event = get_visible_object_or_404(Event.objects.all(), request.user, slug=slug)
    registration = get_object_or_404(
        Registration.objects.of_person(participant(request.user)).active(), event=event
    )
    try:
        services.registration_cancel(registration=registration, actor=request.user)
    except services.DomainError as error:
        messages.error(request, str(error))
        return redirect(event)
    messages.success(
        request,
        _("Votre inscription est annulée. Merci d'avoir libéré votre place !"),
    )
    # The button of « mes inscriptions » brings the person back there.
    if request.POST.get("from") == "my_registrations":
        return redirect("events:my_registrations")
    return redirect(event)


@member_required
def my_certificate(request, slug):
    """The trainee's own attestation de présence: a confirmed registration, present once."""
    registration = get_object_or_404(
        Registration.objects.of_person(participant(request.user))
        .confirmed()
        .with_presence()
        .filter(attended=True, event__kind=EventKind.TRAINING)
        .select_related("event", "person__user")
        .prefetch_related("attendances__session"),
        event__slug=slug,
    )
    pdf = documents.certificate_pdf(registration)
    return pdf_response(pdf=pdf, filename=f"attestation-{slug}", inline=False)


# --- « Mes inscriptions » ---------------------------------------------------------------


def _feed_urls(request, feed: CalendarFeed) -> dict:
    url = request.build_absolute_uri(reverse("events:personal_ics", args=[feed.token]))
    return {"feed_url": url, "webcal_url": "webcal://" + url.split("://", 1)[1]}


@member_required
def my_registrations(request):
    person = participant(request.user)
    if person is None:
        return render(request, "events/agenda/my_registrations_none.html")
    if request.method == "POST":
        form = FeedActionForm(request.POST)
        if form.is_valid():
            services.calendar_feed_regenerate(person=person)
            messages.success(
                request,
                _(
                    "Votre agenda personnel a une nouvelle adresse : l'ancienne ne fonctionne "
                    "plus. Abonnez-vous de nouveau avec celle ci-dessous."
                ),
            )
        return redirect("events:my_registrations")
    feed = services.calendar_feed_for(person=person)
    now = timezone.now()
    registrations = _my_registrations(person).with_event_dates().prefetch_related("event__sessions")
    past = registrations.confirmed().filter(last_end__lt=now).order_by("-first_start", "-pk")
    context = {
        "upcoming": registrations.filter(last_end__gte=now).order_by("first_start", "pk"),
        "page_obj": paginate(request, past),
        "regenerate_form": FeedActionForm(initial={"action": FeedActionForm.REGENERATE}),
        **_feed_urls(request, feed),
    }
    return render(request, "events/agenda/my_registrations.html", context)


# --- iCalendar --------------------------------------------------------------------------


ICS_CONTENT_TYPE = "text/calendar; charset=utf-8"


def _ics_response(calendar, filename: str, *, private: bool = False) -> HttpResponse:
    response = HttpResponse(calendar.to_ical(), content_type=ICS_CONTENT_TYPE)
    response["Content-Disposition"] = f'inline; filename="{slugify(filename) or "agenda"}.ics"'
    if private:
        response["Cache-Control"] = "private, no-store"
        response["X-Robots-Tag"] = "noindex, nofollow"
    return response


@login_not_required
def agenda_ics(request):
    """The public feed: what an anonymous visitor sees in the agenda (cancellations too,
    so that subscribed calendars learn about them). Built once per change of its events,
    and a calendar that polls with the ETag it has gets a 304."""
    events = Event.objects.visible_to(AnonymousUser()).with_dates().upcoming()
    rows, changed = events.feed_state()
    name = _("Agenda du consortium éveil artistique et culturel du Val-d'Oise")

    def build() -> bytes:
        listed = events.select_related("commune").prefetch_related("sessions")
        return calendar_for_events(listed, name=name).to_ical()

    response = conditional_document(
        request,
        fingerprint=f"agenda.ics:{get_language()}:{rows}:{changed and changed.isoformat()}",
        last_modified=changed,
        build=build,
        content_type=ICS_CONTENT_TYPE,
    )
    response["Content-Disposition"] = 'inline; filename="agenda-consortium-95.ics"'
    return response


@login_not_required
def event_ics(request, slug):
    event = _visible_event(request.user, slug)
    registration = _my_registrations(participant(request.user)).filter(event=event).first()
    private = registration is not None and registration.status == RegistrationStatus.CONFIRMED
    calendar = calendar_for_event(event, with_private_link=private)
    return _ics_response(calendar, event.slug, private=private)


@login_not_required
def personal_ics(request, token):
    """A person's own calendar (secret address): their confirmed registrations, with links."""
    feed = get_object_or_404(
        CalendarFeed.objects.select_related("person"),
        token=token,
        person__status=PersonStatus.ACTIVE,
    )
    registered = Registration.objects.of_person(feed.person).confirmed().values("event")
    events = (
        Event.objects.filter(pk__in=registered)
        .exclude(status=EventStatus.DRAFT)
        .with_dates()
        .filter(last_end__gte=timezone.now() - FEED_HISTORY)
        .select_related("commune")
        .prefetch_related("sessions")
        .order_by("first_start")
    )
    name = _("Mes rencontres du consortium")
    calendar = calendar_for_events(events, name=name, with_private_link=True)
    return _ics_response(calendar, "mes-rencontres", private=True)
