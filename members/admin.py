"""Admin of the network, for the coordination.

Decisions that send e-mails or write the audit log (validating a partner, archiving an
organisation) go through the services: statuses are read-only here, the validation queue
and the admin actions below do it properly. Every page runs a constant number of queries:
lists select their relations, and inlines show related objects read-only (an editable
foreign key would query its choices once per row).
"""

from django.contrib import admin, messages
from django.db import models
from django.db.models import Count
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from consortium.core.admin_bases import ReadOnlyAdmin, ReadOnlyInline
from consortium.core.widgets import StoredFileInput

from . import services
from .enums import OrganizationStatus
from .models import (
    Action,
    Affiliation,
    AgeGroup,
    Commune,
    ConsentRecord,
    Discipline,
    Epci,
    GroupDocument,
    GroupMembership,
    Need,
    NeedSupport,
    NeedTag,
    Organization,
    OrganizationType,
    Person,
    Theme,
    WorkingGroup,
)

STAMPS = ("created_at", "updated_at")


# --- Territory and vocabularies --------------------------------------------------------


@admin.register(Epci)
class EpciAdmin(ReadOnlyAdmin):
    list_display = ["name", "nature", "siren", "population", "commune_count"]
    list_filter = ["nature"]
    search_fields = ["name__folded_contains", "siren"]

    def get_queryset(self, request):
        return super().get_queryset(request).annotate(commune_count=Count("communes"))

    @admin.display(description=_("communes"), ordering="commune_count")
    def commune_count(self, epci):
        return epci.commune_count


@admin.register(Commune)
class CommuneAdmin(ReadOnlyAdmin):
    list_display = ["name", "insee_code", "postal_codes", "population", "epci"]
    list_filter = ["epci"]
    search_fields = ["name__folded_contains", "insee_code", "postal_codes"]
    list_select_related = ["epci"]


class VocabularyAdmin(admin.ModelAdmin):
    list_display = ["name", "slug", "position"]
    list_editable = ["position"]
    search_fields = ["name__folded_contains", "slug"]
    prepopulated_fields = {"slug": ["name"]}


@admin.register(OrganizationType)
class OrganizationTypeAdmin(VocabularyAdmin):
    list_display = ["name", "sector", "slug", "position"]
    list_filter = ["sector"]


@admin.register(Discipline)
class DisciplineAdmin(VocabularyAdmin):
    pass


@admin.register(Theme)
class ThemeAdmin(VocabularyAdmin):
    pass


@admin.register(NeedTag)
class NeedTagAdmin(VocabularyAdmin):
    pass


@admin.register(AgeGroup)
class AgeGroupAdmin(ReadOnlyAdmin):
    """The age ranges are fixed (AgeRange): rows exist so that objects can have several."""

    list_display = ["code", "position"]
    search_fields = ["code"]


# --- Organisations and people ----------------------------------------------------------


class OrganizationAffiliationInline(ReadOnlyInline):
    model = Affiliation
    fields = ["person", "is_referent", "status", "decided_at"]
    verbose_name_plural = _("personnes rattachées")

    def get_queryset(self, request):
        # The row's title is str(affiliation): person and organisation.
        return super().get_queryset(request).select_related("person__user", "organization")


@admin.register(Organization)
class OrganizationAdmin(admin.ModelAdmin):
    list_display = ["name", "type", "sector", "commune", "status", "listed_publicly", "created_at"]
    list_filter = ["status", "sector", "type", "listed_publicly", "commune__epci"]
    search_fields = [
        "name__folded_contains",
        "siret",
        "email",
        "commune__name__folded_contains",
        "commune__insee_code",
    ]
    list_select_related = ["type", "commune"]
    autocomplete_fields = ["commune"]
    filter_horizontal = ["disciplines", "age_groups"]
    prepopulated_fields = {"slug": ["name"]}
    readonly_fields = [
        "status",
        "created_by",
        "decided_by",
        "decided_at",
        "archived_at",
        *STAMPS,
    ]
    inlines = [OrganizationAffiliationInline]
    actions = ["archive"]
    date_hierarchy = "created_at"

    @admin.action(description=_("Archiver les structures sélectionnées"))
    def archive(self, request, queryset):
        archived = 0
        for organization in queryset.exclude(status=OrganizationStatus.ARCHIVED):
            services.organization_archive(organization=organization, actor=request.user)
            archived += 1
        self.message_user(
            request,
            ngettext("%(count)d structure archivée.", "%(count)d structures archivées.", archived)
            % {"count": archived},
            messages.SUCCESS,
        )


class PersonAffiliationInline(ReadOnlyInline):
    model = Affiliation
    fields = ["organization", "is_referent", "status", "decided_at"]
    verbose_name_plural = _("structures")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person__user", "organization")


class ConsentInline(ReadOnlyInline):
    model = ConsentRecord
    fields = ["purpose", "given", "wording_version", "created_at"]
    show_change_link = False


@admin.register(Person)
class PersonAdmin(admin.ModelAdmin):
    list_display = ["__str__", "email", "job_title", "status", "wants_digest", "created_at"]
    list_filter = ["status", "wants_digest", "wants_reminders"]
    search_fields = [
        "user__email",
        "user__first_name__folded_contains",
        "user__last_name__folded_contains",
        "job_title__folded_contains",
    ]
    list_select_related = ["user"]
    readonly_fields = ["user", "status", "decided_by", "decided_at", "decision_message", *STAMPS]
    inlines = [PersonAffiliationInline, ConsentInline]
    date_hierarchy = "created_at"

    @admin.display(description=_("adresse e-mail"), ordering="user__email")
    def email(self, person):
        return person.user.email


