"""The default evaluation grid of an experiment: what every experiment measures, at its
baseline, midterm and final rounds. The coordinator adds indicators of their own.

Counts of children and families are aggregates (how many, per age band): nothing in the
grid is about one child.
"""

from django.utils.translation import gettext_lazy as _

from .enums import IndicatorKind

DEFAULT_INDICATORS = (
    {
        "code": "enfants-0-1",
        "label": _("Enfants touchés de 0 à 1 an"),
        "kind": IndicatorKind.COUNT,
        "unit": _("enfants"),
    },
    {
        "code": "enfants-1-3",
        "label": _("Enfants touchés de 1 à 3 ans"),
        "kind": IndicatorKind.COUNT,
        "unit": _("enfants"),
    },
    {
        "code": "enfants-3-6",
        "label": _("Enfants touchés de 3 à 6 ans"),
        "kind": IndicatorKind.COUNT,
        "unit": _("enfants"),
    },
    {
        "code": "parents",
        "label": _("Parents présents"),
        "kind": IndicatorKind.COUNT,
        "unit": _("parents"),
    },
    {
        "code": "professionnels",
        "label": _("Professionnel·les impliqué·es"),
        "kind": IndicatorKind.COUNT,
        "unit": _("personnes"),
    },
    {
        "code": "seances",
        "label": _("Séances menées"),
        "kind": IndicatorKind.COUNT,
        "unit": _("séances"),
    },
    {
        "code": "heures",
        "label": _("Heures d'intervention"),
        "kind": IndicatorKind.HOURS,
        "unit": _("heures"),
    },
    {
        "code": "structures",
        "label": _("Structures partenaires"),
        "kind": IndicatorKind.COUNT,
        "unit": _("structures"),
    },
    {
        "code": "satisfaction",
        "label": _("Satisfaction des participant·es"),
        "kind": IndicatorKind.SCALE,
        "unit": _("sur 5"),
    },
    {
        "code": "interactions",
        "label": _("Interactions parent-enfant observées"),
        "kind": IndicatorKind.SCALE,
        "unit": _("sur 5"),
    },
    {
        "code": "observations",
        "label": _("Observations libres"),
        "kind": IndicatorKind.TEXT,
        "unit": "",
    },
)
