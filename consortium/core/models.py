"""Shared base models, the user account, the audit log and the worker heartbeat."""

from django.conf import settings
from django.contrib.auth.models import AbstractUser, BaseUserManager
from django.contrib.contenttypes.models import ContentType
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.encoding import force_str
from django.utils.translation import gettext_lazy as _

from .enums import OutboxStatus
from .validators import reject_bidi_controls


class TimeStampedModel(models.Model):
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("modifié le"), auto_now=True)

    class Meta:
        abstract = True

    def _get_FIELD_display(self, field):
        """`get_FOO_display()` in one lookup. Django's builds a dictionary of all the
        field's choices at each call, hashing (so translating) every lazy label: on a board
        of 70 cards showing two such fields, about a thousand translations per page."""
        value = getattr(self, field.attname)
        try:
            label = choice_labels(field).get(value, value)
        except TypeError:  # an unhashable value (a JSON list, say): Django's way
            return super()._get_FIELD_display(field)
        return force_str(label, strings_only=True)


def choice_labels(field) -> dict:
    """{value: label} of a field's choices, built once per field (its labels stay lazy,
    translated when shown)."""
    labels = field.__dict__.get("_choice_labels")
    if labels is None:
        labels = field._choice_labels = dict(field.flatchoices)
    return labels


class ScopedQuerySet(models.QuerySet):
    """Deny by default: a model is visible to nobody until its queryset says otherwise."""

    def visible_to(self, user):
        return self.none()


class UserManager(BaseUserManager):
    use_in_migrations = True

    def _create_user(self, email, password, **extra_fields):
        if not email:
            raise ValueError("The e-mail address is required.")
        user = self.model(email=self.normalize_email(email), **extra_fields)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_user(self, email, password=None, **extra_fields):
        extra_fields.setdefault("is_staff", False)
        extra_fields.setdefault("is_superuser", False)
        return self._create_user(email, password, **extra_fields)

    def create_superuser(self, email, password=None, **extra_fields):
        extra_fields.update(is_staff=True, is_superuser=True)
        return self._create_user(email, password, **extra_fields)


class User(AbstractUser):
    """A login. The professional profile (Person) lives in the members app."""

    username = None
    email = models.EmailField(_("adresse e-mail"), unique=True)
    # Django's own fields and labels, with names that cannot be shown reversed.
    first_name = models.CharField(
        _("first name"), max_length=150, blank=True, validators=[reject_bidi_controls]
    )
    last_name = models.CharField(
        _("last name"), max_length=150, blank=True, validators=[reject_bidi_controls]
    )
    language = models.CharField(
        _("langue des e-mails"), max_length=8, choices=settings.LANGUAGES, default="fr"
    )
    # When the account, unused for INACTIVE_ACCOUNT_RETENTION_DAYS, was warned that it will
    # be erased; a login clears it (consortium.core.privacy).
    inactivity_warned_at = models.DateTimeField(
        _("averti de son inactivité le"), null=True, blank=True, editable=False
    )

    USERNAME_FIELD = "email"
    REQUIRED_FIELDS = []

    objects = UserManager()

    class Meta:
        verbose_name = _("utilisateur")
        verbose_name_plural = _("utilisateurs")
        ordering = ["email"]
        constraints = [
            models.UniqueConstraint(Lower("email"), name="core_user_email_ci_unique"),
        ]

    def __str__(self):
        return self.get_full_name() or self.email


class AuditLogEntry(models.Model):
    """One line of the audit log. Written by services only, never edited."""

    created_at = models.DateTimeField(_("date"), default=timezone.now, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("auteur"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    action = models.CharField(_("action"), max_length=64, db_index=True)
    target_type = models.ForeignKey(
        ContentType, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    target_id = models.CharField(max_length=64, blank=True)
    target_repr = models.CharField(_("objet"), max_length=200, blank=True)
    message = models.TextField(_("message"), blank=True)
    data = models.JSONField(_("données"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("entrée du journal")
        verbose_name_plural = _("journal d'audit")
        ordering = ["-created_at", "-id"]
        indexes = [models.Index(fields=["target_type", "target_id"])]

    def __str__(self):
        return f"{self.created_at:%Y-%m-%d %H:%M} {self.action} {self.target_repr}"


class WorkerHeartbeat(models.Model):
    """Last time each Celery worker ran the heartbeat task; read by /healthz."""

    worker = models.CharField(max_length=200, unique=True)
    seen_at = models.DateTimeField()

    class Meta:
        verbose_name = _("signal de vie d'un worker")
        verbose_name_plural = _("signaux de vie des workers")

    def __str__(self):
        return self.worker


class OutboxMessage(models.Model):
    """One e-mail, written here first and sent by a worker exactly once.

    `kind` names what the message is about (with any part that makes it unique, such as
    a reminder's offset and date); with the target and the address it may be queued
    only once. The content is rendered when queued, so retries send the same text.
    """

    kind = models.CharField(_("type"), max_length=120)
    template = models.CharField(_("modèle"), max_length=120)
    # "app_label.model:pk" of what the message is about, or "" (never NULL: part of the
    # uniqueness, and NULLs would never be equal).
    target = models.CharField(_("objet concerné"), max_length=120, blank=True)
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("destinataire"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    recipient_email = models.EmailField(_("adresse"))
    language = models.CharField(_("langue"), max_length=8)
    subject = models.CharField(_("objet"), max_length=250)
    body_text = models.TextField()
    body_html = models.TextField(blank=True)
    headers = models.JSONField(default=dict, blank=True)
    attachments = models.JSONField(default=list, blank=True)
    status = models.CharField(
        _("état"),
        max_length=10,
        choices=OutboxStatus.choices,
        default=OutboxStatus.QUEUED,
        db_index=True,
    )
    attempts = models.PositiveSmallIntegerField(_("tentatives"), default=0)
    last_error = models.CharField(_("dernière erreur"), max_length=500, blank=True)
    created_at = models.DateTimeField(_("créé le"), default=timezone.now, db_index=True)
    next_attempt_at = models.DateTimeField(default=timezone.now)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(_("envoyé le"), null=True, blank=True)

    class Meta:
        verbose_name = _("e-mail")
        verbose_name_plural = _("e-mails (file d'envoi)")
        ordering = ["-created_at", "-id"]
        constraints = [
            models.UniqueConstraint(
                fields=["kind", "target", "recipient_email"],
                name="core_outbox_once_per_kind_target_recipient",
            ),
        ]
        indexes = [models.Index(fields=["status", "next_attempt_at"])]

    def __str__(self):
        return f"{self.kind} → {self.recipient_email}"
