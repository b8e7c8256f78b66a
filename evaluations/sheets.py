"""The first draft of a model sheet, from its experiment and its evaluation.

Plain text (the coordinator edits it in text areas); rich text fields of the project are
reduced to their text. The evaluation's figures are the validated ones.
"""

from django.utils.html import strip_tags
from django.utils.text import Truncator
from django.utils.translation import gettext as _

from .experiments import _number, evaluation_progress


def _text(html: str) -> str:
    return strip_tags(html or "").strip()


def figures_text(evaluation) -> str:
    """One line per indicator with validated values: baseline → latest (target)."""
    lines = []
    for item in evaluation_progress(evaluation).indicators:
        indicator = item.indicator
        if not indicator.is_numeric or item.latest is None:
            continue
        unit = f" {indicator.unit}" if indicator.unit else ""
        line = _("{label} : {latest}{unit}").format(
            label=indicator.label, latest=_number(item.latest), unit=unit
        )
        if item.baseline is not None and item.baseline != item.latest:
            line += _(" (état initial : {baseline})").format(baseline=_number(item.baseline))
        if indicator.target is not None:
            line += _(", objectif {target} atteint à {reached} %").format(
                target=_number(indicator.target), reached=item.reached
            )
        lines.append(f"- {line}")
    return "\n".join(lines)


def draft_fields(evaluation) -> dict:
    project = evaluation.project
    partners = [
        f"- {p.organization.name} : {p.get_role_display()}"
        for p in project.partnerships.select_related("organization").order_by("pk")
    ]
    duration = ""
    if project.starts_on and project.ends_on:
        months = max(1, round((project.ends_on - project.starts_on).days / 30))
        duration = _("{months} mois").format(months=months)
    return {
        "title": project.title[:200],
        "summary": Truncator(project.summary).chars(600),
        "objectives": Truncator(project.hypothesis).chars(4000),
        "steps": Truncator(_text(project.protocol) or _text(project.description)).chars(8000)
        or _("À décrire : les grandes étapes de l'action."),
        "duration": duration,
        "resources": "",
        "budget": project.budget,
        "partners": "\n".join(partners)[:1500],
        "figures": figures_text(evaluation)[:4000],
        "conditions": "",
        "pitfalls": "",
    }
