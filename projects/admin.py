"""Admin of the projects app, for the coordination.

Workflow statuses (dossiers, practice reviews) are read-only here: they move through
the services, which log each step. Many-to-many choices use autocomplete or filter
widgets so that the forms stay light with the full territory.
"""

from django.contrib import admin
from django.db import models
from django.utils.translation import gettext_lazy as _

from consortium.core.admin_bases import ReadOnlyInline
from consortium.core.widgets import StoredFileInput

from .models import (
    Dossier,
    DossierDeadline,
    DossierDocument,
    DossierTransition,
    Opportunity,
    OpportunityAttachment,
    OpportunitySector,
    Practice,
    PracticeComment,
    PracticeImage,
    PracticeTransition,
    Project,
    ProjectPartner,
    Resource,
)

STAMPS = ("created_at", "updated_at")
# Stored files are named, never linked: media files are served by views that check access.
NO_MEDIA_LINKS = {
    models.FileField: {"widget": StoredFileInput},
    models.ImageField: {"widget": StoredFileInput},
}


class OpportunitySectorInline(admin.TabularInline):
    model = OpportunitySector
    extra = 0


class OpportunityAttachmentInline(admin.TabularInline):
    formfield_overrides = NO_MEDIA_LINKS
    model = OpportunityAttachment
    fields = ["title", "file"]
    extra = 0


@admin.register(Opportunity)
class OpportunityAdmin(admin.ModelAdmin):
    list_display = ["title", "kind", "funder", "deadline", "status", "is_public"]
    list_filter = ["status", "kind", "is_public"]
    search_fields = ["title__folded_contains", "funder__folded_contains"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = [
        "eligible_types",
        "eligible_disciplines",
        "eligible_ages",
        "eligible_epcis",
        "themes",
    ]
    readonly_fields = ["published_at", "created_by", *STAMPS]
    inlines = [OpportunitySectorInline, OpportunityAttachmentInline]
    date_hierarchy = "deadline"


class DossierTransitionInline(ReadOnlyInline):
    model = DossierTransition
    fields = ["created_at", "from_status", "to_status", "actor", "comment"]
    show_change_link = False
    verbose_name_plural = _("historique (les étapes passent par l'espace dossiers)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class DossierDeadlineInline(admin.TabularInline):
    model = DossierDeadline
    extra = 0


class DossierDocumentInline(admin.TabularInline):
    formfield_overrides = NO_MEDIA_LINKS
    model = DossierDocument
    fields = ["label", "is_done", "file", "position"]
    extra = 0


@admin.register(Dossier)
class DossierAdmin(admin.ModelAdmin):
    list_display = ["title", "organization", "kind", "status", "amount_requested", "updated_at"]
    list_filter = ["status", "kind"]
    list_select_related = ["organization"]
    search_fields = [
        "title__folded_contains",
        "organization__name__folded_contains",
        "funder__folded_contains",
    ]
    autocomplete_fields = ["organization", "opportunity", "project", "owners"]
    readonly_fields = ["status", "created_by", *STAMPS]
    inlines = [DossierDeadlineInline, DossierDocumentInline, DossierTransitionInline]


class ProjectPartnerInline(admin.TabularInline):
    model = ProjectPartner
    autocomplete_fields = ["organization"]
    extra = 0


@admin.register(Project)
class ProjectAdmin(admin.ModelAdmin):
    list_display = ["title", "status", "is_experiment", "starts_on", "ends_on"]
    list_filter = ["status", "is_experiment"]
    search_fields = ["title__folded_contains", "summary__folded_contains"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["working_group", "communes"]
    filter_horizontal = ["age_groups", "disciplines", "themes"]
    readonly_fields = ["created_by", *STAMPS]
    inlines = [ProjectPartnerInline]


@admin.register(Resource)
class ResourceAdmin(admin.ModelAdmin):
    formfield_overrides = NO_MEDIA_LINKS
    list_display = ["title", "kind", "status", "is_public", "published_at"]
    list_filter = ["status", "kind", "is_public"]
    search_fields = ["title__folded_contains", "summary__folded_contains"]
    prepopulated_fields = {"slug": ["title"]}
    filter_horizontal = ["themes", "age_groups", "disciplines"]
    readonly_fields = ["created_by", *STAMPS]


class PracticeImageInline(admin.TabularInline):
    formfield_overrides = NO_MEDIA_LINKS
    model = PracticeImage
    fields = ["image", "alt_text", "caption", "position"]
    extra = 0


class PracticeTransitionInline(ReadOnlyInline):
    model = PracticeTransition
    fields = ["created_at", "from_status", "to_status", "actor", "comment"]
    show_change_link = False
    verbose_name_plural = _("historique (la relecture passe par l'espace bonnes pratiques)")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("actor")


class PracticeCommentInline(ReadOnlyInline):
    model = PracticeComment
    fields = ["created_at", "author", "body"]
    show_change_link = False

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("author")


@admin.register(Practice)
class PracticeAdmin(admin.ModelAdmin):
    list_display = ["title", "sector", "status", "published_at"]
    list_filter = ["status", "sector"]
    search_fields = ["title__folded_contains", "summary__folded_contains"]
    prepopulated_fields = {"slug": ["title"]}
    autocomplete_fields = ["communes", "project", "organization", "proposed_by"]
    filter_horizontal = ["epcis", "age_groups", "disciplines", "themes"]
    readonly_fields = ["status", "published_at", *STAMPS]
    inlines = [PracticeImageInline, PracticeCommentInline, PracticeTransitionInline]
