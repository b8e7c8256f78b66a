"""The coordination's events: create and publish, sessions, registrations, émargement, PDFs.

Every page is the coordinator's (404 for everyone else); observers may read the
registrations of an event and export them.
"""

import csv

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import F, Prefetch
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext, pgettext
from django.views.decorators.http import require_GET, require_POST

from consortium.core.exceptions import DomainError
from consortium.core.forms import show_service_errors
from consortium.core.pagination import paginate
from consortium.core.pdf import pdf_response
from consortium.core.permissions import (
    coordinator_required,
    get_visible_object_or_404,
    is_coordinator,
    observer_required,
)
from consortium.core.services import export_record
from members.models import Need

from .. import documents, services
from ..enums import EventKind, RegistrationStatus
from ..forms.coordination import (
    AttendanceForm,
    CancelForm,
    DuplicateForm,
    EventFilter,
    EventForm,
    MoveForm,
    RegisterSomeoneForm,
    ReminderPolicyForm,
    SessionForm,
)
from ..models import Attendance, Event, Registration, ReminderPolicy, Session
from ..rules import can_manage_events

REGISTRATION_ACTIONS = ("annuler", "promouvoir", "deplacer")


# --- Helpers ---------------------------------------------------------------------------


def _event(request, slug, queryset=None) -> Event:
    queryset = Event.objects if queryset is None else queryset
    return get_visible_object_or_404(queryset, request.user, slug=slug)


def _registrations_url(event: Event, anchor: str = "") -> str:
    url = reverse("events:registrations", kwargs={"slug": event.slug})
    return f"{url}#{anchor}" if anchor else url


# --- Events ----------------------------------------------------------------------------


@observer_required
@require_GET
def event_list(request):
    """Every event with its dates, fill rate and waitlist: the coordination manages them
    from here; the Observation group reads the same list, without the links to act."""
    events = (
        Event.objects.with_dates()
        .with_counts()
        .for_listing()
        .prefetch_related("sessions")
        .order_by(F("first_start").desc(nulls_first=True), "-pk")
    )
    filterset = EventFilter(request.GET, queryset=events)
    context = {
        "filter": filterset,
        "page_obj": paginate(request, filterset.qs),
        "may_manage": can_manage_events(request.user),
    }
    return render(request, "events/coordination/list.html", context)


def _drafted_from_needs(request) -> dict:
    """`?besoin=<pk>` (one or more): a training drafted from open needs, which it keeps
    linked (their supporters are told when it is published)."""
    pks = [pk for pk in request.GET.getlist("besoin") if pk.isdigit()]
    needs = list(Need.objects.open().filter(pk__in=pks).order_by("pk")) if pks else []
    if not needs:
        return {}
    return {
        "kind": EventKind.TRAINING,
        "title": _("Formation : %(need)s") % {"need": needs[0].title},
        "description": needs[0].description,
        "needs": [need.pk for need in needs],
    }


