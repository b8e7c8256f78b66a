"""Fixed vocabularies of the network. Extendable ones (types, disciplines, themes) are models."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Sector(models.TextChoices):
    CULTURE = "culture", _("Culture")
    EARLY_CHILDHOOD = "petite_enfance", _("Petite enfance")
    SOCIAL = "social", _("Social et médico-social")
    EDUCATION = "education", _("Éducation")
    LOCAL_AUTHORITY = "collectivite", _("Collectivité")


class AgeRange(models.TextChoices):
    UNDER_ONE = "0-1", _("0-1 an")
    ONE_TO_THREE = "1-3", _("1-3 ans")
    THREE_TO_SIX = "3-6", _("3-6 ans")
    PARENTS = "parents", _("Parents")


class OrganizationStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    ACTIVE = "active", _("Active")
    REFUSED = "refused", _("Refusée")
    ARCHIVED = "archived", _("Archivée")


class PersonStatus(models.TextChoices):
    PENDING = "pending", _("En attente de validation")
    ACTIVE = "active", _("Membre du réseau")
    REFUSED = "refused", _("Demande refusée")


class AffiliationStatus(models.TextChoices):
    PENDING = "pending", _("Demande en attente")
    ACTIVE = "active", _("Active")
    REFUSED = "refused", _("Refusée")
    LEFT = "left", _("Quittée")


class GroupMembershipStatus(models.TextChoices):
    REQUESTED = "requested", _("Demande en attente")
    MEMBER = "member", _("Membre")
    REFUSED = "refused", _("Refusée")
    LEFT = "left", _("A quitté le groupe")


class ActionStatus(models.TextChoices):
    TODO = "todo", _("À faire")
    IN_PROGRESS = "in_progress", _("En cours")
    DONE = "done", _("Terminée")
    CANCELLED = "cancelled", _("Abandonnée")


class NeedStatus(models.TextChoices):
    OPEN = "open", _("Ouvert")
    IN_PROGRESS = "in_progress", _("Pris en charge")
    CLOSED = "closed", _("Clos")
    MERGED = "merged", _("Fusionné")


class ConsentPurpose(models.TextChoices):
    DIGEST = "digest", _("Lettre de veille hebdomadaire")
    PUBLIC_LISTING = "public_listing", _("Présence de la structure dans l'annuaire public")


class MembersAuditAction(models.TextChoices):
    PERSON_VALIDATED = "members.person_validated", _("Membre validé")
    PERSON_REFUSED = "members.person_refused", _("Membre refusé")
    ORGANIZATION_CREATED = "members.organization_created", _("Structure créée")
    ORGANIZATION_UPDATED = "members.organization_updated", _("Structure modifiée")
    ORGANIZATION_VALIDATED = "members.organization_validated", _("Structure validée")
    ORGANIZATION_REFUSED = "members.organization_refused", _("Structure refusée")
    ORGANIZATION_ARCHIVED = "members.organization_archived", _("Structure archivée")
    AFFILIATION_REQUESTED = "members.affiliation_requested", _("Rattachement demandé")
    AFFILIATION_ACCEPTED = "members.affiliation_accepted", _("Rattachement accepté")
    AFFILIATION_REFUSED = "members.affiliation_refused", _("Rattachement refusé")
    AFFILIATION_LEFT = "members.affiliation_left", _("Structure quittée")
    GROUP_CHANGED = "members.group_changed", _("Groupe de travail modifié")
    NEED_CREATED = "members.need_created", _("Besoin exprimé")
    NEED_MERGED = "members.need_merged", _("Besoin fusionné")
    NEED_CLOSED = "members.need_closed", _("Besoin clos")
    NEED_TRIAGED = "members.need_triaged", _("Besoin traité")
    ACCOUNT_DELETED = "members.account_deleted", _("Compte supprimé")
    NETWORK_IMPORTED = "members.network_imported", _("Import de structures ou de personnes")
    PENDING_ACCOUNT_DELETED = (
        "members.pending_account_deleted",
        _("Compte jamais confirmé ou validé supprimé"),
    )
