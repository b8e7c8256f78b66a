from django.urls import path

from .views import agenda, coordination

app_name = "events"

urlpatterns = [
    # Public agenda, event pages, iCalendar feeds, registration
    path("agenda/", agenda.agenda, name="agenda"),
    path("agenda.ics", agenda.agenda_ics, name="agenda_ics"),
    path("agenda/mes-inscriptions/", agenda.my_registrations, name="my_registrations"),
    path("agenda/flux/<str:token>.ics", agenda.personal_ics, name="personal_ics"),
    path("agenda/<slug:slug>/", agenda.event_detail, name="event"),
    path("agenda/<slug:slug>.ics", agenda.event_ics, name="event_ics"),
    path("agenda/<slug:slug>/inscription/", agenda.register, name="register"),
    path("agenda/<slug:slug>/desinscription/", agenda.unregister, name="unregister"),
    path("agenda/<slug:slug>/attestation.pdf", agenda.my_certificate, name="my_certificate"),
    # Coordination area
    path("coordination/rencontres/", coordination.event_list, name="manage"),
    path("coordination/rencontres/nouvelle/", coordination.event_create, name="create"),
    path("coordination/rencontres/rappels/", coordination.reminder_policy, name="reminders"),
    path("coordination/rencontres/<slug:slug>/", coordination.event_edit, name="edit"),
    path("coordination/rencontres/<slug:slug>/seances/", coordination.sessions, name="sessions"),
    path(
        "coordination/rencontres/<slug:slug>/dupliquer/",
        coordination.event_duplicate,
        name="duplicate",
    ),
    path(
        "coordination/rencontres/<slug:slug>/publier/", coordination.event_publish, name="publish"
    ),
    path("coordination/rencontres/<slug:slug>/annuler/", coordination.event_cancel, name="cancel"),
    path(
        "coordination/rencontres/<slug:slug>/inscriptions/",
        coordination.registrations,
        name="registrations",
    ),
    path(
        "coordination/rencontres/<slug:slug>/inscriptions.csv",
        coordination.registrations_csv,
        name="registrations_csv",
    ),
    path(
        "coordination/rencontres/<slug:slug>/inscriptions/<int:pk>/<str:action>/",
        coordination.registration_action,
        name="registration_action",
    ),
    path(
        "coordination/rencontres/<slug:slug>/emargement/<int:session_pk>/",
        coordination.attendance,
        name="attendance",
    ),
    path(
        "coordination/rencontres/<slug:slug>/feuille-emargement.pdf",
        coordination.attendance_sheet,
        name="attendance_sheet",
    ),
    path(
        "coordination/rencontres/<slug:slug>/attestations/<int:pk>.pdf",
        coordination.certificate,
        name="certificate",
    ),
]
