"""What circulates in the network (opportunities, resources) and what it produces
(projects, experiments, best practices), with the administrative files that follow them.

Eligibility and targeting sets (sectors, types, disciplines, ages, EPCIs) follow one rule:
an empty set means "no restriction".
"""

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortium.core.models import TimeStampedModel
from consortium.core.richtext import RichTextField
from consortium.core.uploads import validate_document, validate_image
from consortium.core.validators import reject_bidi_controls
from members.enums import Sector
from members.models import (
    AgeGroup,
    Commune,
    Discipline,
    Epci,
    Organization,
    OrganizationType,
    Person,
    Theme,
    WorkingGroup,
)

from .enums import (
    BudgetRange,
    DeadlineKind,
    DossierKind,
    DossierStatus,
    OpportunityKind,
    PartnerRole,
    PracticeStatus,
    ProjectStatus,
    PublicationStatus,
    ResourceKind,
)
from .querysets import (
    DossierQuerySet,
    OpportunityQuerySet,
    PracticeQuerySet,
    ProjectQuerySet,
    ResourceQuerySet,
)

# --- Opportunities (la veille) ----------------------------------------------------------


class Opportunity(TimeStampedModel):
    """A funding opportunity: call for projects, subsidy, patronage, prize, residency."""

    title = models.CharField(_("intitulé"), max_length=200, validators=[reject_bidi_controls])
    slug = models.SlugField(_("adresse courte"), max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=20, choices=OpportunityKind.choices)
    funder = models.CharField(_("financeur"), max_length=200, validators=[reject_bidi_controls])
    summary = models.TextField(_("résumé"), max_length=600)
    description = RichTextField(_("description"), blank=True)
    link = models.URLField(_("lien vers l'appel"), blank=True)
    amount_min = models.PositiveIntegerField(_("montant minimum (€)"), null=True, blank=True)
    amount_max = models.PositiveIntegerField(_("montant maximum (€)"), null=True, blank=True)
    opens_on = models.DateField(_("ouverture"), null=True, blank=True)
    deadline = models.DateField(_("date limite"), null=True, blank=True, db_index=True)
    eligible_types = models.ManyToManyField(
        OrganizationType, verbose_name=_("types de structure éligibles"), blank=True
    )
    eligible_disciplines = models.ManyToManyField(
        Discipline, verbose_name=_("disciplines"), blank=True
    )
    eligible_ages = models.ManyToManyField(AgeGroup, verbose_name=_("âges"), blank=True)
    eligible_epcis = models.ManyToManyField(
        Epci,
        verbose_name=_("intercommunalités"),
        blank=True,
        help_text=_("Aucune : tout le département."),
    )
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), blank=True)
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    is_public = models.BooleanField(
        _("visible du public"),
        default=False,
        help_text=_("Publié aussi sur la page publique des financements."),
    )
    published_at = models.DateTimeField(_("publié le"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    followers = models.ManyToManyField(
        Person, through="OpportunityFollow", related_name="followed_opportunities"
    )

    objects = OpportunityQuerySet.as_manager()

    class Meta:
        verbose_name = _("financement")
        verbose_name_plural = _("financements")
        ordering = [F("deadline").asc(nulls_last=True), "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(amount_min__isnull=True)
                | Q(amount_max__isnull=True)
                | Q(amount_min__lte=F("amount_max")),
                name="projects_opportunity_amounts_ordered",
            ),
            models.CheckConstraint(
                condition=Q(opens_on__isnull=True)
                | Q(deadline__isnull=True)
                | Q(opens_on__lte=F("deadline")),
                name="projects_opportunity_dates_ordered",
            ),
            models.CheckConstraint(
                condition=~Q(status=PublicationStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="projects_opportunity_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:opportunity", kwargs={"slug": self.slug})


class OpportunitySector(models.Model):
    """One eligible sector of an opportunity (none: every sector)."""

    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="eligible_sectors"
    )
    sector = models.CharField(_("secteur"), max_length=20, choices=Sector.choices)

    class Meta:
        verbose_name = _("secteur éligible")
        verbose_name_plural = _("secteurs éligibles")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "sector"], name="projects_opportunity_sector_unique"
            ),
        ]

    def __str__(self):
        return self.get_sector_display()