@admin.register(Affiliation)
class AffiliationAdmin(admin.ModelAdmin):
    list_display = ["person", "organization", "is_referent", "status", "created_at"]
    list_filter = ["status", "is_referent"]
    search_fields = [
        "person__user__email",
        "person__user__last_name__folded_contains",
        "organization__name__folded_contains",
    ]
    list_select_related = ["person__user", "organization"]
    autocomplete_fields = ["person", "organization"]
    # The status moves through the services (members.workflows), audited, never by hand.
    readonly_fields = ["status", "decided_by", "decided_at", *STAMPS]


@admin.register(ConsentRecord)
class ConsentRecordAdmin(ReadOnlyAdmin):
    """Append-only proof of consent: never edited."""

    list_display = ["person", "purpose", "given", "wording_version", "created_at"]
    list_filter = ["purpose", "given", "wording_version"]
    search_fields = ["person__user__email", "person__user__last_name__folded_contains"]
    list_select_related = ["person__user"]


# --- Working groups --------------------------------------------------------------------


class MembershipInline(admin.TabularInline):
    model = GroupMembership
    fields = ["person", "status", "is_facilitator"]
    readonly_fields = ["person"]
    extra = 0
    verbose_name_plural = _("membres (ajoutez-en depuis « Membres des groupes »)")

    def has_add_permission(self, request, obj=None):
        return False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person__user", "group")


class ActionInline(admin.TabularInline):
    model = Action
    fields = ["title", "owner", "due_date", "status"]
    readonly_fields = ["owner"]
    extra = 0
    show_change_link = True

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("owner__user")


class DocumentInline(ReadOnlyInline):
    model = GroupDocument
    fields = ["title", "file", "url", "added_by", "created_at"]

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("added_by__user")


@admin.register(WorkingGroup)
class WorkingGroupAdmin(admin.ModelAdmin):
    list_display = ["title", "theme", "is_open", "member_count", "open_action_count", "archived_at"]
    list_filter = ["is_open", ("archived_at", admin.EmptyFieldListFilter), "theme"]
    search_fields = ["title__folded_contains", "description__folded_contains"]
    list_select_related = ["theme"]
    prepopulated_fields = {"slug": ["title"]}
    readonly_fields = list(STAMPS)
    inlines = [MembershipInline, ActionInline, DocumentInline]

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description=_("membres"), ordering="member_count")
    def member_count(self, group):
        return group.member_count

    @admin.display(description=_("actions en cours"), ordering="open_action_count")
    def open_action_count(self, group):
        return group.open_action_count


@admin.register(GroupMembership)
class GroupMembershipAdmin(admin.ModelAdmin):
    list_display = ["person", "group", "status", "is_facilitator", "created_at"]
    list_filter = ["status", "is_facilitator", "group"]
    search_fields = [
        "person__user__email",
        "person__user__last_name__folded_contains",
        "group__title__folded_contains",
    ]
    list_select_related = ["person__user", "group"]
    autocomplete_fields = ["person", "group"]
    readonly_fields = list(STAMPS)


@admin.register(GroupDocument)
class GroupDocumentAdmin(admin.ModelAdmin):
    # The file is named, not linked: group files are served by a view that checks access.
    formfield_overrides = {models.FileField: {"widget": StoredFileInput}}
    list_display = ["title", "group", "added_by", "created_at"]
    list_filter = ["group"]
    search_fields = ["title__folded_contains", "group__title__folded_contains", "url"]
    list_select_related = ["group", "added_by__user"]
    autocomplete_fields = ["group", "added_by"]
    readonly_fields = ["added_by", *STAMPS]


@admin.register(Action)
class ActionAdmin(admin.ModelAdmin):
    list_display = ["title", "group", "owner", "due_date", "status"]
    list_filter = ["status", "group"]
    search_fields = [
        "title__folded_contains",
        "description__folded_contains",
        "group__title__folded_contains",
    ]
    list_select_related = ["group", "owner__user"]
    autocomplete_fields = ["group", "owner"]
    readonly_fields = list(STAMPS)
    date_hierarchy = "due_date"


# --- Needs -----------------------------------------------------------------------------


class SupportInline(ReadOnlyInline):
    model = NeedSupport
    fields = ["person", "created_at"]
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("person__user", "need")


@admin.register(Need)
class NeedAdmin(admin.ModelAdmin):
    list_display = ["title", "theme", "sector", "commune", "author", "status", "support_count"]
    list_filter = ["status", "sector", "theme", "commune__epci", "tags", "is_anonymous"]
    search_fields = [
        "title__folded_contains",
        "description__folded_contains",
        "commune__name__folded_contains",
    ]
    list_select_related = ["theme", "commune", "author__user"]
    autocomplete_fields = ["commune", "author", "group"]
    filter_horizontal = ["age_groups", "tags"]
    readonly_fields = ["status", "merged_into", "closed_at", *STAMPS]
    inlines = [SupportInline]
    date_hierarchy = "created_at"

    def get_queryset(self, request):
        return super().get_queryset(request).with_counts()

    @admin.display(description=_("soutiens"), ordering="support_count")
    def support_count(self, need):
        return need.support_count


@admin.register(NeedSupport)
class NeedSupportAdmin(admin.ModelAdmin):
    list_display = ["need", "person", "created_at"]
    search_fields = [
        "need__title__folded_contains",
        "person__user__email",
        "person__user__last_name__folded_contains",
    ]
    list_select_related = ["need", "person__user"]
    autocomplete_fields = ["need", "person"]
