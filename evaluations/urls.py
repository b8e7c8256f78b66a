from django.urls import path

from .views import experiments, manage, reports, respond, results

app_name = "evaluations"

urlpatterns = [
    # Answering: a personal link, no login.
    path("questionnaires/<str:token>/", respond.respond, name="respond"),
    # Results: the coordination and the Observation group; partners, their experiments'.
    path("evaluations/", results.survey_list, name="surveys"),
    path("evaluations/questionnaires/<int:pk>/", results.survey_results_page, name="results"),
    path("evaluations/questionnaires/<int:pk>/reponses.csv", results.survey_csv, name="csv"),
    path("evaluations/questionnaires/<int:pk>/reponses.xlsx", results.survey_xlsx, name="xlsx"),
    # The coordination writes the surveys.
    path("coordination/questionnaires/nouveau/", manage.survey_create, name="create"),
    path("coordination/questionnaires/<int:pk>/", manage.survey_edit, name="edit"),
    path("coordination/questionnaires/<int:pk>/inviter/", manage.survey_invite, name="invite"),
    path(
        "coordination/questionnaires/<int:pk>/questions/nouvelle/",
        manage.question_form,
        name="question_add",
    ),
    path(
        "coordination/questionnaires/<int:pk>/questions/<int:question_pk>/",
        manage.question_form,
        name="question_edit",
    ),
    path(
        "coordination/questionnaires/<int:pk>/questions/<int:question_pk>/supprimer/",
        manage.question_delete,
        name="question_delete",
    ),
    path(
        "coordination/questionnaires/<int:pk>/questions/<int:question_pk>/deplacer/",
        manage.question_move,
        name="question_move",
    ),
]

# Evaluation of experiments and model sheets: read by the coordination, the Observation
# group and each experiment's partners; partners enter measurements; the coordination
# validates them, extends the grid and writes the model sheets on the same pages.
E = "evaluations/experimentations/<int:pk>/"
urlpatterns += [
    path("evaluations/experimentations/", experiments.experiment_list, name="experiments"),
    path(E, experiments.experiment_detail, name="experiment"),
    path(E + "mesures/<slug:round>/", experiments.measurements_entry, name="measurements"),
    path(
        E + "mesures/<int:measurement_pk>/decision/",
        experiments.measurement_decide,
        name="measurement_decide",
    ),
    path(E + "indicateurs/nouveau/", experiments.indicator_form, name="indicator_add"),
    path(E + "indicateurs/<int:indicator_pk>/", experiments.indicator_form, name="indicator_edit"),
    path(E + "modelisation/", experiments.sheet_detail, name="sheet"),
    path(E + "modelisation.pdf", experiments.sheet_pdf, name="sheet_pdf"),
    path(E + "modelisation/rediger/", experiments.sheet_draft, name="sheet_draft"),
    path(E + "modelisation/modifier/", experiments.sheet_edit, name="sheet_edit"),
    path(E + "modelisation/publier/", experiments.sheet_publish, name="sheet_publish"),
]

# Activity reports and exports (issue 11, items 4 and 5): the coordination and the
# Observation group.
urlpatterns += [
    path("coordination/rapports/", reports.report_list, name="reports"),
    path("coordination/rapports/<int:pk>/", reports.report_detail, name="report"),
    path("coordination/rapports/<int:pk>/relancer/", reports.report_retry, name="report_retry"),
    path("coordination/rapports/<int:pk>/rapport.pdf", reports.report_pdf, name="report_pdf"),
    path("coordination/rapports/<int:pk>/chiffres.xlsx", reports.report_xlsx, name="report_xlsx"),
    path(
        "coordination/rapports/exports/<slug:dataset>.<str:fmt>",
        reports.export,
        name="export",
    ),
]
