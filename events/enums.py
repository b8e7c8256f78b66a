from django.db import models
from django.utils.translation import gettext_lazy as _


class EventKind(models.TextChoices):
    MEETING = "rencontre", _("Rencontre professionnelle")
    WORK_SESSION = "temps_de_travail", _("Temps de travail collaboratif")
    TRAINING = "formation", _("Formation")
    FESTIVAL = "temps_fort", _("Temps fort / festival")


class Audience(models.TextChoices):
    CULTURE = "culture", _("Acteurs culturels")
    EARLY_CHILDHOOD = "petite_enfance", _("Acteurs de la petite enfance")
    BOTH = "tous", _("Culture et petite enfance")


class Visibility(models.TextChoices):
    PUBLIC = "public", _("Publique (dans l'agenda public)")
    MEMBERS = "membres", _("Réservée aux membres du réseau")


class EventStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")
    CANCELLED = "cancelled", _("Annulée")


class RegistrationStatus(models.TextChoices):
    CONFIRMED = "confirmed", _("Inscrit·e")
    WAITLISTED = "waitlisted", _("En liste d'attente")
    CANCELLED = "cancelled", _("Désinscrit·e")


class EventsAuditAction(models.TextChoices):
    EVENT_CREATED = "events.event_created", _("Rencontre créée")
    EVENT_UPDATED = "events.event_updated", _("Rencontre modifiée")
    EVENT_PUBLISHED = "events.event_published", _("Rencontre publiée")
    EVENT_CANCELLED = "events.event_cancelled", _("Rencontre annulée")
    SESSION_SAVED = "events.session_saved", _("Séance enregistrée")
    SESSION_DELETED = "events.session_deleted", _("Séance supprimée")
    REGISTRATION_CREATED = "events.registration_created", _("Inscription enregistrée")
    REGISTRATION_CANCELLED = "events.registration_cancelled", _("Inscription annulée")
    REGISTRATION_PROMOTED = "events.registration_promoted", _("Place attribuée")
    REGISTRATION_MOVED = "events.registration_moved", _("Inscription déplacée")
    REMINDERS_UPDATED = "events.reminders_updated", _("Réglage des rappels modifié")
