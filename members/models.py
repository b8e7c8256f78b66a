"""Who is in the network, where, in which groups, and what they need."""

from django.conf import settings
from django.core.validators import RegexValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortium.core.french import french_order
from consortium.core.models import TimeStampedModel
from consortium.core.uploads import validate_document
from consortium.core.validators import reject_bidi_controls

from .enums import (
    ActionStatus,
    AffiliationStatus,
    AgeRange,
    ConsentPurpose,
    GroupMembershipStatus,
    NeedStatus,
    OrganizationStatus,
    PersonStatus,
    Sector,
)
from .querysets import (
    ActionQuerySet,
    CommuneQuerySet,
    GroupQuerySet,
    NeedQuerySet,
    OrganizationQuerySet,
    PersonQuerySet,
)

# --- Territory -------------------------------------------------------------------------


class Epci(models.Model):
    """An EPCI à fiscalité propre (communauté d'agglomération or de communes)."""

    siren = models.CharField(_("SIREN"), max_length=9, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    nature = models.CharField(_("nature"), max_length=10)
    population = models.PositiveIntegerField(_("population (Val-d'Oise)"))

    class Meta:
        verbose_name = _("intercommunalité")
        verbose_name_plural = _("intercommunalités")
        ordering = [french_order("name")]

    def __str__(self):
        return self.name


class Commune(models.Model):
    insee_code = models.CharField(_("code INSEE"), max_length=5, unique=True)
    name = models.CharField(_("nom"), max_length=200)
    postal_codes = models.CharField(_("codes postaux"), max_length=100)
    population = models.PositiveIntegerField(_("population"))
    epci = models.ForeignKey(
        Epci, verbose_name=_("intercommunalité"), on_delete=models.PROTECT, related_name="communes"
    )

    objects = CommuneQuerySet.as_manager()

    class Meta:
        verbose_name = _("commune")
        verbose_name_plural = _("communes")
        ordering = [french_order("name")]

    def __str__(self):
        return self.name


# --- Vocabularies the coordinator extends in the admin ---------------------------------


class Vocabulary(models.Model):
    name = models.CharField(
        _("libellé"), max_length=120, unique=True, validators=[reject_bidi_controls]
    )
    slug = models.SlugField(_("identifiant"), max_length=120, unique=True)
    position = models.PositiveSmallIntegerField(_("ordre"), default=0)

    class Meta:
        abstract = True
        ordering = ["position", french_order("name")]

    def __str__(self):
        return self.name


class OrganizationType(Vocabulary):
    sector = models.CharField(_("secteur"), max_length=20, choices=Sector.choices)

    class Meta(Vocabulary.Meta):
        verbose_name = _("type de structure")
        verbose_name_plural = _("types de structure")


class Discipline(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("discipline")
        verbose_name_plural = _("disciplines")


class Theme(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("thème")
        verbose_name_plural = _("thèmes")


class AgeGroup(models.Model):
    """The fixed age ranges (AgeRange), as rows so that objects can have several."""

    code = models.CharField(_("code"), max_length=10, choices=AgeRange.choices, unique=True)
    position = models.PositiveSmallIntegerField(default=0)

    class Meta:
        verbose_name = _("tranche d'âge")
        verbose_name_plural = _("tranches d'âge")
        ordering = ["position"]

    def __str__(self):
        # Not get_code_display(): it translates every age range's label at each call, and
        # lists show the ages of every row.
        return str(AgeRange(self.code).label) if self.code in AgeRange.values else self.code


# --- Organisations and people ----------------------------------------------------------

siret_validator = RegexValidator(r"^\d{14}$", _("Le SIRET compte 14 chiffres, sans espace."))


class Organization(TimeStampedModel):
    name = models.CharField(
        _("nom de la structure"), max_length=200, validators=[reject_bidi_controls]
    )
    slug = models.SlugField(_("adresse courte"), max_length=220, unique=True)
    siret = models.CharField(_("SIRET"), max_length=14, blank=True, validators=[siret_validator])
    sector = models.CharField(_("secteur"), max_length=20, choices=Sector.choices)
    type = models.ForeignKey(
        OrganizationType, verbose_name=_("type"), on_delete=models.PROTECT, related_name="+"
    )
    disciplines = models.ManyToManyField(Discipline, verbose_name=_("disciplines"), blank=True)
    age_groups = models.ManyToManyField(AgeGroup, verbose_name=_("âges accueillis"), blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="organizations"
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    website = models.URLField(_("site web"), blank=True)
    email = models.EmailField(_("e-mail de contact de la structure"), blank=True)
    phone = models.CharField(_("téléphone de la structure"), max_length=30, blank=True)
    public_description = models.TextField(_("présentation"), max_length=1500, blank=True)
    listed_publicly = models.BooleanField(
        _("visible dans l'annuaire public"),
        default=False,
        help_text=_("Nom, type, commune et présentation, sans donnée personnelle."),
    )
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=OrganizationStatus.choices,
        default=OrganizationStatus.PENDING,
        db_index=True,
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("validée ou refusée par"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    decided_at = models.DateTimeField(_("validée ou refusée le"), null=True, blank=True)
    archived_at = models.DateTimeField(_("archivée le"), null=True, blank=True)

    objects = OrganizationQuerySet.as_manager()

    class Meta:
        verbose_name = _("structure")
        verbose_name_plural = _("structures")
        ordering = [french_order("name")]
        constraints = [
            models.UniqueConstraint(
                fields=["siret"], condition=~Q(siret=""), name="members_org_siret_unique"
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("members:organization", kwargs={"slug": self.slug})


class Person(TimeStampedModel):
    """The professional profile of a user account."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person"
    )
    job_title = models.CharField(
        _("fonction"), max_length=150, blank=True, validators=[reject_bidi_controls]
    )
    phone = models.CharField(_("téléphone professionnel"), max_length=30, blank=True)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=PersonStatus.choices,
        default=PersonStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    decision_message = models.TextField(_("message de la coordination"), blank=True)
    wants_reminders = models.BooleanField(_("rappels avant les rencontres"), default=True)
    wants_digest = models.BooleanField(_("lettre de veille hebdomadaire"), default=False)
    organizations = models.ManyToManyField(
        Organization, through="Affiliation", related_name="people", blank=True
    )

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = _("personne")
        verbose_name_plural = _("personnes")
        ordering = [french_order("user__last_name"), french_order("user__first_name")]

    def __str__(self):
        return self.user.get_full_name() or self.user.email

    @property
    def is_active_member(self) -> bool:
        """A validated member of the network: the one place this status test is written
        (members.rules.active_person asks it of a user)."""
        return self.status == PersonStatus.ACTIVE


class Affiliation(TimeStampedModel):
    """A person's link to an organisation; referents may edit it and accept newcomers."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="affiliations")
    organization = models.ForeignKey(
        Organization, on_delete=models.CASCADE, related_name="affiliations"
    )
    is_referent = models.BooleanField(_("référent·e"), default=False)
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=AffiliationStatus.choices,
        default=AffiliationStatus.PENDING,
        db_index=True,
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("rattachement")
        verbose_name_plural = _("rattachements")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "organization"], name="members_affiliation_unique"
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.organization}"


class ConsentRecord(models.Model):
    """What a person agreed to (or withdrew), when, and with which wording. Append-only."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("objet"), max_length=20, choices=ConsentPurpose.choices)
    given = models.BooleanField(_("accordé"))
    wording_version = models.CharField(_("version du texte"), max_length=20)
    wording = models.TextField(_("texte présenté"))
    created_at = models.DateTimeField(_("date"), default=timezone.now)

    class Meta:
        verbose_name = _("consentement")
        verbose_name_plural = _("consentements")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return f"{self.get_purpose_display()} ({self.wording_version})"


# --- Working groups --------------------------------------------------------------------


class WorkingGroup(TimeStampedModel):
    title = models.CharField(_("titre"), max_length=200, validators=[reject_bidi_controls])
    slug = models.SlugField(_("adresse courte"), max_length=220, unique=True)
    theme = models.ForeignKey(
        Theme, verbose_name=_("thème"), null=True, blank=True, on_delete=models.SET_NULL
    )
    description = models.TextField(_("description"), blank=True)
    is_open = models.BooleanField(
        _("ouvert aux nouveaux membres"),
        default=True,
        help_text=_("Fermé : seule la coordination ajoute des membres."),
    )
    archived_at = models.DateTimeField(_("archivé le"), null=True, blank=True)
    members = models.ManyToManyField(Person, through="GroupMembership", related_name="groups")

    objects = GroupQuerySet.as_manager()

    class Meta:
        verbose_name = _("groupe de travail")
        verbose_name_plural = _("groupes de travail")
        ordering = [french_order("title")]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("members:group", kwargs={"slug": self.slug})


class GroupMembership(TimeStampedModel):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="memberships")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="memberships")
    status = models.CharField(
        _("statut"),
        max_length=10,
        choices=GroupMembershipStatus.choices,
        default=GroupMembershipStatus.REQUESTED,
        db_index=True,
    )
    is_facilitator = models.BooleanField(_("animateur·rice"), default=False)

    class Meta:
        verbose_name = _("membre d'un groupe")
        verbose_name_plural = _("membres des groupes")
        constraints = [
            models.UniqueConstraint(fields=["group", "person"], name="members_membership_unique"),
        ]

    def __str__(self):
        return f"{self.person} – {self.group}"


class GroupDocument(TimeStampedModel):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="documents")
    title = models.CharField(_("titre"), max_length=200, validators=[reject_bidi_controls])
    file = models.FileField(
        _("fichier"), upload_to="groupes/%Y/", blank=True, validators=[validate_document]
    )
    url = models.URLField(_("lien"), blank=True)
    added_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        verbose_name = _("document de groupe")
        verbose_name_plural = _("documents de groupe")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=(Q(file="") & ~Q(url="")) | (~Q(file="") & Q(url="")),
                name="members_document_file_xor_url",
            ),
        ]

    def __str__(self):
        return self.title


class Action(TimeStampedModel):
    group = models.ForeignKey(WorkingGroup, on_delete=models.CASCADE, related_name="actions")
    title = models.CharField(_("intitulé"), max_length=200, validators=[reject_bidi_controls])
    description = models.TextField(_("description"), blank=True)
    owner = models.ForeignKey(
        Person,
        verbose_name=_("responsable"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="actions",
    )
    due_date = models.DateField(_("échéance"), null=True, blank=True)
    status = models.CharField(
        _("état"), max_length=12, choices=ActionStatus.choices, default=ActionStatus.TODO
    )

    objects = ActionQuerySet.as_manager()

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["due_date", "title"]

    def __str__(self):
        return self.title


# --- Needs -----------------------------------------------------------------------------


class NeedTag(Vocabulary):
    class Meta(Vocabulary.Meta):
        verbose_name = _("étiquette de besoin")
        verbose_name_plural = _("étiquettes de besoin")


class Need(TimeStampedModel):
    title = models.CharField(_("intitulé"), max_length=200, validators=[reject_bidi_controls])
    description = models.TextField(_("description"), max_length=4000)
    theme = models.ForeignKey(Theme, verbose_name=_("thème"), on_delete=models.PROTECT)
    sector = models.CharField(_("secteur"), max_length=20, choices=Sector.choices)
    age_groups = models.ManyToManyField(AgeGroup, verbose_name=_("âges concernés"), blank=True)
    commune = models.ForeignKey(
        Commune, verbose_name=_("commune"), on_delete=models.PROTECT, related_name="needs"
    )
    author = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="needs"
    )
    is_anonymous = models.BooleanField(
        _("anonyme pour les autres membres"),
        default=False,
        help_text=_("La coordination voit toujours qui a exprimé le besoin."),
    )
    status = models.CharField(
        _("état"), max_length=12, choices=NeedStatus.choices, default=NeedStatus.OPEN
    )
    tags = models.ManyToManyField(NeedTag, verbose_name=_("étiquettes"), blank=True)
    group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("groupe de travail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="needs",
    )
    merged_into = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="merged_needs"
    )
    answer = models.TextField(_("réponse de la coordination"), blank=True)
    closed_at = models.DateTimeField(_("clos le"), null=True, blank=True)
    supporters = models.ManyToManyField(Person, through="NeedSupport", related_name="+")

    objects = NeedQuerySet.as_manager()

    class Meta:
        verbose_name = _("besoin")
        verbose_name_plural = _("besoins")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(status=NeedStatus.MERGED) | Q(merged_into__isnull=False),
                name="members_need_merged_has_target",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("members:need", kwargs={"pk": self.pk})


class NeedSupport(models.Model):
    """A member says "moi aussi" to a need."""

    need = models.ForeignKey(Need, on_delete=models.CASCADE, related_name="supports")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="need_supports")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("soutien")
        verbose_name_plural = _("soutiens")
        constraints = [
            models.UniqueConstraint(fields=["need", "person"], name="members_support_unique"),
        ]

    def __str__(self):
        return f"{self.person} → {self.need}"
