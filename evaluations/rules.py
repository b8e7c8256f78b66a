"""Who may do what with surveys: pure predicates, used by the views (404) and the
services (refusal)."""

from consortium.core.permissions import can_observe, is_coordinator


def can_manage_surveys(user, survey=None) -> bool:
    """Creating surveys and writing their questions is the coordination's."""
    return is_coordinator(user)


def can_read_all_results(user) -> bool:
    """The coordination and the Département's Observation group read every result."""
    return can_observe(user)


def questions_editable(survey, *, has_responses: bool) -> bool:
    """Questions change only while nobody has answered: answers keep their meaning."""
    return not has_responses


def can_answer(invitation, now=None) -> bool:
    """A personal link works until it is used, while its survey is open."""
    return (
        not invitation.completed
        and invitation.token_hash is not None
        and invitation.survey.is_open(now)
    )


# --- Evaluation of experiments and model sheets ---------------------------------------------


def can_manage_experiments(user, obj=None) -> bool:
    """Extending the grid, setting targets, validating measurements, writing model sheets:
    the coordination's."""
    return is_coordinator(user)


def is_experiment_partner(user, project) -> bool:
    """An active member of an organisation that takes part in the experiment."""
    from members.rules import active_person

    person = active_person(user)
    if person is None:
        return False
    from django.apps import apps

    organizations = apps.get_model("members", "Organization").objects.acted_for_by(person)
    return project.partnerships.filter(organization__in=organizations).exists()


def can_enter_measurements(user, project) -> bool:
    """The experiment's partners enter its measurements (observers never write)."""
    return is_experiment_partner(user, project)


def measurement_enterers(user, measurement) -> bool:
    return can_enter_measurements(user, measurement.indicator.evaluation.project)


def coordination(user, obj=None) -> bool:
    return is_coordinator(user)


# --- Activity reports and exports (issue 11, items 4 and 5) --------------------------------


def can_generate_reports(user) -> bool:
    """The coordination and the Observation group generate activity reports: a report is
    a reading of the figures (it changes nothing of the network), which the Observation
    group is there to do; it writes nothing else."""
    return can_observe(user)


def can_read_reports(user) -> bool:
    return can_observe(user)


def can_export(user) -> bool:
    """Spreadsheets of members, registrations, dossiers and survey answers."""
    return can_observe(user)