class OpportunityAttachment(TimeStampedModel):
    opportunity = models.ForeignKey(
        Opportunity, on_delete=models.CASCADE, related_name="attachments"
    )
    title = models.CharField(_("titre"), max_length=200, validators=[reject_bidi_controls])
    file = models.FileField(
        _("fichier"), upload_to="financements/%Y/", validators=[validate_document]
    )

    class Meta:
        verbose_name = _("pièce jointe")
        verbose_name_plural = _("pièces jointes")
        ordering = ["title"]

    def __str__(self):
        return self.title


class OpportunityFollow(models.Model):
    """A member follows an opportunity: deadline alerts at J-14 and J-3."""

    opportunity = models.ForeignKey(Opportunity, on_delete=models.CASCADE, related_name="follows")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="opportunity_follows")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("suivi de financement")
        verbose_name_plural = _("suivis de financements")
        constraints = [
            models.UniqueConstraint(
                fields=["opportunity", "person"], name="projects_follow_unique"
            ),
        ]

    def __str__(self):
        return f"{self.person} → {self.opportunity}"


class DigestDelivery(models.Model):
    """One weekly digest queued for a person: what it covered, so that each item goes once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="digests")
    week = models.CharField(_("semaine"), max_length=8, help_text=_("Année et semaine ISO."))
    covered_until = models.DateTimeField(_("publications jusqu'au"))
    opportunity_count = models.PositiveSmallIntegerField(default=0)
    resource_count = models.PositiveSmallIntegerField(default=0)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("lettre de veille envoyée")
        verbose_name_plural = _("lettres de veille envoyées")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["person", "week"], name="projects_digest_once_a_week"),
        ]

    def __str__(self):
        return f"{self.person} – {self.week}"


# --- Projects and experiments ------------------------------------------------------------


class Project(TimeStampedModel):
    title = models.CharField(_("titre"), max_length=200, validators=[reject_bidi_controls])
    slug = models.SlugField(_("adresse courte"), max_length=220, unique=True)
    summary = models.TextField(_("résumé"), max_length=600)
    description = RichTextField(_("description"), blank=True)
    working_group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("groupe de travail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="projects",
    )
    partners = models.ManyToManyField(
        Organization, through="ProjectPartner", related_name="projects", blank=True
    )
    communes = models.ManyToManyField(Commune, verbose_name=_("communes"), blank=True)
    age_groups = models.ManyToManyField(AgeGroup, verbose_name=_("âges"), blank=True)
    disciplines = models.ManyToManyField(Discipline, verbose_name=_("disciplines"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), blank=True)
    starts_on = models.DateField(_("début"), null=True, blank=True)
    ends_on = models.DateField(_("fin"), null=True, blank=True)
    budget = models.PositiveIntegerField(_("budget (€)"), null=True, blank=True)
    funding_sources = models.TextField(_("sources de financement"), max_length=1000, blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=ProjectStatus.choices, default=ProjectStatus.PLANNED
    )
    is_experiment = models.BooleanField(_("expérimentation"), default=False)
    hypothesis = models.TextField(_("hypothèse"), max_length=2000, blank=True)
    protocol = RichTextField(_("protocole"), blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("projet")
        verbose_name_plural = _("projets")
        ordering = ["-starts_on", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True)
                | Q(ends_on__isnull=True)
                | Q(starts_on__lte=F("ends_on")),
                name="projects_project_dates_ordered",
            ),
            models.CheckConstraint(
                condition=Q(is_experiment=False) | ~Q(hypothesis=""),
                name="projects_experiment_has_hypothesis",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:project", kwargs={"slug": self.slug})


class ProjectPartner(models.Model):
    project = models.ForeignKey(Project, on_delete=models.CASCADE, related_name="partnerships")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="project_partnerships"
    )
    role = models.CharField(
        _("rôle"), max_length=12, choices=PartnerRole.choices, default=PartnerRole.PARTNER
    )

    class Meta:
        verbose_name = _("partenaire du projet")
        verbose_name_plural = _("partenaires du projet")
        constraints = [
            models.UniqueConstraint(
                fields=["project", "organization"], name="projects_partner_unique"
            ),
        ]

    def __str__(self):
        return f"{self.organization} ({self.get_role_display()})"


# --- Dossiers (suivi administratif) ------------------------------------------------------


class Dossier(TimeStampedModel):
    """An organisation's application or administrative file, through a status pipeline."""

    organization = models.ForeignKey(
        Organization,
        verbose_name=_("structure"),
        on_delete=models.PROTECT,
        related_name="dossiers",
    )
    title = models.CharField(_("intitulé"), max_length=200, validators=[reject_bidi_controls])
    kind = models.CharField(_("type de dossier"), max_length=20, choices=DossierKind.choices)
    status = models.CharField(
        _("étape"),
        max_length=12,
        choices=DossierStatus.choices,
        default=DossierStatus.IDEA,
        db_index=True,
    )
    opportunity = models.ForeignKey(
        Opportunity,
        verbose_name=_("financement visé"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("projet"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="dossiers",
    )
    funder = models.CharField(
        _("financeur ou interlocuteur"),
        max_length=200,
        blank=True,
        validators=[reject_bidi_controls],
    )
    amount_requested = models.PositiveIntegerField(_("montant demandé (€)"), null=True, blank=True)
    amount_granted = models.PositiveIntegerField(_("montant accordé (€)"), null=True, blank=True)
    owners = models.ManyToManyField(
        Person, verbose_name=_("responsables"), related_name="owned_dossiers", blank=True
    )
    notes = models.TextField(
        _("notes privées"),
        max_length=5000,
        blank=True,
        help_text=_("Visibles de votre structure et de la coordination seulement."),
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = DossierQuerySet.as_manager()

    class Meta:
        verbose_name = _("dossier")
        verbose_name_plural = _("dossiers")
        ordering = ["-updated_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=DossierStatus.REFUSED) | Q(amount_granted__isnull=True),
                name="projects_refused_dossier_has_no_grant",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:dossier", kwargs={"pk": self.pk})


class TransitionRecord(models.Model):
    """One step of a workflow: who moved the object from which state to which, and why."""

    from_status = models.CharField(_("de"), max_length=12)
    to_status = models.CharField(_("vers"), max_length=12)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("par"),
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    comment = models.TextField(_("commentaire"), max_length=2000, blank=True)
    created_at = models.DateTimeField(_("le"), default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["created_at", "id"]


class DossierTransition(TransitionRecord):
    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("étape de dossier")
        verbose_name_plural = _("historique des dossiers")

    def __str__(self):
        return f"{self.dossier}: {self.from_status} → {self.to_status}"


class DossierDeadline(models.Model):
    """A key date of a dossier; submission and report dates remind the owners at J-7."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="deadlines")
    kind = models.CharField(_("type"), max_length=8, choices=DeadlineKind.choices)
    label = models.CharField(_("libellé"), max_length=200, blank=True)
    due_on = models.DateField(_("date"))

    class Meta:
        verbose_name = _("échéance")
        verbose_name_plural = _("échéances")
        ordering = ["due_on", "id"]

    def __str__(self):
        return self.label or self.get_kind_display()


class DossierDocument(models.Model):
    """One line of a dossier's checklist of documents, with the file once it is ready."""

    dossier = models.ForeignKey(Dossier, on_delete=models.CASCADE, related_name="documents")
    label = models.CharField(_("pièce"), max_length=200, validators=[reject_bidi_controls])
    is_done = models.BooleanField(_("prête"), default=False)
    file = models.FileField(
        _("fichier"), upload_to="dossiers/%Y/", blank=True, validators=[validate_document]
    )
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("pièce du dossier")
        verbose_name_plural = _("pièces du dossier")
        ordering = ["position", "id"]

    def __str__(self):
        return self.label


# --- Resources ---------------------------------------------------------------------------


class Resource(TimeStampedModel):
    """A tool that circulates: a guide, a template, a bibliography, a video, a link."""

    title = models.CharField(_("titre"), max_length=200, validators=[reject_bidi_controls])
    slug = models.SlugField(_("adresse courte"), max_length=220, unique=True)
    kind = models.CharField(_("type"), max_length=16, choices=ResourceKind.choices)
    summary = models.TextField(_("présentation"), max_length=1500)
    file = models.FileField(
        _("fichier"), upload_to="ressources/%Y/", blank=True, validators=[validate_document]
    )
    url = models.URLField(_("lien"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), blank=True)
    age_groups = models.ManyToManyField(AgeGroup, verbose_name=_("âges"), blank=True)
    disciplines = models.ManyToManyField(Discipline, verbose_name=_("disciplines"), blank=True)
    is_public = models.BooleanField(
        _("visible du public"), default=False, help_text=_("Sinon : réservée aux membres.")
    )
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=PublicationStatus.choices,
        default=PublicationStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True, db_index=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ResourceQuerySet.as_manager()

    class Meta:
        verbose_name = _("ressource")
        verbose_name_plural = _("ressources")
        ordering = ["-published_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="projects_resource_file_xor_url",
            ),
            models.CheckConstraint(
                condition=~Q(status=PublicationStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="projects_resource_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:resource", kwargs={"slug": self.slug})


# --- Best practices ----------------------------------------------------------------------


class Practice(TimeStampedModel):
    """A public sheet describing an action that worked, so that others can replicate it."""

    title = models.CharField(_("titre"), max_length=200, validators=[reject_bidi_controls])
    slug = models.SlugField(_("adresse courte"), max_length=220, unique=True)
    summary = models.TextField(_("en bref"), max_length=600)
    context = RichTextField(_("contexte"), blank=True)
    what_was_done = RichTextField(_("ce qui a été fait"))
    partners = models.TextField(_("partenaires"), max_length=1500, blank=True)
    sector = models.CharField(_("secteur principal"), max_length=20, choices=Sector.choices)
    communes = models.ManyToManyField(Commune, verbose_name=_("communes"), blank=True)
    epcis = models.ManyToManyField(Epci, verbose_name=_("intercommunalités"), blank=True)
    age_groups = models.ManyToManyField(AgeGroup, verbose_name=_("âges"), blank=True)
    disciplines = models.ManyToManyField(Discipline, verbose_name=_("disciplines"), blank=True)
    themes = models.ManyToManyField(Theme, verbose_name=_("thèmes"), blank=True)
    duration = models.CharField(_("durée"), max_length=120, blank=True)
    budget_range = models.CharField(
        _("budget"), max_length=12, choices=BudgetRange.choices, blank=True
    )
    replication = RichTextField(_("conditions pour la reproduire"), blank=True)
    lessons = RichTextField(_("enseignements"), blank=True)
    contact = models.CharField(
        _("contact"),
        max_length=250,
        blank=True,
        help_text=_("Un service ou une adresse générique plutôt qu'une personne."),
    )
    project = models.ForeignKey(
        Project,
        verbose_name=_("projet d'origine"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
    )
    organization = models.ForeignKey(
        Organization,
        verbose_name=_("structure qui la propose"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="practices",
    )
    proposed_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="practices"
    )
    status = models.CharField(
        _("état"),
        max_length=12,
        choices=PracticeStatus.choices,
        default=PracticeStatus.DRAFT,
        db_index=True,
    )
    published_at = models.DateTimeField(_("publiée le"), null=True, blank=True, db_index=True)

    objects = PracticeQuerySet.as_manager()

    class Meta:
        verbose_name = _("bonne pratique")
        verbose_name_plural = _("bonnes pratiques")
        ordering = ["-published_at", "title"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=PracticeStatus.PUBLISHED) | Q(published_at__isnull=False),
                name="projects_practice_published_has_date",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("projects:practice", kwargs={"slug": self.slug})


class PracticeImage(models.Model):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="images")
    image = models.ImageField(
        _("image"), upload_to="bonnes-pratiques/%Y/", validators=[validate_image]
    )
    alt_text = models.CharField(
        _("texte alternatif"),
        max_length=250,
        help_text=_("Ce que montre l'image, pour les personnes qui ne la voient pas."),
    )
    caption = models.CharField(_("légende"), max_length=250, blank=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        verbose_name = _("image")
        verbose_name_plural = _("images")
        ordering = ["position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(alt_text=""), name="projects_practice_image_has_alt_text"
            ),
        ]

    def __str__(self):
        return self.alt_text


class PracticeTransition(TransitionRecord):
    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="transitions")

    class Meta(TransitionRecord.Meta):
        verbose_name = _("étape de relecture")
        verbose_name_plural = _("historique des relectures")

    def __str__(self):
        return f"{self.practice}: {self.from_status} → {self.to_status}"


class PracticeComment(models.Model):
    """A review remark on a proposed practice, between its authors and the coordination."""

    practice = models.ForeignKey(Practice, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    body = models.TextField(_("commentaire"), max_length=4000)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("commentaire de relecture")
        verbose_name_plural = _("commentaires de relecture")
        ordering = ["created_at", "id"]

    def __str__(self):
        return self.body[:60]
