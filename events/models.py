"""Meetings, work sessions and trainings; their sessions, registrations and attendance."""

import secrets

from django.conf import settings
from django.core.validators import MinValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from consortium.core.models import TimeStampedModel
from consortium.core.validators import reject_bidi_controls
from members.models import Commune, Need, Person, WorkingGroup

from .enums import Audience, EventKind, EventStatus, RegistrationStatus, Visibility
from .querysets import EventQuerySet, RegistrationQuerySet, SessionQuerySet


class Event(TimeStampedModel):
    kind = models.CharField(_("type"), max_length=20, choices=EventKind.choices)
    title = models.CharField(_("titre"), max_length=200, validators=[reject_bidi_controls])
    slug = models.SlugField(_("adresse courte"), max_length=220, unique=True)
    description = models.TextField(_("présentation"), max_length=8000)
    audience = models.CharField(
        _("public visé"), max_length=20, choices=Audience.choices, default=Audience.BOTH
    )
    visibility = models.CharField(
        _("visibilité"), max_length=10, choices=Visibility.choices, default=Visibility.MEMBERS
    )
    status = models.CharField(
        _("état"), max_length=10, choices=EventStatus.choices, default=EventStatus.DRAFT
    )
    is_online = models.BooleanField(_("en ligne"), default=False)
    online_url = models.URLField(
        _("lien de connexion"),
        blank=True,
        help_text=_("Communiqué aux seules personnes inscrites."),
    )
    venue = models.CharField(
        _("lieu"), max_length=200, blank=True, validators=[reject_bidi_controls]
    )
    address = models.CharField(_("adresse"), max_length=250, blank=True)
    commune = models.ForeignKey(
        Commune,
        verbose_name=_("commune"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="events",
    )
    capacity = models.PositiveIntegerField(_("nombre de places"), validators=[MinValueValidator(1)])
    registration_opens_at = models.DateTimeField(_("ouverture des inscriptions"))
    registration_closes_at = models.DateTimeField(
        _("clôture des inscriptions"),
        null=True,
        blank=True,
        help_text=_("Sans date, les inscriptions ferment au début de la rencontre."),
    )
    group = models.ForeignKey(
        WorkingGroup,
        verbose_name=_("groupe de travail"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="events",
    )
    needs = models.ManyToManyField(
        Need, verbose_name=_("besoins auxquels elle répond"), blank=True, related_name="events"
    )
    objects = EventQuerySet.as_manager()

    class Meta:
        verbose_name = _("rencontre ou formation")
        verbose_name_plural = _("rencontres et formations")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1), name="events_capacity_positive"),
            models.CheckConstraint(
                condition=Q(is_online=True, online_url__gt="")
                | Q(is_online=False, commune__isnull=False),
                name="events_online_has_url_or_venue_has_commune",
            ),
            models.CheckConstraint(
                condition=Q(registration_closes_at__isnull=True)
                | Q(registration_closes_at__gt=F("registration_opens_at")),
                name="events_registration_closes_after_it_opens",
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("events:event", kwargs={"slug": self.slug})

    @property
    def is_training(self) -> bool:
        return self.kind == EventKind.TRAINING

    @property
    def first_start(self):
        """Start of the first session (annotated by `with_dates()`, else read)."""
        if "first_start" in self.__dict__:
            return self.__dict__["first_start"]
        first = self.sessions.order_by("starts_at").first()
        return first.starts_at if first else None

    @first_start.setter
    def first_start(self, value):
        self.__dict__["first_start"] = value

    def registration_deadline(self):
        """When registration closes: its own date, or the start of the event."""
        candidates = [d for d in (self.registration_closes_at, self.first_start) if d]
        return min(candidates) if candidates else None

    def registration_is_open(self, now=None) -> bool:
        now = now or timezone.now()
        deadline = self.registration_deadline()
        return (
            self.status == EventStatus.PUBLISHED
            and self.registration_opens_at <= now
            and (deadline is None or now < deadline)
        )


class Session(models.Model):
    """One time slot of an event (a training is often several half-days)."""

    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField(_("début"))
    ends_at = models.DateTimeField(_("fin"))
    label = models.CharField(_("intitulé"), max_length=120, blank=True)
    hours = models.DecimalField(
        _("heures de formation"),
        max_digits=4,
        decimal_places=2,
        null=True,
        blank=True,
        help_text=_("Pour les formations : les heures comptées sur l'attestation."),
    )

    objects = SessionQuerySet.as_manager()

    class Meta:
        verbose_name = _("séance")
        verbose_name_plural = _("séances")
        ordering = ["starts_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=F("starts_at")), name="events_session_ends_after_start"
            ),
        ]

    def __str__(self):
        return f"{self.event} – {timezone.localtime(self.starts_at):%d/%m/%Y %H:%M}"

    def has_started(self, now=None) -> bool:
        """Attendance is taken (and counted on certificates) once the session has begun."""
        return self.starts_at <= (now or timezone.now())

    @property
    def duration_hours(self):
        """Hours counted for attendance: the set value, else the length of the slot."""
        if self.hours is not None:
            return self.hours
        return round((self.ends_at - self.starts_at).total_seconds() / 3600, 2)


