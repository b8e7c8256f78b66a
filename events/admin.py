"""Admin of events, for the coordination.

The coordination area (/coordination/rencontres/) is where events are run: publishing,
cancelling, registering someone, moving people and émargement go through the services
there, because they send e-mails and keep the waitlist in order. Here, statuses are
read-only; lists select their relations and inlines that would need a dropdown per row
are read-only, so that every page runs a constant number of queries.
"""

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consortium.core.admin_bases import ReadOnlyAdmin, ReadOnlyInline
from consortium.core.exceptions import DomainError

from . import services
from .enums import EventStatus
from .models import Attendance, CalendarFeed, Event, Registration, ReminderPolicy, Session

STAMPS = ("created_at", "updated_at")


# --- Events and sessions ---------------------------------------------------------------


class SessionInline(admin.TabularInline):
    model = Session
    fields = ["starts_at", "ends_at", "label", "hours"]
    extra = 0
    show_change_link = True


class EventRegistrationInline(ReadOnlyInline):
    model = Registration
    fields = ["person", "status", "organization_name", "waitlisted_at", "created_at"]
    verbose_name_plural = _("inscriptions (gérées depuis l'espace coordination)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person__user", "event")


@admin.register(Event)
class EventAdmin(admin.ModelAdmin):
    list_display = [
        "title",
        "kind",
        "status",
        "commune",
        "first_start",
        "confirmed_count",
        "waitlist_count",
        "capacity",
    ]
    list_filter = ["status", "kind", "visibility", "audience", "is_online", "commune__epci"]
    search_fields = [
        "title__folded_contains",
        "slug",
        "venue__folded_contains",
        "commune__name__folded_contains",
    ]
    list_select_related = ["commune", "group"]
    autocomplete_fields = ["commune", "group", "needs"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = ["status", *STAMPS]
    inlines = [SessionInline, EventRegistrationInline]
    actions = ["publish"]

    def get_queryset(self, request):
        return super().get_queryset(request).with_dates().with_counts()

    @admin.display(description=_("début"), ordering="first_start")
    def first_start(self, event):
        return event.first_start

    @admin.display(description=_("inscrits"), ordering="confirmed_count")
    def confirmed_count(self, event):
        return event.confirmed_count

    @admin.display(description=_("en attente"), ordering="waitlist_count")
    def waitlist_count(self, event):
        return event.waitlist_count

    @admin.action(description=_("Publier les rencontres sélectionnées"))
    def publish(self, request, queryset):
        published = 0
        for event in queryset.filter(status=EventStatus.DRAFT):
            try:
                services.event_publish(event=event, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{event} : {error}", messages.WARNING)
            else:
                published += 1
        self.message_user(
            request,
            ngettext("%(count)d rencontre publiée.", "%(count)d rencontres publiées.", published)
            % {"count": published},
            messages.SUCCESS,
        )


@admin.register(Session)
class SessionAdmin(admin.ModelAdmin):
    list_display = ["event", "starts_at", "ends_at", "label", "hours"]
    list_filter = ["event__kind"]
    search_fields = ["event__title__folded_contains", "label__folded_contains"]
    list_select_related = ["event"]
    autocomplete_fields = ["event"]
    date_hierarchy = "starts_at"


# --- Registrations and attendance ------------------------------------------------------


class AttendanceInline(ReadOnlyInline):
    model = Attendance
    fields = ["session", "present", "marked_by", "marked_at"]
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("session__event", "marked_by")


@admin.register(Registration)
class RegistrationAdmin(admin.ModelAdmin):
    """Registrations are made and changed in the coordination area (waitlist, e-mails)."""

    list_display = ["person", "event", "status", "organization_name", "created_at"]
    list_filter = ["status", "event__kind"]
    search_fields = [
        "person__user__email",
        "person__user__last_name__folded_contains",
        "event__title__folded_contains",
        "organization_name__folded_contains",
    ]
    list_select_related = ["person__user", "event"]
    readonly_fields = [
        "event",
        "person",
        "status",
        "waitlisted_at",
        "cancelled_at",
        "registered_by",
        "certificate_sent_at",
        *STAMPS,
    ]
    inlines = [AttendanceInline]
    date_hierarchy = "created_at"

    def has_add_permission(self, request):
        return False


@admin.register(Attendance)
class AttendanceAdmin(admin.ModelAdmin):
    list_display = ["registration", "session", "present", "marked_by", "marked_at"]
    list_filter = ["present", "session__event__kind"]
    search_fields = [
        "registration__person__user__email",
        "registration__person__user__last_name__folded_contains",
        "session__event__title__folded_contains",
    ]
    list_select_related = [
        "registration__person__user",
        "registration__event",
        "session__event",
        "marked_by",
    ]
    readonly_fields = ["registration", "session", "marked_by", "marked_at"]

    def has_add_permission(self, request):
        return False


# --- Calendars and reminders -----------------------------------------------------------


@admin.register(CalendarFeed)
class CalendarFeedAdmin(ReadOnlyAdmin):
    """The secret calendar addresses: shown, never edited (a person renews their own)."""

    list_display = ["person"]
    search_fields = ["person__user__email", "person__user__last_name__folded_contains"]
    list_select_related = ["person__user"]
    fields = ["person"]


@admin.register(ReminderPolicy)
class ReminderPolicyAdmin(ReadOnlyAdmin):
    """Edited in the coordination area (Rencontres › Réglage des rappels), with checks."""

    list_display = ["__str__", "certificate_delay_hours"]
    search_fields = ["offsets_days"]
