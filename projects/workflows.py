"""The two pipelines of the app, dossiers and practice reviews, as explicit transitions.

A transition names where it may start, where it ends, and who may take it; the services
apply it (`workflow_apply`) and log it in the object's history and in the audit log.
"""

from django.utils.translation import gettext_lazy as _

from consortium.core.workflows import Transition

from .enums import DossierStatus, PracticeStatus
from .rules import coordination, dossier_team, practice_authors

D = DossierStatus
DOSSIER_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "preparer",
            _("Commencer la préparation"),
            frozenset({D.IDEA}),
            D.PREPARING,
            dossier_team,
        ),
        Transition(
            "deposer",
            _("Marquer comme déposé"),
            frozenset({D.PREPARING}),
            D.SUBMITTED,
            dossier_team,
        ),
        Transition(
            "accorder",
            _("Marquer comme accordé"),
            frozenset({D.SUBMITTED}),
            D.GRANTED,
            dossier_team,
        ),
        Transition(
            "refuser", _("Marquer comme refusé"), frozenset({D.SUBMITTED}), D.REFUSED, dossier_team
        ),
        Transition(
            "bilan",
            _("Passer au bilan à rendre"),
            frozenset({D.GRANTED}),
            D.REPORT_DUE,
            dossier_team,
        ),
        Transition(
            "clore",
            _("Clore le dossier"),
            frozenset({D.IDEA, D.PREPARING, D.REFUSED, D.GRANTED, D.REPORT_DUE}),
            D.CLOSED,
            dossier_team,
        ),
        Transition(
            "rouvrir",
            _("Rouvrir le dossier"),
            frozenset({D.CLOSED}),
            D.PREPARING,
            coordination,
            needs_comment=True,
        ),
    )
}

P = PracticeStatus
PRACTICE_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "proposer",
            _("Proposer à la coordination"),
            frozenset({P.DRAFT, P.CHANGES_REQUESTED}),
            P.SUBMITTED,
            practice_authors,
        ),
        Transition(
            "demander-modifications",
            _("Demander des modifications"),
            frozenset({P.SUBMITTED}),
            P.CHANGES_REQUESTED,
            coordination,
            needs_comment=True,
        ),
        Transition(
            "publier",
            _("Publier"),
            frozenset({P.SUBMITTED, P.WITHDRAWN}),
            P.PUBLISHED,
            coordination,
        ),
        Transition(
            "retirer",
            _("Retirer de la publication"),
            frozenset({P.PUBLISHED}),
            P.WITHDRAWN,
            coordination,
            needs_comment=True,
        ),
    )
}
