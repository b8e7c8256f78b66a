"""Hooks on the other apps' models (they never import evaluations)."""

from events.enums import EventKind


def training_gets_its_survey(sender, instance, created=False, raw=False, **kwargs):
    """Every training gets the default satisfaction survey as soon as it is saved, so
    that the coordinator can adapt its questions before the training (the J+1 sweep
    creates it too, for trainings saved without signals: bulk loads)."""
    if raw or instance.kind != EventKind.TRAINING:
        return
    from .models import Survey
    from .services import satisfaction_survey_ensure

    if not Survey.objects.filter(event=instance, kind="satisfaction").exists():
        satisfaction_survey_ensure(event=instance)


def experiment_gets_its_evaluation(sender, instance, created=False, raw=False, **kwargs):
    """Every experiment gets its evaluation with the default grid as soon as it is saved
    (the seed ensures it too, for experiments saved without signals)."""
    if raw or not instance.is_experiment:
        return
    from .models import ExperimentEvaluation
    from .services_experiments import experiment_evaluation_ensure

    if not ExperimentEvaluation.objects.filter(project=instance).exists():
        experiment_evaluation_ensure(project=instance)
