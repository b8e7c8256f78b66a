"""Spreadsheets for the coordination and the Observation group, filtered by period:
members, registrations with attendance, dossiers, survey answers (issue 11, item 5).

Each dataset is a header and rows built in a fixed number of queries; the views write them
as CSV (formulas neutralised) or XLSX through consortium.core.exports. Personal data is
kept to what the network's follow-up needs: names, structures and roles, no e-mail
address, no phone number; survey answers stay anonymous (a response number and a day).
The experiments' measurements will join when they exist (the experiments' branch).
"""

from dataclasses import dataclass

from django.db.models import Count, Prefetch, Q
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from consortium.core.french import french_order
from events.models import Attendance, Registration
from members.enums import AffiliationStatus
from members.models import Affiliation, Person
from projects.models import Dossier

from .figures import Period, period_sessions
from .models import Answer


def _day(value) -> str:
    return timezone.localtime(value).strftime("%d/%m/%Y") if value else ""


def members(period: Period) -> tuple[list, list]:
    """People who joined the network (their profile) during the period, with their
    current structures."""
    current = Affiliation.objects.filter(status=AffiliationStatus.ACTIVE).select_related(
        "organization__commune__epci", "organization__type"
    )
    people = (
        Person.objects.filter(period.instants("created_at"))
        .select_related("user")
        .prefetch_related(Prefetch("affiliations", current, to_attr="current"))
        .order_by(french_order("user__last_name"), french_order("user__first_name"), "pk")
    )
    header = [
        _("Nom"),
        _("Prénom"),
        _("Fonction"),
        _("État"),
        _("Inscrit·e le"),
        _("Structure"),
        _("Secteur"),
        _("Type de structure"),
        _("Commune"),
        _("Intercommunalité"),
        _("Référent·e"),
    ]
    rows = []
    for person in people:
        affiliations = person.current or [None]
        for affiliation in affiliations:
            organization = affiliation.organization if affiliation else None
            commune = organization.commune if organization else None
            rows.append(
                [
                    person.user.last_name if person.user_id else "",
                    person.user.first_name if person.user_id else "",
                    person.job_title,
                    person.get_status_display(),
                    _day(person.created_at),
                    organization.name if organization else "",
                    organization.get_sector_display() if organization else "",
                    str(organization.type) if organization and organization.type_id else "",
                    commune.name if commune else "",
                    commune.epci.name if commune and commune.epci_id else "",
                    (_("oui") if affiliation.is_referent else _("non")) if affiliation else "",
                ]
            )
    return header, rows


def registrations(period: Period) -> tuple[list, list]:
    """Registrations to the events held in the period, with the sessions attended."""
    sessions = period_sessions(period)
    present = Attendance.objects.filter(present=True, session__in=sessions)
    registrations = (
        Registration.objects.filter(event__in=sessions.values("event"))
        .select_related("event", "person__user")
        .annotate(
            attended=Count("attendances", filter=Q(attendances__in=present), distinct=True),
            sessions=Count(
                "event__sessions", filter=Q(event__sessions__in=sessions), distinct=True
            ),
        )
        .order_by("event__title", "event", french_order("person__user__last_name"), "pk")
    )
    header = [
        _("Rencontre"),
        _("Type"),
        _("Nom"),
        _("Prénom"),
        _("Structure"),
        _("Inscription"),
        _("Inscrit·e le"),
        _("Séances de la période"),
        _("Séances avec présence"),
        _("Présent·e"),
    ]
    rows = [
        [
            r.event.title,
            r.event.get_kind_display(),
            r.person.user.last_name if r.person_id and r.person.user_id else _("Compte supprimé"),
            r.person.user.first_name if r.person_id and r.person.user_id else "",
            r.organization_name,
            r.get_status_display(),
            _day(r.created_at),
            r.sessions,
            r.attended,
            _("oui") if r.attended else _("non"),
        ]
        for r in registrations
    ]
    return header, rows


def dossiers(period: Period) -> tuple[list, list]:
    """Dossiers created during the period (the board's definition), with amounts."""
    rows = (
        Dossier.objects.filter(period.instants("created_at"))
        .select_related("organization", "opportunity", "project")
        .order_by("created_at", "pk")
    )
    header = [
        _("Dossier"),
        _("Structure"),
        _("Type"),
        _("État"),
        _("Financeur"),
        _("Appel"),
        _("Projet"),
        _("Montant demandé (€)"),
        _("Montant accordé (€)"),
        _("Créé le"),
    ]
    return header, [
        [
            d.title,
            d.organization.name,
            d.get_kind_display(),
            d.get_status_display(),
            d.funder,
            d.opportunity.title if d.opportunity_id else "",
            d.project.title if d.project_id else "",
            d.amount_requested,
            d.amount_granted,
            _day(d.created_at),
        ]
        for d in rows
    ]


def survey_answers(period: Period) -> tuple[list, list]:
    """Every answer of the responses received in the period, one row per answer (a
    multiple choice gives one row per option ticked). Anonymous: a response number."""
    answers = (
        Answer.objects.filter(period.days("response__submitted_on"))
        .select_related("response__survey__event", "response__survey__project", "question")
        .order_by("response__survey", "response", "question__position", "question", "pk")
    )
    header = [
        _("Questionnaire"),
        _("Type"),
        _("Porte sur"),
        _("Réponse n°"),
        _("Reçue le"),
        _("Question"),
        _("Réponse"),
    ]
    rows = []
    for answer in answers:
        survey = answer.response.survey
        subject = (
            survey.event.title
            if survey.event_id
            else (survey.project.title if survey.project_id else "")
        )
        value = answer.number if answer.number is not None else (answer.choice or answer.text)
        rows.append(
            [
                survey.title,
                survey.get_kind_display(),
                subject,
                answer.response_id,
                answer.response.submitted_on.strftime("%d/%m/%Y"),
                answer.question.label,
                value,
            ]
        )
    return header, rows


def measurements(period: Period) -> tuple[list, list]:
    """The experiments' measurements entered during the period, with their round, status
    and target (aggregates only: no child is ever named or counted apart)."""
    from .models import Measurement

    rows = (
        Measurement.objects.filter(period.instants("entered_at"))
        .select_related("indicator__evaluation__project")
        .order_by("indicator__evaluation__project__title", "indicator__position", "round", "pk")
    )
    header = [
        _("Expérimentation"),
        _("Indicateur"),
        _("Unité"),
        _("Étape"),
        _("Valeur"),
        _("Observations"),
        _("Cible"),
        _("État"),
        _("Saisie le"),
    ]
    return header, [
        [
            m.indicator.evaluation.project.title,
            m.indicator.label,
            m.indicator.unit,
            m.get_round_display(),
            m.value,
            m.text,
            m.indicator.target,
            m.get_status_display(),
            _day(m.entered_at),
        ]
        for m in rows
    ]


@dataclass(frozen=True)
class Dataset:
    slug: str
    label: object
    build: object


DATASETS = {
    d.slug: d
    for d in (
        Dataset("membres", gettext_lazy("Membres inscrits pendant la période"), members),
        Dataset(
            "inscriptions",
            gettext_lazy("Inscriptions et présences aux rencontres de la période"),
            registrations,
        ),
        Dataset("dossiers", gettext_lazy("Dossiers créés pendant la période"), dossiers),
        Dataset(
            "reponses",
            gettext_lazy("Réponses aux questionnaires reçues pendant la période"),
            survey_answers,
        ),
        Dataset(
            "mesures",
            gettext_lazy("Mesures des expérimentations saisies pendant la période"),
            measurements,
        ),
    )
}