class Registration(TimeStampedModel):
    event = models.ForeignKey(Event, on_delete=models.CASCADE, related_name="registrations")
    person = models.ForeignKey(
        Person,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="registrations",
    )
    status = models.CharField(
        _("état"), max_length=12, choices=RegistrationStatus.choices, db_index=True
    )
    # Waitlist order: the time the person joined the list (kept when promoted, for history).
    waitlisted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    registered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Kept after the person's account is deleted (anonymised), for the counts.
    organization_name = models.CharField(_("structure"), max_length=200, blank=True)
    certificate_sent_at = models.DateTimeField(null=True, blank=True)

    objects = RegistrationQuerySet.as_manager()

    class Meta:
        verbose_name = _("inscription")
        verbose_name_plural = _("inscriptions")
        ordering = ["created_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["event", "person"], name="events_one_registration_per_person"
            ),
            models.CheckConstraint(
                condition=~Q(status=RegistrationStatus.WAITLISTED) | Q(waitlisted_at__isnull=False),
                name="events_waitlisted_has_a_date",
            ),
        ]

    def __str__(self):
        return f"{self.person} – {self.event}"


class Attendance(models.Model):
    """Émargement: was the person there at this session?"""

    registration = models.ForeignKey(
        Registration, on_delete=models.CASCADE, related_name="attendances"
    )
    session = models.ForeignKey(Session, on_delete=models.CASCADE, related_name="attendances")
    present = models.BooleanField(_("présent·e"))
    marked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    marked_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = _("présence")
        verbose_name_plural = _("présences")
        constraints = [
            models.UniqueConstraint(
                fields=["registration", "session"], name="events_one_attendance_per_session"
            ),
        ]

    def __str__(self):
        return f"{self.registration} – {self.session}"


def _new_token() -> str:
    return secrets.token_urlsafe(24)


class CalendarFeed(models.Model):
    """The secret address of a person's own calendar (their registrations)."""

    person = models.OneToOneField(Person, on_delete=models.CASCADE, related_name="calendar_feed")
    token = models.CharField(max_length=64, unique=True, default=_new_token)

    class Meta:
        verbose_name = _("agenda personnel")
        verbose_name_plural = _("agendas personnels")

    def __str__(self):
        return str(self.person)


class ReminderPolicy(models.Model):
    """What the coordinator decides about reminders (one row, edited in the coordination area)."""

    offsets_days = models.JSONField(
        _("rappels, en jours avant la rencontre"),
        default=list,
        help_text=_("Par exemple 7 et 1 : un rappel une semaine avant, un autre la veille."),
    )
    certificate_delay_hours = models.PositiveIntegerField(
        _("envoi des attestations, en heures après la formation"), default=2
    )

    class Meta:
        verbose_name = _("réglage des rappels")
        verbose_name_plural = _("réglages des rappels")

    def __str__(self):
        return ", ".join(f"J-{days}" for days in self.offsets_days)

    @classmethod
    def current(cls) -> "ReminderPolicy":
        policy, _ = cls.objects.get_or_create(pk=1, defaults={"offsets_days": [7, 1]})
        return policy
