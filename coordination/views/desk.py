"""The coordinator's desk (/coordination/): what waits, and what happened lately.

The coordinator lands here after signing in; the Observation group reads the same page
without the links to act. `?section=a-faire` (or `activite`) answers one section alone: the
page refreshes them on its own (static/js/refresh.js) without a full reload.
"""

from django.http import Http404
from django.shortcuts import render
from django.urls import reverse
from django.views.decorators.http import require_GET

from consortium.core.crosstab import ranking
from consortium.core.permissions import observer_required

from .. import desk
from ..rules import may_act

SECTIONS = {
    "a-faire": "coordination/_waiting.html",
    "territoire": "coordination/_territory.html",
    "activite": "coordination/_activity.html",
}


@observer_required
@require_GET
def dashboard(request):
    section = request.GET.get("section")
    if section is not None and section not in SECTIONS:
        raise Http404
    context = _context(request, section)
    template = SECTIONS[section] if section else "coordination/dashboard.html"
    return render(request, template, context)


def _context(request, section: str | None) -> dict:
    context = {"may_act": may_act(request.user), "refresh_seconds": 120}
    if section in (None, "a-faire"):
        context["tasks"] = desk.waiting()
    if section is None:
        context["figures"] = desk.key_figures()
        context["reports_url"] = reverse("evaluations:reports")
    if section in (None, "territoire"):
        context["territory"] = _territory()
    if section in (None, "activite"):
        labels = desk.action_labels()
        entries = desk.recent_activity()
        for entry in entries:
            entry.label = labels.get(entry.action, entry.action)
        context["activity"] = entries
    return context


def _territory() -> dict:
    """The territory panel: figures per EPCI as bar charts, the communes not reached."""
    territory = desk.territory()
    epcis = territory.epcis
    return {
        "organizations": ranking(counts=territory.organizations, rows=epcis),
        "members": ranking(counts=territory.members, rows=epcis),
        "events": ranking(counts=territory.events, rows=epcis),
        "unreached": territory.unreached,
    }
