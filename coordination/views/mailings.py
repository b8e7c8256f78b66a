"""Mailings (/coordination/envois/): write, preview, test and send; the delivery status.

The coordination writes; the Observation group reads the list and each mailing (its
preview and status) without any button. Members read what they received in
/espace/messages/, and leave the mailings from there or from the e-mail's link.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from consortium.core.exceptions import DomainError
from consortium.core.forms import show_service_errors
from consortium.core.pagination import paginate
from consortium.core.permissions import coordinator_required, observer_required
from events.models import Event

from .. import services
from ..enums import MailingStatus
from ..filters import MailingFilter
from ..forms import MailingForm
from ..models import Mailing
from ..querysets import delivery_counts
from ..rules import may_write_mailings
from ..segments import mailing_recipients, segment_summary

# ?public= of the link from an event's registrations page: who of the event.
EVENT_AUDIENCES = {"inscrits": "registrants_of", "presents": "attendees_of"}
PREVIEW_NAMES = 10  # the first names shown under the count


@observer_required
@require_GET
def mailing_list(request):
    filterset = MailingFilter(request.GET, queryset=Mailing.objects.visible_to(request.user))
    mailings = filterset.qs.for_listing().order_by("-created_at", "-pk")
    context = {
        "filter": filterset,
        "page_obj": paginate(request, mailings),
        "may_write": may_write_mailings(request.user),
    }
    return render(request, "coordination/mailings/list.html", context)


@coordinator_required
def mailing_create(request):
    if request.method == "POST":
        form = MailingForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                mailing = services.mailing_create(actor=request.user, **form.service_arguments())
            except ValidationError as error:
                show_service_errors(form, error)
            except DomainError as error:
                form.add_error(None, str(error))
            else:
                messages.success(
                    request, _("Brouillon enregistré : vérifiez l'aperçu, puis envoyez.")
                )
                return redirect(mailing)
    else:
        form = MailingForm(initial=_initial_segment(request))
    return render(request, "coordination/mailings/form.html", {"form": form, "mailing": None})


def _initial_segment(request) -> dict:
    """?rencontre=<slug>[&public=presents]: the event's registrants (or attendees) chosen."""
    slug = request.GET.get("rencontre")
    if not slug:
        return {}
    event = Event.objects.filter(slug=slug).first()
    if event is None:
        return {}
    field = EVENT_AUDIENCES.get(request.GET.get("public", ""), "registrants_of")
    return {field: [event.pk], "subject": event.title}


@coordinator_required
def mailing_edit(request, pk):
    mailing = get_object_or_404(Mailing, pk=pk, status=MailingStatus.DRAFT)
    form = MailingForm(request.POST or None, request.FILES or None, instance=mailing)
    if request.method == "POST" and form.is_valid():
        try:
            services.mailing_update(actor=request.user, mailing=mailing, **form.service_arguments())
        except ValidationError as error:
            show_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("Brouillon enregistré."))
            return redirect(mailing)
    return render(request, "coordination/mailings/form.html", {"form": form, "mailing": mailing})


@observer_required
@require_GET
def mailing_detail(request, pk):
    mailing = get_object_or_404(
        Mailing.objects.visible_to(request.user).select_related("created_by", "sent_by"), pk=pk
    )
    context = {"mailing": mailing, "may_write": may_write_mailings(request.user)}
    context["preview"] = services.mailing_context(mailing)
    context["segment"] = segment_summary(mailing)
    if mailing.status == MailingStatus.DRAFT:
        recipients = mailing_recipients(mailing)
        context["reach"] = recipients.count()
        context["first_recipients"] = list(recipients[:PREVIEW_NAMES])
    else:
        context["counts"] = _counts(mailing)
    return render(request, "coordination/mailings/detail.html", context)


def _counts(mailing: Mailing) -> dict:
    counts = delivery_counts(mailing)
    return {
        "queued": counts.get("queued", 0) + counts.get("sending", 0),
        "sent": counts.get("sent", 0),
        "failed": counts.get("failed", 0),
    }


def _act(request, pk, action, success: str):
    mailing = get_object_or_404(Mailing, pk=pk)
    try:
        action(actor=request.user, mailing=mailing)
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(request, success)
    return redirect(mailing)


@coordinator_required
@require_POST
def mailing_test(request, pk):
    return _act(
        request,
        pk,
        services.mailing_send_test,
        _("Message de test envoyé à votre adresse : vérifiez votre boîte."),
    )


@coordinator_required
@require_POST
def mailing_send(request, pk):
    return _act(
        request,
        pk,
        services.mailing_send,
        _("Envoi parti : les e-mails partent par lots, l'état se met à jour ci-dessous."),
    )


@coordinator_required
@require_POST
def mailing_cancel(request, pk):
    return _act(request, pk, services.mailing_cancel, _("Brouillon abandonné."))
