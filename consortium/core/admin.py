from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from .models import AuditLogEntry, OutboxMessage, User, WorkerHeartbeat
from .outbox import outbox_retry
from .security import private_security_actions
from .services import rights_change_record, user_rights

# The admin speaks of the portal, not of the framework it is built on.
admin.site.site_header = _("Administration du portail du consortium éveil artistique et culturel")
admin.site.site_title = _("Administration du consortium")
admin.site.index_title = _("Tableau de bord de l'administration")


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "is_staff", "date_joined"]
    list_filter = ["is_active", "is_staff", "groups"]
    search_fields = ["email", "first_name__folded_contains", "last_name__folded_contains"]
    fieldsets = [
        (None, {"fields": ["email", "password"]}),
        (_("Identité"), {"fields": ["first_name", "last_name", "language"]}),
        (_("Droits"), {"fields": ["is_active", "is_staff", "is_superuser", "groups"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [
        (None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]}),
    ]

    def get_readonly_fields(self, request, obj=None):
        readonly = list(super().get_readonly_fields(request, obj))
        if not request.user.is_superuser:
            # Rights are above the coordinator's role.
            readonly += ["is_staff", "is_superuser", "groups"]
        return readonly

    def save_model(self, request, obj, form, change):
        # Rights before the change, kept on the request (the ModelAdmin is shared).
        request._rights_before = user_rights(User.objects.get(pk=obj.pk)) if change else set()
        super().save_model(request, obj, form, change)

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        rights_change_record(
            actor=request.user,
            user=form.instance,
            before=getattr(request, "_rights_before", set()),
        )

    def has_change_permission(self, request, obj=None):
        # Editing a superuser (password, address) would be a way to become one.
        if obj is not None and obj.is_superuser and not request.user.is_superuser:
            return False
        return super().has_change_permission(request, obj)


@admin.register(AuditLogEntry)
class AuditLogEntryAdmin(admin.ModelAdmin):
    """Read-only: the audit log is written by services, never edited by hand."""

    list_display = ["created_at", "action", "actor", "target_repr"]
    list_filter = ["action", "target_type"]
    search_fields = ["action", "target_repr__folded_contains", "message__folded_contains"]
    list_select_related = ["actor", "target_type"]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        # Connections and downloads are for superusers (the data-protection officer).
        entries = super().get_queryset(request)
        if request.user.is_superuser:
            return entries
        return entries.exclude(action__in=private_security_actions())

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(WorkerHeartbeat)
class WorkerHeartbeatAdmin(admin.ModelAdmin):
    list_display = ["worker", "seen_at"]

    def has_add_permission(self, request):
        return False


@admin.register(OutboxMessage)
class OutboxMessageAdmin(admin.ModelAdmin):
    """What was sent to whom, and what failed. Read-only but for a new series of tries."""

    list_display = ["created_at", "kind", "recipient_email", "status", "attempts", "sent_at"]
    list_filter = ["status", "template", "language"]
    search_fields = ["recipient_email", "subject__folded_contains", "kind"]
    date_hierarchy = "created_at"
    actions = ["retry"]
    exclude = ["recipient"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False  # the record of what was sent stays (purged after a year)

    @admin.action(description=_("Réessayer l'envoi des e-mails en échec"))
    def retry(self, request, queryset):
        count = outbox_retry(messages=queryset)
        self.message_user(
            request,
            ngettext(
                "%(count)s e-mail remis en file d'envoi.",
                "%(count)s e-mails remis en file d'envoi.",
                count,
            )
            % {"count": count},
        )
