"""What the coordination app owns: mailings, who received them, who left them."""

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortium.core.models import TimeStampedModel
from consortium.core.richtext import RichTextField
from consortium.core.uploads import validate_document
from consortium.core.validators import reject_bidi_controls, reject_html
from events.models import Event
from members.enums import Sector
from members.models import Commune, Epci, Need, OrganizationType, Person, WorkingGroup
from projects.models import Opportunity

from .enums import MailingStatus
from .querysets import MailingQuerySet


class Mailing(TimeStampedModel):
    """A message of the coordinator to a segment of the network: the union of the chosen
    groups of people (everyone, sectors, organisation types, places, working groups,
    events' registrants or attendees, needs' supporters, opportunities' followers)."""

    subject = models.CharField(
        _("objet"), max_length=200, validators=[reject_bidi_controls, reject_html]
    )
    body = RichTextField(_("message"))
    attachment = models.FileField(
        _("pièce jointe"), upload_to="envois/%Y/", blank=True, validators=[validate_document]
    )
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=MailingStatus.choices,
        default=MailingStatus.DRAFT,
        db_index=True,
    )
    # The segment: each non-empty criterion adds its people.
    everyone = models.BooleanField(_("tout le réseau"), default=False)
    sectors = models.JSONField(_("secteurs"), default=list, blank=True)
    organization_types = models.ManyToManyField(
        OrganizationType, verbose_name=_("types de structure"), blank=True, related_name="+"
    )
    epcis = models.ManyToManyField(
        Epci, verbose_name=_("intercommunalités (EPCI)"), blank=True, related_name="+"
    )
    communes = models.ManyToManyField(
        Commune, verbose_name=_("communes"), blank=True, related_name="+"
    )
    groups = models.ManyToManyField(
        WorkingGroup, verbose_name=_("groupes de travail"), blank=True, related_name="+"
    )
    registrants_of = models.ManyToManyField(
        Event, verbose_name=_("inscrit·es aux rencontres"), blank=True, related_name="+"
    )
    attendees_of = models.ManyToManyField(
        Event, verbose_name=_("présent·es aux rencontres"), blank=True, related_name="+"
    )
    needs = models.ManyToManyField(
        Need, verbose_name=_("soutiens des besoins"), blank=True, related_name="+"
    )
    opportunities = models.ManyToManyField(
        Opportunity, verbose_name=_("suivi·es des financements"), blank=True, related_name="+"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)
    recipient_count = models.PositiveIntegerField(_("destinataires"), default=0)

    objects = MailingQuerySet.as_manager()

    class Meta:
        verbose_name = _("envoi")
        verbose_name_plural = _("envois")
        ordering = ["-created_at", "-id"]

    def __str__(self):
        return self.subject

    def get_absolute_url(self):
        return reverse("coordination:mailing", kwargs={"pk": self.pk})

    @property
    def outbox_kind(self) -> str:
        """The outbox's kind of this mailing's e-mails: once per person, structurally."""
        return f"coordination.mailing:{self.pk}"

    @property
    def sector_labels(self) -> list[str]:
        labels = dict(Sector.choices)
        return [labels.get(value, value) for value in self.sectors]


class MailingDelivery(models.Model):
    """One person a mailing was queued for: their archive, kept after the outbox purge."""

    mailing = models.ForeignKey(Mailing, on_delete=models.CASCADE, related_name="deliveries")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("destinataire d'un envoi")
        verbose_name_plural = _("destinataires des envois")
        constraints = [
            models.UniqueConstraint(fields=["mailing", "person"], name="coordination_once_each"),
        ]
        indexes = [models.Index(fields=["person", "-created_at"], name="coordination_archive")]

    def __str__(self):
        return f"{self.mailing} – {self.person}"


class MailingOptOut(models.Model):
    """A person who left the coordination's mailings, since when and how.

    Mailings are the network's information to its members, not a consent-based letter:
    everyone gets them until they leave, which this row records (deleted when they come
    back; the audit log keeps both steps)."""

    class Source(models.TextChoices):
        LINK = "link", _("Lien de désinscription")
        SPACE = "space", _("Espace personnel")

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="mailing_opt_out")
    source = models.CharField(_("par"), max_length=10, choices=Source.choices)
    created_at = models.DateTimeField(_("depuis le"), default=timezone.now)

    class Meta:
        verbose_name = _("désinscription des envois")
        verbose_name_plural = _("désinscriptions des envois")

    def __str__(self):
        return str(self.person)