@coordinator_required
def event_create(request):
    form = EventForm(request.POST or None, initial=_drafted_from_needs(request))
    if request.method == "POST" and form.is_valid():
        try:
            event = services.event_create(
                actor=request.user, fields=form.service_fields(), needs=form.cleaned_data["needs"]
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(
                request,
                _("La rencontre « %(title)s » est créée, en brouillon. Ajoutez-lui ses séances.")
                % {"title": event.title},
            )
            return redirect("events:sessions", slug=event.slug)
    return render(request, "events/coordination/form.html", {"form": form, "event": None})


@coordinator_required
def event_edit(request, slug):
    event = _event(request, slug, Event.objects.with_dates().with_counts())
    # The form works on a copy: an invalid form must not change the title shown on top.
    instance = Event.objects.select_related("commune").get(pk=event.pk)
    form = EventForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_update(
                event=instance,
                actor=request.user,
                fields=form.service_fields(),
                needs=form.cleaned_data["needs"],
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("Les modifications sont enregistrées."))
            return redirect("events:edit", slug=event.slug)
    context = {
        "form": form,
        "event": event,
        "sessions": list(event.sessions.all()),
        "duplicate_form": DuplicateForm(),
        "cancel_form": CancelForm(),
    }
    return render(request, "events/coordination/form.html", context)


@coordinator_required
@require_POST
def event_publish(request, slug):
    event = _event(request, slug)
    try:
        services.event_publish(event=event, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("events:sessions", slug=event.slug)
    messages.success(
        request,
        _("« %(title)s » est publiée : les inscriptions sont possibles.") % {"title": event},
    )
    return redirect("events:edit", slug=event.slug)


@coordinator_required
@require_POST
def event_duplicate(request, slug):
    event = _event(request, slug)
    form = DuplicateForm(request.POST)
    if not form.is_valid():
        messages.error(request, form.errors["shift_weeks"][0])
        return redirect("events:edit", slug=event.slug)
    copy = services.event_duplicate(event=event, actor=request.user, shift=form.shift())
    messages.success(
        request,
        _(
            "Voici la copie, en brouillon, avec ses séances et sans ses inscriptions : "
            "vérifiez le titre et les dates avant de la publier."
        ),
    )
    return redirect("events:edit", slug=copy.slug)


@coordinator_required
def event_cancel(request, slug):
    """GET shows what cancelling means; POST cancels and e-mails everyone registered."""
    event = _event(request, slug, Event.objects.with_counts())
    form = CancelForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.event_cancel(
                event=event, actor=request.user, message=form.cleaned_data["message"]
            )
        except DomainError as error:
            messages.error(request, str(error))
            return redirect("events:edit", slug=event.slug)
        messages.success(
            request,
            _("La rencontre est annulée : les personnes inscrites reçoivent votre message."),
        )
        return redirect("events:edit", slug=event.slug)
    status = 400 if form.errors else 200
    return render(
        request, "events/coordination/cancel.html", {"event": event, "form": form}, status=status
    )


# --- Sessions --------------------------------------------------------------------------


@coordinator_required
def sessions(request, slug):
    """List the sessions of an event; add, change (?seance=<pk>) or delete one."""
    event = _event(request, slug)
    if request.method == "POST" and "supprimer" in request.POST:
        return _session_delete(request, event)
    session = _session_of(event, request.POST.get("seance") or request.GET.get("seance"))
    form = SessionForm(request.POST or None, instance=session, event=event)
    if request.method == "POST" and form.is_valid():
        try:
            services.session_save(
                event=event, actor=request.user, fields=form.service_fields(), session=session
            )
        except ValidationError as error:
            show_service_errors(form, error)
        else:
            messages.success(request, _("La séance est enregistrée."))
            return redirect("events:sessions", slug=event.slug)
    context = {"event": event, "sessions": list(event.sessions.all()), "form": form}
    return render(request, "events/coordination/sessions.html", context)


def _session_of(event: Event, pk) -> Session | None:
    if not pk:
        return None
    if not str(pk).isdigit():
        raise Http404
    return get_object_or_404(event.sessions, pk=pk)


def _session_delete(request, event: Event):
    session = _session_of(event, request.POST.get("supprimer"))
    try:
        services.session_delete(session=session, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, _("La séance est supprimée."))
    return redirect("events:sessions", slug=event.slug)


# --- Registrations ---------------------------------------------------------------------


@observer_required
def registrations(request, slug):
    """Who is registered, who waits, who cancelled; the coordinator registers someone."""
    event = _event(request, slug, Event.objects.with_counts())
    can_manage = is_coordinator(request.user)
    if request.method == "POST" and not can_manage:
        raise Http404
    form = RegisterSomeoneForm(request.POST or None, event=event) if can_manage else None
    if request.method == "POST" and form.is_valid():
        return _register_someone(request, event, form)
    return _registrations_page(request, event, form, can_manage)


def _register_someone(request, event: Event, form):
    person = form.cleaned_data["person"]
    try:
        registration = services.registration_create(event=event, person=person, actor=request.user)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect(_registrations_url(event))
    if registration.status == RegistrationStatus.CONFIRMED:
        text = _("%(name)s est inscrit·e : un e-mail de confirmation lui est envoyé.")
    else:
        text = _("La rencontre est complète : %(name)s est en liste d'attente.")
    messages.success(request, text % {"name": person})
    return redirect(_registrations_url(event))


def _registrations_page(request, event: Event, form, can_manage: bool):
    listing = event.registrations.select_related("person__user", "registered_by")
    alternatives = list(Event.objects.alternatives_to(event)) if can_manage else []
    context = {
        "event": event,
        "confirmed": list(listing.confirmed().by_name()),
        "waitlist": list(listing.waitlisted()),
        "cancelled": list(listing.cancelled()),
        "form": form,
        "can_manage": can_manage,
        "alternatives": alternatives,
        "sessions": list(event.sessions.all()),
    }
    status = 400 if form is not None and form.errors else 200
    return render(request, "events/coordination/registrations.html", context, status=status)


@coordinator_required
@require_POST
def registration_action(request, slug, pk, action):
    if action not in REGISTRATION_ACTIONS:
        raise Http404
    event = _event(request, slug)
    registration = get_object_or_404(
        event.registrations.select_related("person__user", "event"), pk=pk
    )
    try:
        _ACTIONS[action](request, event, registration)
    except DomainError as error:
        messages.error(request, str(error))
    return redirect(_registrations_url(event, "inscrits"))


def _name(registration: Registration) -> str:
    return str(registration.person or _("la personne"))


def _cancel(request, event, registration) -> None:
    was_confirmed = registration.status == RegistrationStatus.CONFIRMED
    services.registration_cancel(registration=registration, actor=request.user)
    text = _("L'inscription de %(name)s est annulée.") % {"name": _name(registration)}
    if was_confirmed:
        text += " " + _("La place libérée revient à la première personne en liste d'attente.")
    messages.success(request, text)


def _promote(request, event, registration) -> None:
    services.registration_promote(registration=registration, actor=request.user)
    messages.success(
        request,
        _("%(name)s a une place : un e-mail le lui annonce.") % {"name": _name(registration)},
    )


def _move(request, event, registration) -> None:
    form = MoveForm(request.POST, event=event)
    if not form.is_valid():
        messages.error(request, form.errors["to_event"][0])
        return
    to_event = form.cleaned_data["to_event"]
    moved = services.registration_move(
        registration=registration, to_event=to_event, actor=request.user
    )
    if moved.status == RegistrationStatus.CONFIRMED:
        text = _("%(name)s est inscrit·e à « %(title)s » à la place.")
    else:
        text = _("%(name)s est en liste d'attente de « %(title)s » : elle est complète.")
    messages.success(request, text % {"name": _name(registration), "title": to_event.title})


_ACTIONS = {"annuler": _cancel, "promouvoir": _promote, "deplacer": _move}


@observer_required
@require_GET
def registrations_csv(request, slug):
    """The registrations as a spreadsheet (UTF-8 with BOM and ";", as Excel in French expects)."""
    event = _event(request, slug)
    sessions = list(event.sessions.all())
    export_record(actor=request.user, export="inscriptions", fmt="csv", target=event)
    response = HttpResponse(content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="inscriptions-{event.slug}.csv"'
    response.write("\ufeff")
    writer = csv.writer(response, delimiter=";")
    writer.writerow(_csv_header(sessions))
    for position, registration in _csv_registrations(event):
        writer.writerow(_csv_row(registration, position, sessions))
    return response


def _csv_header(sessions) -> list[str]:
    header = [
        pgettext("nom complet d'une personne", "Nom"),
        _("Structure"),
        _("E-mail"),
        _("État"),
        _("Position en liste d'attente"),
        _("Inscrit·e le"),
    ]
    for session in sessions:
        start = timezone.localtime(session.starts_at)
        header.append(_("Présence le %(date)s") % {"date": f"{start:%d/%m/%Y %H:%M}"})
    return header


def _csv_registrations(event: Event):
    """(waitlist position or None, registration): confirmed, waitlisted, then cancelled."""
    listing = event.registrations.select_related("person__user").prefetch_related("attendances")
    for registration in listing.confirmed().by_name():
        yield None, registration
    for position, registration in enumerate(listing.waitlisted(), start=1):
        yield position, registration
    for registration in listing.cancelled():
        yield None, registration


def _csv_row(registration: Registration, position, sessions) -> list:
    person = registration.person
    marks = {a.session_id: a.present for a in registration.attendances.all()}
    presence = {True: _("présent·e"), False: _("absent·e"), None: ""}
    return [
        str(person) if person else _("Compte supprimé"),
        registration.organization_name,
        person.user.email if person else "",
        registration.get_status_display(),
        position or "",
        f"{timezone.localtime(registration.created_at):%d/%m/%Y %H:%M}",
        *(presence[marks.get(session.pk)] for session in sessions),
    ]


# --- Émargement ------------------------------------------------------------------------


@coordinator_required
def attendance(request, slug, session_pk):
    """Mark who is there, on a phone, during the session: one POST saves the whole list."""
    event = _event(request, slug)
    sessions = list(event.sessions.all())
    session = next((each for each in sessions if each.pk == session_pk), None)
    if session is None:
        raise Http404
    registrations = list(event.registrations.confirmed().select_related("person__user").by_name())
    marks = dict(
        Attendance.objects.filter(
            session=session, registration__status=RegistrationStatus.CONFIRMED
        ).values_list("registration_id", "present")
    )
    form = AttendanceForm(request.POST or None, registrations=registrations, marks=marks)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.attendance_save(
                session=session, marks=form.changed_marks(), actor=request.user
            )
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                ngettext(
                    "Émargement enregistré (%(count)s changement).",
                    "Émargement enregistré (%(count)s changements).",
                    saved,
                )
                % {"count": saved},
            )
            return redirect("events:attendance", slug=event.slug, session_pk=session.pk)
    present = sum(1 for value in marks.values() if value)
    context = {
        "event": event,
        "session": session,
        "sessions": sessions,
        "form": form,
        "started": session.has_started(),
        "present_count": present,
        "absent_count": len(marks) - present,
        "unmarked_count": len(registrations) - len(marks),
    }
    return render(request, "events/coordination/attendance.html", context)


# --- PDF documents ---------------------------------------------------------------------


@coordinator_required
@require_GET
def attendance_sheet(request, slug):
    event = _event(request, slug, Event.objects.select_related("commune"))
    if not event.sessions.exists():
        messages.error(request, _("Ajoutez d'abord une séance : la feuille a une page par séance."))
        return redirect("events:sessions", slug=event.slug)
    pdf = documents.attendance_sheet_pdf(event)
    return pdf_response(pdf=pdf, filename=f"emargement-{event.slug}")


@coordinator_required
@require_GET
def certificate(request, slug, pk):
    event = _event(request, slug)
    registration = get_object_or_404(
        event.registrations.confirmed()
        .select_related("person__user", "event__commune")
        .prefetch_related(Prefetch("attendances", Attendance.objects.select_related("session"))),
        pk=pk,
    )
    name = slugify(str(registration.person or "")) or str(registration.pk)
    return pdf_response(
        pdf=documents.certificate_pdf(registration), filename=f"attestation-{event.slug}-{name}"
    )


# --- Reminders -------------------------------------------------------------------------


@coordinator_required
def reminder_policy(request):
    policy = ReminderPolicy.current()
    form = ReminderPolicyForm.for_policy(policy, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.reminder_policy_update(
            actor=request.user,
            offsets_days=form.cleaned_data["offsets"],
            certificate_delay_hours=form.cleaned_data["certificate_delay_hours"],
        )
        messages.success(request, _("Le réglage des rappels est enregistré."))
        return redirect("events:reminders")
    return render(request, "events/coordination/reminders.html", {"form": form, "policy": policy})
