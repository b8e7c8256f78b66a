"""How a measurement is validated: entered by a partner, validated or refused by the
coordinator (with a reason), entered again after a refusal."""

from django.utils.translation import gettext_lazy as _

from consortium.core.workflows import Transition

from .enums import MeasurementStatus
from .rules import coordination, measurement_enterers

S = MeasurementStatus
MEASUREMENT_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "valider",
            _("Valider"),
            frozenset({S.ENTERED}),
            S.VALIDATED,
            coordination,
            unavailable=_("Cette mesure n'attend plus de validation."),
        ),
        Transition(
            "refuser",
            _("Refuser"),
            frozenset({S.ENTERED}),
            S.REFUSED,
            coordination,
            needs_comment=True,
            unavailable=_("Cette mesure n'attend plus de validation."),
        ),
        # A new value after a refusal (the service sets the value with the status).
        Transition(
            "ressaisir",
            _("Saisir à nouveau"),
            frozenset({S.REFUSED, S.ENTERED}),
            S.ENTERED,
            measurement_enterers,
            unavailable=_("Cette mesure est validée : elle ne change plus."),
        ),
    )
}
