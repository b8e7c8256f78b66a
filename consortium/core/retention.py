"""How long each kind of personal data is kept, as /donnees-personnelles/ states it.

The periods themselves are settings (`*_RETENTION_DAYS`, consortium/settings/base.py), set
once and read by the daily services that apply them. This module says, for each processing
of the record (docs/registre-des-traitements.md, `## <number>.`), what is kept and for how
long, with those settings: the privacy page renders its table from RETENTION, and
tests/test_retention_register.py checks that the page and the record name no other period
than these, and that every processing of the record has its row.
"""

from dataclasses import dataclass, field

from django.conf import settings
from django.utils.functional import lazy
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext


@dataclass(frozen=True)
class Retention:
    processing: int  # its section in docs/registre-des-traitements.md
    data: str  # what is kept (the row's header)
    rule: str  # for how long, with a %(name)s per period
    periods: dict[str, str] = field(default_factory=dict)  # name -> setting, in days
    applied_by: tuple[str, ...] = ()  # the services that apply the periods (dotted paths)


def duration(days: int) -> str:
    """A period as people say it: whole years in years, anything else in days."""
    if days % 365 == 0:
        years = days // 365
        return ngettext("%(count)d an", "%(count)d ans", years) % {"count": years}
    return ngettext("%(count)d jour", "%(count)d jours", days) % {"count": days}


# For templates rendered later, in another language (e-mails): translated when shown.
duration_lazy = lazy(duration, str)


def period_days(setting: str) -> int:
    return getattr(settings, setting)


RETENTION: tuple[Retention, ...] = (
    Retention(
        1,
        _("Compte et profil"),
        _(
            "Jusqu'à la suppression de votre compte. Sans connexion pendant %(inactive)s, "
            "vous êtes prévenu·e par e-mail ; sans nouvelle connexion dans les %(warning)s "
            "qui suivent, le compte est supprimé."
        ),
        {
            "inactive": "INACTIVE_ACCOUNT_RETENTION_DAYS",
            "warning": "INACTIVE_ACCOUNT_WARNING_DAYS",
        },
        (
            "consortium.core.privacy.inactive_accounts_warn",
            "consortium.core.privacy.inactive_accounts_erase",
        ),
    ),
    Retention(
        1,
        _("Inscription jamais confirmée (adresse e-mail) ou jamais validée par la coordination"),
        _("Supprimée %(pending)s après l'inscription."),
        {"pending": "PENDING_ACCOUNT_RETENTION_DAYS"},
        ("members.services.pending_accounts_delete",),
    ),
    Retention(
        2,
        _("Structures, groupes de travail, besoins"),
        _(
            "Tant que la structure ou le groupe existe ; à la suppression de votre compte, "
            "les besoins et documents que vous avez déposés restent, sans votre nom."
        ),
    ),
    Retention(
        3,
        _("Inscriptions, feuilles d'émargement et présences"),
        _(
            "Anonymisées %(attendance)s après la rencontre ou la formation : seuls restent "
            "les comptages (inscrits, présents, heures de formation)."
        ),
        {"attendance": "ATTENDANCE_RETENTION_DAYS"},
        ("events.services.registrations_anonymise_old",),
    ),
    Retention(
        4,
        _("Questionnaires : lien personnel, fait d'avoir répondu, réponses en cours"),
        _(
            "%(invitation)s après la clôture du questionnaire, puis effacés. Les réponses "
            "envoyées sont anonymes dès l'envoi : elles ne sont reliées à personne."
        ),
        {"invitation": "SURVEY_INVITATION_RETENTION_DAYS"},
        ("evaluations.services.invitations_anonymise_old",),
    ),
    Retention(
        5,
        _("Envois d'information, financements suivis et lettres de veille envoyées"),
        _("Jusqu'à la suppression de votre compte."),
    ),
    Retention(
        6,
        _("Dossiers, bonnes pratiques et leur historique"),
        _(
            "Tant que la structure existe ; à la suppression de votre compte, votre nom en "
            "est retiré."
        ),
    ),
    Retention(
        7,
        _(
            "Journal d'audit (validations, modifications importantes, connexions et échecs de "
            "connexion, changements de mot de passe et de second facteur, exports) : votre "
            "compte par son numéro et le réseau de votre adresse IP (jamais l'adresse complète "
            "ni un mot de passe)"
        ),
        _("%(audit)s, puis supprimé."),
        {"audit": "AUDIT_LOG_RETENTION_DAYS"},
        ("consortium.core.services.audit_log_purge",),
    ),
    Retention(
        8,
        _("E-mails envoyés par le portail"),
        _("%(outbox)s, puis supprimés."),
        {"outbox": "OUTBOX_RETENTION_DAYS"},
        ("consortium.core.outbox.outbox_purge",),
    ),
)


def retention_text(rule: Retention) -> str:
    """The rule's sentence in the active language, with the periods the code applies."""
    text = str(rule.rule) % {name: duration(period_days(s)) for name, s in rule.periods.items()}
    return text[0].upper() + text[1:]


def retention_rows() -> list[dict]:
    """The privacy page's table: what is kept, and for how long."""
    return [{"data": rule.data, "rule": retention_text(rule)} for rule in RETENTION]
