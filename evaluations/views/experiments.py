"""Evaluation of experiments (/evaluations/experimentations/): the grid, the progress
against targets with charts, the partners' entry of measurements, the coordinator's
validation and grid; and the model sheet drawn from an evaluated experiment.

Reading: the coordination, the Observation group, the experiment's partners (404 for
anyone else: `visible_to`). Writing: the experiment's partners enter measurements; the
coordination validates them, extends the grid and writes the model sheet (404 for
everyone else, observers included).
"""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_POST

from consortium.core.exceptions import DomainError
from consortium.core.forms import show_service_errors
from consortium.core.pagination import paginate
from consortium.core.pdf import pdf_response, render_pdf
from consortium.core.permissions import coordinator_required, get_visible_object_or_404
from members.access import member_required

from .. import services_experiments as services
from ..enums import MeasurementRound
from ..experiments import evaluation_progress
from ..filters import ExperimentFilter
from ..forms.experiments import DecisionForm, IndicatorForm, MeasurementsForm, SheetForm
from ..models import ExperimentEvaluation, Indicator, Measurement, ModelSheet
from ..rules import can_enter_measurements, can_manage_experiments


def _evaluation(request, pk) -> ExperimentEvaluation:
    return get_visible_object_or_404(
        ExperimentEvaluation.objects.select_related("project"), request.user, pk=pk
    )


@member_required
@require_GET
def experiment_list(request):
    evaluations = ExperimentEvaluation.objects.visible_to(request.user).for_listing()
    filterset = ExperimentFilter(request.GET, queryset=evaluations)
    context = {"filter": filterset, "page_obj": paginate(request, filterset.qs)}
    return render(request, "evaluations/experiments/list.html", context)


@member_required
@require_GET
def experiment_detail(request, pk):
    evaluation = _evaluation(request, pk)
    progress = evaluation_progress(evaluation)
    can_manage = can_manage_experiments(request.user)
    sheet = ModelSheet.objects.filter(project=evaluation.project_id).first()
    context = {
        "evaluation": evaluation,
        "project": evaluation.project,
        "progress": progress,
        "rounds": list(MeasurementRound),
        "can_manage": can_manage,
        "can_enter": can_enter_measurements(request.user, evaluation.project),
        "sheet": sheet,
        "can_draft": can_manage and sheet is None and services.is_evaluated(evaluation),
    }
    return render(request, "evaluations/experiments/detail.html", context)


@member_required
def measurements_entry(request, pk, round):
    evaluation = _evaluation(request, pk)
    if round not in MeasurementRound.values or not can_enter_measurements(
        request.user, evaluation.project
    ):
        raise Http404
    indicators = list(evaluation.indicators.all())
    existing = {
        m.indicator_id: m
        for m in Measurement.objects.filter(indicator__evaluation=evaluation, round=round)
    }
    form = MeasurementsForm(request.POST or None, indicators=indicators, existing=existing)
    if request.method == "POST" and form.is_valid():
        try:
            saved = services.measurements_record(
                actor=request.user, evaluation=evaluation, round=round, values=form.values()
            )
        except ValidationError as error:
            for key, errors in error.message_dict.items():
                name = f"i{key}"
                form.add_error(name if name in form.fields else None, errors)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Les mesures sont enregistrées : la coordination va les valider.")
                if saved
                else _("Aucune mesure n'a changé."),
            )
            return redirect("evaluations:experiment", pk=evaluation.pk)
    context = {
        "evaluation": evaluation,
        "project": evaluation.project,
        "form": form,
        "round_label": MeasurementRound(round).label,
    }
    status = 400 if form.errors else 200
    return render(request, "evaluations/experiments/entry.html", context, status=status)


@coordinator_required
@require_POST
def measurement_decide(request, pk, measurement_pk):
    evaluation = get_object_or_404(ExperimentEvaluation, pk=pk)
    measurement = get_object_or_404(
        Measurement.objects.select_related("indicator"),
        pk=measurement_pk,
        indicator__evaluation=evaluation,
    )
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choisissez de valider ou de refuser la mesure."))
    else:
        try:
            services.measurement_transition(
                actor=request.user,
                measurement=measurement,
                name=form.cleaned_data["transition"],
                comment=form.cleaned_data["comment"],
            )
        except DomainError as error:
            messages.error(request, str(error))
        else:
            messages.success(
                request,
                _("Mesure validée.")
                if form.cleaned_data["transition"] == "valider"
                else _("Mesure refusée : les partenaires peuvent la saisir à nouveau."),
            )
    return redirect("evaluations:experiment", pk=evaluation.pk)


