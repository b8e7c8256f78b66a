"""A mailing's life: draft → sending → sent (or failed), or draft → cancelled.

"envoyer" queues the e-mails in the outbox (the coordinator); "terminer" and "echouer"
record that the outbox is done with them (the sweep, no actor: always allowed).
"""

from django.utils.translation import gettext_lazy as _

from consortium.core.workflows import Transition

from .enums import MailingStatus as S
from .rules import may_write_mailings


def _coordination(user, mailing) -> bool:
    return may_write_mailings(user)


def _system(user, mailing) -> bool:
    return True


MAILING_TRANSITIONS: dict[str, Transition] = {
    t.name: t
    for t in (
        Transition(
            "envoyer",
            _("Envoyer"),
            frozenset({S.DRAFT}),
            S.SENDING,
            _coordination,
            unavailable=_("Cet envoi est déjà parti : il ne sera pas envoyé une seconde fois."),
        ),
        Transition("terminer", _("Terminer"), frozenset({S.SENDING}), S.SENT, _system),
        Transition("echouer", _("Constater l'échec"), frozenset({S.SENDING}), S.FAILED, _system),
        Transition(
            "abandonner",
            _("Abandonner"),
            frozenset({S.DRAFT}),
            S.CANCELLED,
            _coordination,
            unavailable=_("Seul un brouillon peut être abandonné."),
        ),
    )
}
