"""Members' side of the mailings: what they received (/espace/messages/), and leaving
the mailings (from there, or in one click from the e-mail, without logging in)."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from consortium.core.pagination import paginate
from members.access import member_required
from members.rules import active_person

from .. import services
from ..models import Mailing, MailingOptOut


@member_required
@require_GET
def my_mailings(request):
    person = active_person(request.user)
    received = Mailing.objects.received_by(person).only("pk", "subject", "sent_at")
    context = {
        "page_obj": paginate(request, received),
        "person": person,
        "opted_out": person is not None and MailingOptOut.objects.filter(person=person).exists(),
    }
    return render(request, "coordination/inbox/list.html", context)


@member_required
@require_GET
def my_mailing(request, pk):
    person = active_person(request.user)
    mailing = get_object_or_404(Mailing.objects.received_by(person), pk=pk)
    context = {"mailing": mailing, "preview": services.mailing_context(mailing)}
    return render(request, "coordination/inbox/detail.html", context)


@member_required
@require_POST
def my_subscription(request):
    """Leave the mailings, or get them again (the button of /espace/messages/)."""
    person = active_person(request.user)
    if person is None:
        return redirect("coordination:my_mailings")
    if request.POST.get("action") == "reprendre":
        services.mailings_resubscribe(person=person)
        messages.success(request, _("Vous recevrez de nouveau les envois de la coordination."))
    else:
        services.mailings_unsubscribe(person=person, source=MailingOptOut.Source.SPACE)
        messages.success(request, _("Vous ne recevrez plus les envois de la coordination."))
    return redirect("coordination:my_mailings")


# CSRF exemption, on this view only: mail clients send the one-click unsubscribe of
# RFC 8058 (List-Unsubscribe-Post) as a bare POST, without any token of ours. The signed
# token in the address is what authorises the change, and all it can do is stop the
# mailings of the person it names.
@csrf_exempt
@login_not_required
@require_http_methods(["GET", "POST"])
def unsubscribe(request, token):
    """GET asks for confirmation (links get prefetched by mail scanners); POST leaves."""
    person = services.person_from_unsubscribe_token(token)
    template = "coordination/inbox/unsubscribe.html"
    if person is None:
        return render(request, template, {"state": "invalid"}, status=400)
    if request.method == "POST":
        services.mailings_unsubscribe(person=person)
        return render(request, template, {"state": "done"})
    left = MailingOptOut.objects.filter(person=person).exists()
    return render(request, template, {"state": "already" if left else "confirm"})
