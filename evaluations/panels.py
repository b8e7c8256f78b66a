"""What evaluations shows on other apps' pages (consortium.core.panels)."""

from django.template.loader import render_to_string

from .models import Survey
from .results import survey_results
from .rules import can_read_all_results


def event_satisfaction_panel(request, event) -> str:
    """The satisfaction figures of an event, on its coordination page."""
    if request is None or not can_read_all_results(request.user):
        return ""
    survey = Survey.objects.filter(event=event, kind="satisfaction").first()
    results = survey_results(survey, with_texts=False) if survey else None
    return render_to_string(
        "evaluations/_event_panel.html",
        {"survey": survey, "results": results, "event": event},
        request=request,
    )


def practice_version_panel(request, practice) -> str:
    """On a good practice drawn from a model sheet: which version of the sheet it shows."""
    from .models import ModelSheet

    sheet = (
        ModelSheet.objects.filter(practice=practice)
        .only("published_version", "published_at")
        .first()
    )
    if sheet is None or sheet.published_version is None:
        return ""
    return render_to_string(
        "evaluations/experiments/_practice_panel.html", {"sheet": sheet}, request=request
    )


def experiment_evaluation_panel(request, project) -> str:
    """On an experiment's page: a link to its evaluation (and model sheet) for those who
    read them (the coordination, observers, its partners)."""
    from .models import ExperimentEvaluation

    if request is None or not project.is_experiment:
        return ""
    evaluation = (
        ExperimentEvaluation.objects.visible_to(request.user)
        .filter(project=project)
        .select_related("project__model_sheet")
        .first()
    )
    if evaluation is None:
        return ""
    return render_to_string(
        "evaluations/experiments/_project_panel.html",
        {"evaluation": evaluation, "has_sheet": hasattr(evaluation.project, "model_sheet")},
        request=request,
    )
