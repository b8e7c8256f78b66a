"""The statuses of events and registrations, as explicit transitions.

The services apply them (`workflow_apply`): a status changes nowhere else, always under a
row lock (a second click finds the step already taken), always in the audit log.
"""

from django.utils.translation import gettext_lazy as _

from consortium.core.workflows import Transition

from .enums import EventStatus, RegistrationStatus
from .rules import acts_for_registrant, can_manage_events


def _consequence(user, obj) -> bool:
    # A seat freed by a cancellation (already authorised) goes to the next in line.
    return True


def _declare(*transitions: Transition) -> dict[str, Transition]:
    return {t.name: t for t in transitions}


E = EventStatus
EVENT_TRANSITIONS = _declare(
    Transition(
        "publier",
        _("Publier"),
        frozenset({E.DRAFT}),
        E.PUBLISHED,
        can_manage_events,
        unavailable=_("Seule une rencontre en brouillon peut être publiée."),
    ),
    Transition(
        "annuler",
        _("Annuler la rencontre"),
        frozenset({E.DRAFT, E.PUBLISHED}),
        E.CANCELLED,
        can_manage_events,
        needs_comment=True,
        unavailable=_("Cette rencontre est déjà annulée."),
    ),
)

R = RegistrationStatus
ALREADY_REGISTERED = _("Vous êtes déjà inscrit·e à cette rencontre.")
REGISTRATION_TRANSITIONS = _declare(
    Transition(
        "inscrire",
        _("Inscrire"),
        frozenset({R.CANCELLED}),
        R.CONFIRMED,
        acts_for_registrant,
        unavailable=ALREADY_REGISTERED,
    ),
    Transition(
        "mettre-en-attente",
        _("Mettre en liste d'attente"),
        frozenset({R.CANCELLED}),
        R.WAITLISTED,
        acts_for_registrant,
        unavailable=ALREADY_REGISTERED,
    ),
    Transition(
        "annuler",
        _("Annuler l'inscription"),
        frozenset({R.CONFIRMED, R.WAITLISTED}),
        R.CANCELLED,
        acts_for_registrant,
        unavailable=_("Cette inscription est déjà annulée."),
    ),
    Transition(
        "promouvoir",
        _("Donner une place"),
        frozenset({R.WAITLISTED}),
        R.CONFIRMED,
        can_manage_events,
        unavailable=_("Cette personne n'est pas en liste d'attente."),
    ),
    Transition(
        "place-liberee",
        _("Place libérée"),
        frozenset({R.WAITLISTED}),
        R.CONFIRMED,
        _consequence,
    ),
)
