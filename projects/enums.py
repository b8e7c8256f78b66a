"""Fixed vocabularies of the projects app: kinds, statuses, and the audit actions."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OpportunityKind(models.TextChoices):
    CALL_FOR_PROJECTS = "appel_a_projets", _("Appel à projets")
    SUBSIDY = "subvention", _("Subvention")
    PATRONAGE = "mecenat", _("Mécénat / fondation")
    PRIZE = "prix", _("Prix")
    RESIDENCY = "residence", _("Résidence")
    OTHER = "autre", _("Autre")


class PublicationStatus(models.TextChoices):
    DRAFT = "draft", _("Brouillon")
    PUBLISHED = "published", _("Publiée")


class DossierKind(models.TextChoices):
    CALL_FOR_PROJECTS = "appel_a_projets", _("Appel à projets")
    SUBSIDY = "subvention", _("Demande de subvention")
    FESTIVAL = "festival", _("Festival")
    PARTNERSHIP = "convention", _("Convention de partenariat")


class DossierStatus(models.TextChoices):
    IDEA = "idee", _("Idée")
    PREPARING = "preparation", _("En préparation")
    SUBMITTED = "depose", _("Déposé")
    GRANTED = "accorde", _("Accordé")
    REFUSED = "refuse", _("Refusé")
    REPORT_DUE = "bilan", _("Bilan à rendre")
    CLOSED = "clos", _("Clos")


# Where a dossier still has its submission to make, or its report to send.
BEFORE_SUBMISSION = (DossierStatus.IDEA, DossierStatus.PREPARING)
REPORT_OWED = (DossierStatus.GRANTED, DossierStatus.REPORT_DUE)


class DeadlineKind(models.TextChoices):
    SUBMISSION = "depot", _("Date limite de dépôt")
    REPORT = "bilan", _("Remise du bilan")
    OTHER = "autre", _("Autre échéance")


class ProjectStatus(models.TextChoices):
    PLANNED = "envisage", _("En projet")
    RUNNING = "en_cours", _("En cours")
    FINISHED = "termine", _("Terminé")
    ABANDONED = "abandonne", _("Abandonné")


class PartnerRole(models.TextChoices):
    LEAD = "porteur", _("Porteur")
    PARTNER = "partenaire", _("Partenaire")
    HOST = "accueil", _("Lieu d'accueil")
    FUNDER = "financeur", _("Financeur")


class ResourceKind(models.TextChoices):
    GUIDE = "guide", _("Guide")
    TOOL = "outil", _("Outil")
    TEMPLATE = "modele", _("Modèle de document")
    BIBLIOGRAPHY = "bibliographie", _("Bibliographie")
    VIDEO = "video", _("Vidéo")
    LINK = "lien", _("Lien")


class PracticeStatus(models.TextChoices):
    DRAFT = "brouillon", _("Brouillon")
    SUBMITTED = "proposee", _("Proposée, en relecture")
    CHANGES_REQUESTED = "a_reprendre", _("À reprendre")
    PUBLISHED = "publiee", _("Publiée")
    WITHDRAWN = "retiree", _("Retirée")


class BudgetRange(models.TextChoices):
    NONE = "0", _("Sans budget spécifique")
    SMALL = "1-2000", _("Moins de 2 000 €")
    MEDIUM = "2000-10000", _("De 2 000 à 10 000 €")
    LARGE = "10000-50000", _("De 10 000 à 50 000 €")
    VERY_LARGE = "50000+", _("Plus de 50 000 €")


class ProjectsAuditAction(models.TextChoices):
    OPPORTUNITY_PUBLISHED = "projects.opportunity_published", _("Financement publié")
    OPPORTUNITY_UNPUBLISHED = (
        "projects.opportunity_unpublished",
        _("Financement repassé en brouillon"),
    )
    OPPORTUNITY_CREATED = "projects.opportunity_created", _("Opportunité créée")
    OPPORTUNITY_UPDATED = "projects.opportunity_updated", _("Opportunité modifiée")
    OPPORTUNITY_FOLLOWED = "projects.opportunity_followed", _("Opportunité suivie")
    OPPORTUNITY_UNFOLLOWED = "projects.opportunity_unfollowed", _("Opportunité plus suivie")
    DOSSIER_CREATED = "projects.dossier_created", _("Dossier créé")
    DOSSIER_UPDATED = "projects.dossier_updated", _("Dossier modifié")
    DOSSIER_DOCUMENT_CHANGED = "projects.dossier_document_changed", _("Dossier : pièce modifiée")
    DOSSIER_DEADLINE_CHANGED = "projects.dossier_deadline_changed", _("Dossier : date modifiée")
    RESOURCE_CREATED = "projects.resource_created", _("Ressource créée")
    RESOURCE_UPDATED = "projects.resource_updated", _("Ressource modifiée")
    RESOURCE_PUBLISHED = "projects.resource_published", _("Ressource publiée")
    RESOURCE_UNPUBLISHED = "projects.resource_unpublished", _("Ressource repassée en brouillon")
    PRACTICE_CREATED = "projects.practice_created", _("Bonne pratique créée")
    PRACTICE_UPDATED = "projects.practice_updated", _("Bonne pratique modifiée")
    PRACTICE_COMMENTED = "projects.practice_commented", _("Bonne pratique commentée")
    DOSSIER_TRANSITION = "projects.dossier_transition", _("Dossier : changement d'étape")
    PROJECT_CREATED = "projects.project_created", _("Projet créé")
    PROJECT_UPDATED = "projects.project_updated", _("Projet modifié")
    PARTNER_SET = "projects.partner_set", _("Partenaire du projet ajouté ou modifié")
    PARTNER_REMOVED = "projects.partner_removed", _("Partenaire du projet retiré")
    PRACTICE_TRANSITION = "projects.practice_transition", _("Bonne pratique : changement d'état")
    DIGEST_UNSUBSCRIBED = "projects.digest_unsubscribed", _("Désinscription de la lettre de veille")