@coordinator_required
def indicator_form(request, pk, indicator_pk=None):
    evaluation = get_object_or_404(ExperimentEvaluation.objects.select_related("project"), pk=pk)
    indicator = None
    if indicator_pk is not None:
        indicator = get_object_or_404(Indicator, pk=indicator_pk, evaluation=evaluation)
    instance = Indicator.objects.get(pk=indicator.pk) if indicator else None
    form = IndicatorForm(request.POST or None, instance=instance)
    if request.method == "POST" and form.is_valid():
        try:
            services.indicator_save(
                actor=request.user,
                evaluation=evaluation,
                indicator=indicator,
                fields=form.cleaned_data,
            )
        except ValidationError as error:
            show_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(request, _("L'indicateur est enregistré."))
            return redirect("evaluations:experiment", pk=evaluation.pk)
    context = {
        "evaluation": evaluation,
        "project": evaluation.project,
        "form": form,
        "indicator": indicator,
    }
    status = 400 if form.errors else 200
    return render(request, "evaluations/experiments/indicator_form.html", context, status=status)


# --- Model sheets ---------------------------------------------------------------------------


def _sheet(request, pk) -> ModelSheet:
    evaluation = _evaluation(request, pk)
    sheet = get_object_or_404(
        ModelSheet.objects.select_related("project", "practice"), project=evaluation.project_id
    )
    sheet.evaluation = evaluation
    return sheet


def _version(sheet: ModelSheet, request):
    number = request.GET.get("version", "")
    versions = sheet.versions.select_related("created_by")
    if number:
        if not number.isdigit():
            raise Http404
        return get_object_or_404(versions, number=int(number))
    version = versions.first()
    if version is None:
        raise Http404
    return version


@member_required
@require_GET
def sheet_detail(request, pk):
    sheet = _sheet(request, pk)
    version = _version(sheet, request)
    context = {
        "sheet": sheet,
        "evaluation": sheet.evaluation,
        "project": sheet.project,
        "version": version,
        "versions": list(sheet.versions.select_related("created_by")),
        "can_manage": can_manage_experiments(request.user),
    }
    return render(request, "evaluations/experiments/sheet.html", context)


@member_required
@require_GET
def sheet_pdf(request, pk):
    sheet = _sheet(request, pk)
    version = _version(sheet, request)
    context = {"sheet": sheet, "project": sheet.project, "version": version}
    pdf = render_pdf(template_name="evaluations/experiments/sheet_pdf.html", context=context)
    response = pdf_response(
        pdf=pdf, filename=f"modelisation-{sheet.project.slug}-v{version.number}"
    )
    response["Cache-Control"] = "private, no-store"
    return response


@coordinator_required
@require_POST
def sheet_draft(request, pk):
    evaluation = get_object_or_404(ExperimentEvaluation.objects.select_related("project"), pk=pk)
    try:
        services.model_sheet_create(actor=request.user, evaluation=evaluation)
    except DomainError as error:
        messages.error(request, str(error))
        return redirect("evaluations:experiment", pk=evaluation.pk)
    messages.success(
        request, _("La fiche de modélisation est rédigée : relisez-la et complétez-la.")
    )
    return redirect("evaluations:sheet", pk=evaluation.pk)


@coordinator_required
def sheet_edit(request, pk):
    evaluation = get_object_or_404(ExperimentEvaluation.objects.select_related("project"), pk=pk)
    sheet = get_object_or_404(ModelSheet, project=evaluation.project_id)
    current = sheet.versions.first()
    form = SheetForm(request.POST or None, instance=current)
    if request.method == "POST" and form.is_valid():
        try:
            version = services.model_sheet_update(
                actor=request.user, sheet=sheet, fields=form.cleaned_data
            )
        except ValidationError as error:
            show_service_errors(form, error)
        except DomainError as error:
            form.add_error(None, str(error))
        else:
            messages.success(
                request,
                _("Version %(number)s enregistrée ; les précédentes sont conservées.")
                % {"number": version.number},
            )
            return redirect("evaluations:sheet", pk=evaluation.pk)
    context = {
        "evaluation": evaluation,
        "project": evaluation.project,
        "sheet": sheet,
        "form": form,
    }
    status = 400 if form.errors else 200
    return render(request, "evaluations/experiments/sheet_form.html", context, status=status)


@coordinator_required
@require_POST
def sheet_publish(request, pk):
    evaluation = get_object_or_404(ExperimentEvaluation, pk=pk)
    sheet = get_object_or_404(ModelSheet, project=evaluation.project_id)
    try:
        practice = services.model_sheet_publish(actor=request.user, sheet=sheet)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    except DomainError as error:
        messages.error(request, str(error))
    else:
        messages.success(
            request,
            _("La fiche est publiée comme bonne pratique « %(title)s ».")
            % {"title": practice.title},
        )
    return redirect("evaluations:sheet", pk=evaluation.pk)
