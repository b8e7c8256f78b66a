"""Demo watch, files and productions of the network, `scale` times one département's volumes.

Per scale: 30 funding opportunities (some closing within ten days), 40 dossiers across every
step of the pipeline with their history, 25 projects of which 8 experiments, 40 resources
(a few real files, links mostly) and 30 published best practices, plus a few under review;
a third of the active members (and the demo partner) receive the weekly digest.

Runs after the members seed (organisations and people) and the core seed (the coordination
account). Deterministic (a fixed random seed) and idempotent: opportunities, projects,
resources and practices are keyed by slug; dossiers are topped up to their count; digest
consent is recorded once per person. Rows are created directly, in bulk, never through the
services: the seed sends no e-mail. Dossier histories are written as the services write
them (the creation "" → idée, then one row per allowed transition) and dated in the past,
the dossier created when its history starts.
"""

import io
import random
from datetime import datetime, time, timedelta

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.utils import timezone
from django.utils.text import slugify

from consortium.core.models import User
from consortium.core.seed import at_place, of_place
from members.consents import CONSENTS
from members.enums import (
    AffiliationStatus,
    ConsentPurpose,
    OrganizationStatus,
    PersonStatus,
    Sector,
)
from members.models import (
    Affiliation,
    AgeGroup,
    Commune,
    ConsentRecord,
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
from .models import (
    Dossier,
    DossierDeadline,
    DossierDocument,
    DossierTransition,
    Opportunity,
    OpportunityFollow,
    OpportunitySector,
    Practice,
    PracticeImage,
    PracticeTransition,
    Project,
    ProjectPartner,
    Resource,
)
from .workflows import DOSSIER_TRANSITIONS

OPPORTUNITIES_PER_SCALE = 30
DOSSIERS_PER_SCALE = 40
PROJECTS_PER_SCALE = 25
EXPERIMENTS_PER_SCALE = 8
RESOURCES_PER_SCALE = 40
PRACTICES_PER_SCALE = 30
DEMO_PARTNER = "partenaire@demo.consortium95.fr"
COORDINATION = "coordination@demo.consortium95.fr"

# kind, title, funder, summary, link
OPPORTUNITIES = [
    (
        OpportunityKind.CALL_FOR_PROJECTS,
        "Appel à projets « Premiers pas culturels »",
        "Fondation de France",
        "Soutien aux actions d'éveil artistique des enfants de moins de 6 ans menées avec leurs parents.",
        "https://www.fondationdefrance.org/fr/appels-a-projets",
    ),
    (
        OpportunityKind.SUBSIDY,
        "Aide à l'éducation artistique et culturelle – jeune enfance",
        "DRAC Île-de-France",
        "Subvention aux projets d'éducation artistique associant structures culturelles et lieux d'accueil de la petite enfance.",
        "https://www.culture.gouv.fr/Regions/Drac-Ile-de-France",
    ),
    (
        OpportunityKind.SUBSIDY,
        "Fonds départemental culture et petite enfance",
        "Département du Val-d'Oise",
        "Aide aux projets culturels en direction des tout-petits sur le territoire du Val-d'Oise.",
        "https://www.valdoise.fr",
    ),
    (
        OpportunityKind.CALL_FOR_PROJECTS,
        "Appel à projets parentalité (REAAP)",
        "CAF du Val-d'Oise",
        "Financement d'actions de soutien à la parentalité, dont les ateliers d'éveil partagés parents-enfants.",
        "https://www.caf.fr",
    ),
    (
        OpportunityKind.PATRONAGE,
        "Programme « Entreprendre pour apprendre » – éveil",
        "Fondation SNCF",
        "Mécénat de projets favorisant l'accès à la lecture et à la culture des jeunes enfants.",
        "https://www.groupe-sncf.com/fr/engagements/fondation-sncf",
    ),
    (
        OpportunityKind.PATRONAGE,
        "Mécénat local : culture pour les tout-petits",
        "Club des entreprises de Cergy-Pontoise",
        "Soutien d'entreprises du territoire aux projets culturels de proximité pour les 0-6 ans.",
        "",
    ),
    (
        OpportunityKind.PRIZE,
        "Prix « Bébés lecteurs »",
        "Fondation pour la lecture",
        "Prix récompensant une action exemplaire de lecture partagée avec les bébés et leurs familles.",
        "",
    ),
    (
        OpportunityKind.RESIDENCY,
        "Résidence d'artiste en crèche",
        "DRAC Île-de-France",
        "Résidence de création et de transmission d'un artiste dans un établissement d'accueil du jeune enfant.",
        "",
    ),
    (
        OpportunityKind.RESIDENCY,
        "Résidence territoriale d'éveil musical",
        "Département du Val-d'Oise",
        "Accueil d'un ensemble musical sur un territoire pour des temps d'éveil avec les RPE et les crèches.",
        "",
    ),
    (
        OpportunityKind.CALL_FOR_PROJECTS,
        "Appel à projets « Culture et enfance protégée »",
        "Fondation de France",
        "Projets artistiques menés avec les pouponnières, foyers et services de l'aide sociale à l'enfance.",
        "",
    ),
    (
        OpportunityKind.OTHER,
        "Dotation en albums pour les lieux d'accueil",
        "Centre national du livre",
        "Dotation de livres pour la petite enfance aux lieux d'accueil qui mènent des lectures régulières.",
        "",
    ),
    (
        OpportunityKind.SUBSIDY,
        "Contrat territoire lecture – volet petite enfance",
        "DRAC Île-de-France",
        "Cofinancement des actions lecture des intercommunalités en direction des tout-petits.",
        "",
    ),
    (
        OpportunityKind.SUBSIDY,
        "Aide aux projets culturels de territoire",
        "Région Île-de-France",
        "Soutien aux actions culturelles de proximité menées avec les habitants, dont les familles de jeunes enfants.",
        "https://www.iledefrance.fr",
    ),
    (
        OpportunityKind.CALL_FOR_PROJECTS,
        "Appel à projets « Jeunes enfants et culture »",
        "Ministère de la Culture",
        "Projets d'éveil artistique associant un artiste, une structure culturelle et un lieu d'accueil du jeune enfant.",
        "https://www.culture.gouv.fr",
    ),
    (
        OpportunityKind.SUBSIDY,
        "Fonds publics et territoires – accueil du jeune enfant",
        "CAF du Val-d'Oise",
        "Aide aux projets innovants des établissements d'accueil du jeune enfant, dont l'ouverture culturelle.",
        "https://www.caf.fr",
    ),
    (
        OpportunityKind.PATRONAGE,
        "Fonds de dotation pour l'éveil musical",
        "Fondation Orange",
        "Mécénat d'ateliers d'éveil musical pour les enfants de moins de 6 ans dans les quartiers prioritaires.",
        "",
    ),
    (
        OpportunityKind.CALL_FOR_PROJECTS,
        "Appel à projets « Petite enfance et handicap »",
        "CAF du Val-d'Oise",
        "Actions favorisant l'accueil des jeunes enfants en situation de handicap, dont les activités d'éveil partagées.",
        "",
    ),
    (
        OpportunityKind.RESIDENCY,
        "Résidence d'auteur-illustrateur jeunesse",
        "Centre national du livre",
        "Résidence d'un auteur ou d'un illustrateur jeunesse associant bibliothèques, crèches et familles.",
        "",
    ),
    (
        OpportunityKind.PRIZE,
        "Trophées de l'accueil petite enfance",
        "Union départementale des associations familiales",
        "Prix distinguant une initiative d'accueil des familles, dont l'ouverture des tout-petits à la culture.",
        "",
    ),
    (
        OpportunityKind.SUBSIDY,
        "Politique de la ville – programmation annuelle",
        "Préfecture du Val-d'Oise",
        "Crédits de la politique de la ville pour des actions culturelles et éducatives dans les quartiers prioritaires.",
        "",
    ),
    (
        OpportunityKind.CALL_FOR_PROJECTS,
        "Appel à projets « Cinéma et tout-petits »",
        "Centre national du cinéma et de l'image animée",
        "Séances et ateliers d'éducation à l'image pour les enfants de 2 à 6 ans et leurs familles.",
        "",
    ),
    (
        OpportunityKind.PATRONAGE,
        "Mécénat de proximité",
        "Fondation du Crédit Agricole d'Île-de-France",
        "Soutien à des projets culturels ou solidaires portés par des associations du territoire.",
        "",
    ),
    (
        OpportunityKind.OTHER,
        "Prêt d'expositions pour les tout-petits",
        "Bibliothèque départementale du Val-d'Oise",
        "Expositions et malles d'albums prêtées aux bibliothèques et aux lieux d'accueil du jeune enfant.",
        "",
    ),
    (
        OpportunityKind.RESIDENCY,
        "Résidence de danse en milieu petite enfance",
        "DRAC Île-de-France",
        "Résidence d'une compagnie chorégraphique associant une structure culturelle et des lieux d'accueil des tout-petits.",
        "",
    ),
    (
        OpportunityKind.SUBSIDY,
        "Soutien aux festivals jeune public",
        "Département du Val-d'Oise",
        "Aide aux festivals et temps forts dont la programmation s'adresse aussi aux moins de 6 ans.",
        "https://www.valdoise.fr",
    ),
    (
        OpportunityKind.CALL_FOR_PROJECTS,
        "Appel à projets « Parents, bébés et musées »",
        "Fondation de France",
        "Projets ouvrant les musées et les lieux de patrimoine aux parents accompagnés de leurs bébés.",
        "",
    ),
    (
        OpportunityKind.SUBSIDY,
        "Aide à l'équipement des coins lecture",
        "Département du Val-d'Oise",
        "Subvention à l'achat d'albums, de tapis et de mobilier de lecture pour les lieux d'accueil du jeune enfant.",
        "",
    ),
    (
        OpportunityKind.PRIZE,
        "Prix de l'initiative culturelle en milieu rural",
        "Fondation de France",
        "Prix récompensant une action culturelle exemplaire dans une commune rurale.",
        "",
    ),
    (
        OpportunityKind.CALL_FOR_PROJECTS,
        "Appel à projets « Lecture et langage des tout-petits »",
        "Agence nationale de lutte contre l'illettrisme",
        "Actions de prévention précoce autour du langage, du livre et de la lecture partagée.",
        "",
    ),
    (
        OpportunityKind.SUBSIDY,
        "Aide à la diffusion du spectacle très jeune public",
        "Département du Val-d'Oise",
        "Prise en charge d'une partie du coût de cession des spectacles pour les 0-3 ans accueillis par les communes.",
        "",
    ),
]

PROJECT_TITLES = [
    (
        "Bébés lecteurs",
        "Lectures partagées chaque semaine entre la médiathèque et les crèches du quartier.",
        ["livre-lecture"],
    ),
    (
        "Éveil musical en multi-accueil",
        "Un musicien intervient toute l'année auprès des enfants et des équipes.",
        ["musique"],
    ),
    (
        "Malle de lecture itinérante",
        "Une malle d'albums et de tapis de lecture circule entre les RPE.",
        ["livre-lecture"],
    ),
    (
        "Premiers spectacles",
        "Des spectacles très jeune public programmés avec les crèches et les familles.",
        ["theatre"],
    ),
    (
        "Danse et motricité",
        "Une chorégraphe accompagne les équipes autour du mouvement des tout-petits.",
        ["danse"],
    ),
    (
        "Musée des tout-petits",
        "Des visites sensorielles du musée pour les bébés et leurs parents.",
        ["patrimoine"],
    ),
    (
        "Comptines du monde",
        "Collecter et transmettre les comptines des familles du territoire.",
        ["chant"],
    ),
    (
        "Artistes en pouponnière",
        "Une résidence d'artistes plasticiens auprès des enfants accueillis.",
        ["arts-plastiques"],
    ),
    (
        "Cinéma pour les petits",
        "Des séances courtes et adaptées pour les 2-6 ans et leurs accompagnants.",
        ["cinema-image"],
    ),
    (
        "Jardin des sons",
        "Installer un parcours sonore dans la cour d'un multi-accueil.",
        ["musique"],
    ),
    (
        "Lire en PMI",
        "Des lectrices bénévoles dans les salles d'attente des centres de PMI.",
        ["livre-lecture"],
    ),
    (
        "Théâtre d'objets en LAEP",
        "Des ateliers de manipulation d'objets avec les parents et les enfants.",
        ["theatre", "marionnette"],
    ),
]
HYPOTHESES = [
    "Une présence artistique régulière en crèche modifie durablement les pratiques des équipes.",
    "Associer les parents dès la conception des ateliers augmente leur participation aux sorties culturelles.",
    "La lecture en salle d'attente de PMI donne aux familles l'envie de fréquenter la médiathèque.",
    "Un temps de formation commun artistes-professionnels améliore la qualité des interventions.",
]

DOSSIER_LABELS = {
    DossierKind.CALL_FOR_PROJECTS: "Candidature",
    DossierKind.SUBSIDY: "Demande de subvention",
    DossierKind.FESTIVAL: "Soutien au festival jeune public",
    DossierKind.PARTNERSHIP: "Convention de partenariat",
}
# What each type of organisation files: a PMI (a service of the Département) signs
# partnerships and asks no grant; a school asks no subsidy; only companies and venues
# apply for a festival grant.
FESTIVAL_TYPES = {"compagnie", "theatre", "service-culturel", "association-culturelle"}
PARTNERSHIP_ONLY_TYPES = {"pmi"}
NO_SUBSIDY_TYPES = {"ecole-maternelle"}
# The dossier kind that answers each kind of opportunity.
KIND_OF_OPPORTUNITY = {
    OpportunityKind.SUBSIDY: DossierKind.SUBSIDY,
    OpportunityKind.CALL_FOR_PROJECTS: DossierKind.CALL_FOR_PROJECTS,
    OpportunityKind.PATRONAGE: DossierKind.CALL_FOR_PROJECTS,
    OpportunityKind.PRIZE: DossierKind.CALL_FOR_PROJECTS,
    OpportunityKind.RESIDENCY: DossierKind.CALL_FOR_PROJECTS,
    OpportunityKind.OTHER: DossierKind.CALL_FOR_PROJECTS,
}
# Funders asked without a call, and the amounts asked, by kind of dossier.
FUNDERS_OF_KIND = {
    DossierKind.SUBSIDY: ["Département du Val-d'Oise", "DRAC Île-de-France", "CAF du Val-d'Oise"],
    DossierKind.CALL_FOR_PROJECTS: ["Fondation de France", "Fondation SNCF", "Fondation Orange"],
    DossierKind.FESTIVAL: ["Département du Val-d'Oise", "Région Île-de-France"],
}
AMOUNTS = {
    DossierKind.SUBSIDY: [1500, 3000, 4500, 8000, 12000],
    DossierKind.CALL_FOR_PROJECTS: [2000, 3000, 5000, 10000],
    DossierKind.FESTIVAL: [5000, 8000, 15000, 25000],
    DossierKind.PARTNERSHIP: [800, 1200, 2500],
}
CHECKLIST = [
    "Formulaire de demande signé",
    "Budget prévisionnel",
    "Statuts et attestation SIRET",
    "Lettres de soutien des partenaires",
    "Relevé d'identité bancaire",
    "Bilan de l'action précédente",
]
CHECKLISTS = {
    DossierKind.PARTNERSHIP: [
        "Projet de convention relu par les deux structures",
        "Calendrier des interventions",
        "Attestation d'assurance",
        "Budget partagé",
        "Signature des deux responsables",
    ],
    DossierKind.FESTIVAL: [
        "Programme prévisionnel",
        "Budget prévisionnel du festival",
        "Statuts et attestation SIRET",
        "Lettres de soutien des lieux partenaires",
        "Bilan de l'édition précédente",
    ],
}
# A network's first year: many ideas and dossiers in preparation, few answers yet.
# Counts per 40 dossiers.
STAGE_SHARES = {
    DossierStatus.IDEA: 10,
    DossierStatus.PREPARING: 11,
    DossierStatus.SUBMITTED: 7,
    DossierStatus.GRANTED: 4,
    DossierStatus.REFUSED: 3,
    DossierStatus.REPORT_DUE: 2,
    DossierStatus.CLOSED: 3,
}
# The forward steps from the idea to each status but "clos" (the workflow's transitions):
# the history of a dossier seeded at that status. A closed dossier was closed from one
# of the sources of "clore", so its history is one of these followed by the closing.
D = DossierStatus
PIPELINES = {
    D.IDEA: [D.IDEA],
    D.PREPARING: [D.IDEA, D.PREPARING],
    D.SUBMITTED: [D.IDEA, D.PREPARING, D.SUBMITTED],
    D.GRANTED: [D.IDEA, D.PREPARING, D.SUBMITTED, D.GRANTED],
    D.REFUSED: [D.IDEA, D.PREPARING, D.SUBMITTED, D.REFUSED],
    D.REPORT_DUE: [D.IDEA, D.PREPARING, D.SUBMITTED, D.GRANTED, D.REPORT_DUE],
}
# The steps a dossier is closed from, the most usual first: refused, idea given up,
# report handed in.
CLOSED_FROM = [
    s
    for s in [D.REFUSED, D.IDEA, D.REPORT_DUE, D.PREPARING, D.GRANTED]
    if s in DOSSIER_TRANSITIONS["clore"].sources
]
# Before the call closes, a linked dossier cannot be further than its preparation.
BEFORE_SUBMISSION = {D.IDEA, D.PREPARING}
# A funder answers some weeks after the call closes.
ANSWER_DAYS = 20

# kind, title, summary, disciplines it is about
RESOURCES = [
    (
        ResourceKind.GUIDE,
        "Guide de la lecture à voix haute aux tout-petits",
        "Conseils pratiques pour lire avec les bébés : choisir les albums, installer l'espace, associer les parents.",
        ["livre-lecture"],
    ),
    (
        ResourceKind.TOOL,
        "Grille d'observation d'un atelier d'éveil",
        "Une grille simple pour observer les réactions des enfants pendant un atelier artistique.",
        [],
    ),
    (
        ResourceKind.TEMPLATE,
        "Modèle de convention artiste – structure petite enfance",
        "Convention type pour l'accueil d'un artiste en crèche : objet, calendrier, rémunération, assurances.",
        [],
    ),
    (
        ResourceKind.BIBLIOGRAPHY,
        "Bibliographie : albums pour les moins de 3 ans",
        "Une sélection d'albums appréciés des bébés, proposée par les bibliothécaires du réseau.",
        ["livre-lecture"],
    ),
    (
        ResourceKind.VIDEO,
        "Vidéo : un artiste en résidence au multi-accueil",
        "Reportage de dix minutes sur une résidence d'éveil musical dans une crèche du Val-d'Oise.",
        ["musique", "cinema-image"],
    ),
    (
        ResourceKind.LINK,
        "Portail national de l'éveil artistique et culturel du jeune enfant",
        "Ressources et textes de référence du ministère de la Culture sur l'éveil du jeune enfant.",
        [],
    ),
    (
        ResourceKind.GUIDE,
        "Accueillir un spectacle très jeune public",
        "Fiche technique et conseils d'accueil : jauge, durée, installation des familles.",
        ["theatre"],
    ),
    (
        ResourceKind.TEMPLATE,
        "Modèle de budget prévisionnel d'un projet culturel",
        "Tableau de budget prévisionnel à compléter pour les demandes de subvention.",
        [],
    ),
    (
        ResourceKind.TOOL,
        "Jeu de cartes « comptines et jeux de doigts »",
        "Des cartes à imprimer pour animer des temps de comptines avec les tout-petits.",
        ["chant"],
    ),
    (
        ResourceKind.BIBLIOGRAPHY,
        "Lectures pour les professionnels : le bébé et l'art",
        "Ouvrages et articles sur l'éveil artistique et le développement du jeune enfant.",
        ["livre-lecture"],
    ),
    (
        ResourceKind.GUIDE,
        "Accueillir un artiste en résidence dans une crèche",
        "Les étapes d'une résidence : rencontre avec l'équipe, calendrier, place des parents, bilan.",
        [],
    ),
    (
        ResourceKind.GUIDE,
        "L'éveil musical au quotidien : chanter avec les bébés",
        "Pourquoi chanter avec les tout-petits, et comment s'y prendre même sans formation musicale.",
        ["musique", "chant"],
    ),
    (
        ResourceKind.GUIDE,
        "Emmener les tout-petits au musée",
        "Préparer la visite, choisir les œuvres, rythmer le parcours et accueillir les parents.",
        ["patrimoine"],
    ),
    (
        ResourceKind.GUIDE,
        "Le cinéma avec les moins de 6 ans",
        "Durée des films, lumière, son, place des adultes : les repères des salles du réseau.",
        ["cinema-image"],
    ),
    (
        ResourceKind.GUIDE,
        "Danser avec les bébés",
        "Des propositions de mouvement libre et de jeux dansés pour les lieux d'accueil.",
        ["danse"],
    ),
    (
        ResourceKind.GUIDE,
        "Les écrans et le tout-petit : repères pour les professionnels",
        "Ce que disent les recommandations, et comment en parler avec les familles.",
        ["arts-numeriques"],
    ),
    (
        ResourceKind.TOOL,
        "Questionnaire aux familles après un spectacle",
        "Quelques questions simples pour recueillir l'avis des parents, en français et en pictogrammes.",
        ["theatre"],
    ),
    (
        ResourceKind.TOOL,
        "Calendrier partagé des spectacles jeune public du Val-d'Oise",
        "Les dates des spectacles pour les 0-6 ans programmés par les lieux du réseau.",
        ["theatre", "marionnette", "cirque"],
    ),
    (
        ResourceKind.TOOL,
        "Kit d'accueil d'une malle de lecture",
        "Fiche de prêt, liste des albums, conseils d'entretien et affichette pour les parents.",
        ["livre-lecture"],
    ),
    (
        ResourceKind.TOOL,
        "Fiche d'évaluation d'une action d'éveil",
        "Les indicateurs suivis par le réseau : enfants touchés, familles, professionnels formés.",
        [],
    ),
    (
        ResourceKind.TEMPLATE,
        "Modèle de convention de partenariat crèche – médiathèque",
        "Objet, engagements de chacun, calendrier des lectures et modalités de prêt.",
        ["livre-lecture"],
    ),
    (
        ResourceKind.TEMPLATE,
        "Modèle d'autorisation de droit à l'image",
        "Autorisation à faire signer aux parents avant de photographier ou filmer un atelier.",
        [],
    ),
    (
        ResourceKind.TEMPLATE,
        "Modèle de bilan d'une action subventionnée",
        "Trame du bilan qualitatif et financier demandé par la plupart des financeurs.",
        [],
    ),
    (
        ResourceKind.TEMPLATE,
        "Modèle de fiche technique d'un spectacle en crèche",
        "Espace, jauge, durée, installation : la fiche à envoyer à la compagnie avant sa venue.",
        ["theatre"],
    ),
    (
        ResourceKind.BIBLIOGRAPHY,
        "Comptines et jeux de doigts : une sélection de recueils",
        "Des recueils de comptines d'ici et d'ailleurs, avec ou sans disque.",
        ["chant"],
    ),
    (
        ResourceKind.BIBLIOGRAPHY,
        "Albums sans texte et imagiers pour les bébés",
        "Une sélection d'imagiers et d'albums sans texte, à partager dès les premiers mois.",
        ["livre-lecture"],
    ),
    (
        ResourceKind.BIBLIOGRAPHY,
        "Livres en plusieurs langues pour la petite enfance",
        "Des albums bilingues et en langues des familles, proposés par les bibliothèques du réseau.",
        ["livre-lecture"],
    ),
    (
        ResourceKind.BIBLIOGRAPHY,
        "Écouter de la musique avec les tout-petits : une discothèque",
        "Des disques de musiques du monde, classiques et contemporaines choisis pour les 0-3 ans.",
        ["musique"],
    ),
    (
        ResourceKind.VIDEO,
        "Vidéo : une lecture en salle d'attente de PMI",
        "Cinq minutes dans un centre de PMI où une bibliothécaire lit des albums aux familles.",
        ["livre-lecture"],
    ),
    (
        ResourceKind.VIDEO,
        "Vidéo : un spectacle très jeune public, de la création à la tournée",
        "Une compagnie du Val-d'Oise raconte la création de son spectacle pour les bébés.",
        ["theatre"],
    ),
    (
        ResourceKind.VIDEO,
        "Vidéo : danse et motricité libre au multi-accueil",
        "Une danseuse et une équipe de crèche racontent une année d'ateliers de mouvement.",
        ["danse"],
    ),
    (
        ResourceKind.VIDEO,
        "Vidéo : retour sur la rencontre départementale du réseau",
        "Les temps forts de la rencontre annuelle des professionnels de la culture et de la petite enfance.",
        [],
    ),
    (
        ResourceKind.LINK,
        "Plan « 1000 premiers jours » : ressources pour les professionnels",
        "Le site national des 1000 premiers jours de l'enfant et ses ressources sur l'éveil.",
        [],
    ),
    (
        ResourceKind.LINK,
        "Protocole culture – petite enfance du ministère de la Culture",
        "Le texte de référence signé par les ministères de la Culture et des Familles.",
        [],
    ),
    (
        ResourceKind.LINK,
        "Annuaire des spectacles très jeune public",
        "Un annuaire national des compagnies et des spectacles pour les 0-3 ans.",
        ["theatre"],
    ),
    (
        ResourceKind.LINK,
        "Portail de la Bibliothèque départementale du Val-d'Oise",
        "Le catalogue, les expositions et les malles prêtées aux bibliothèques du département.",
        ["livre-lecture"],
    ),
    (
        ResourceKind.LINK,
        "Caf.fr : fonds et appels à projets petite enfance",
        "Les aides de la CAF aux lieux d'accueil du jeune enfant et aux actions de parentalité.",
        [],
    ),
    (
        ResourceKind.GUIDE,
        "Associer les parents aux ateliers artistiques",
        "Inviter, accueillir, laisser sa place au parent : ce que les structures du réseau ont appris.",
        [],
    ),
    (
        ResourceKind.TOOL,
        "Carte des lieux culturels accessibles aux poussettes",
        "Les lieux culturels du Val-d'Oise où l'on entre facilement avec une poussette.",
        [],
    ),
    (
        ResourceKind.GUIDE,
        "Marionnettes et théâtre d'objets avec les tout-petits",
        "Fabriquer et manipuler des marionnettes simples avec les enfants et les parents.",
        ["marionnette"],
    ),
]

# title, summary, disciplines (named in the text), types of the organisations that run it
PRACTICES = [
    (
        "Des lectures d'albums en salle d'attente de PMI",
        "Chaque semaine, une bibliothécaire lit des albums aux familles qui attendent leur consultation.",
        ["livre-lecture"],
        ["pmi", "mediatheque"],
    ),
    (
        "Un musicien en résidence au multi-accueil",
        "Pendant trois mois, un violoncelliste fait vivre l'éveil musical au quotidien des enfants et des équipes.",
        ["musique"],
        ["eaje", "conservatoire"],
    ),
    (
        "Visites sensorielles du musée pour les bébés",
        "Des visites courtes, pieds nus sur des tapis, pour découvrir les peintures et les sculptures du musée par les sens.",
        ["patrimoine", "arts-plastiques"],
        ["musee"],
    ),
    (
        "Un spectacle très jeune public en tournée dans les RPE",
        "Une compagnie de théâtre joue son spectacle dans les relais petite enfance de l'intercommunalité.",
        ["theatre"],
        ["compagnie", "theatre", "rpe"],
    ),
    (
        "Des comptines collectées auprès des familles",
        "Les parents transmettent les comptines de leur enfance, chantées, enregistrées et partagées.",
        ["chant"],
        ["centre-social", "laep", "rpe"],
    ),
    (
        "Danse et motricité libre en crèche",
        "Une danseuse propose des temps de mouvement avec les bébés et forme les équipes.",
        ["danse"],
        ["eaje", "compagnie"],
    ),
    (
        "La malle de lecture partagée entre relais",
        "Une malle d'albums, de tapis et de coussins de lecture circule de relais en relais.",
        ["livre-lecture"],
        ["rpe", "collectivite", "mediatheque"],
    ),
    (
        "Des ateliers d'arts plastiques en pouponnière",
        "Une plasticienne anime des ateliers de découverte des matières et des couleurs avec les enfants accueillis.",
        ["arts-plastiques"],
        ["protection-enfance"],
    ),
    (
        "Le cinéma des tout-petits",
        "Des séances de courts métrages adaptés aux 2-6 ans, lumière tamisée et son doux.",
        ["cinema-image"],
        ["cinema", "mediatheque"],
    ),
    (
        "Un jardin sonore dans la cour de la crèche",
        "Des instruments de musique d'extérieur construits avec un luthier et les parents.",
        ["musique"],
        ["eaje"],
    ),
    (
        "Théâtre d'objets au LAEP",
        "Une comédienne propose aux parents et aux enfants de jouer avec des objets du quotidien, comme des marionnettes.",
        ["theatre", "marionnette"],
        ["laep", "compagnie"],
    ),
    (
        "Formation conjointe artistes et professionnels de la petite enfance",
        "Trois jours de formation commune pour préparer les interventions artistiques : musique, danse et lecture.",
        ["musique", "danse", "livre-lecture"],
        ["collectivite", "service-culturel"],
    ),
]
CONTEXTS = [
    "<p>Le quartier compte peu d'équipements culturels et les familles fréquentent rarement la médiathèque.</p><p>Les équipes souhaitaient faire entrer l'art dans le quotidien des enfants.</p>",
    "<p>Le projet est né d'une rencontre du réseau entre une compagnie et un relais petite enfance.</p>",
    "<p>Les professionnelles avaient exprimé le besoin d'être formées avant d'accueillir un artiste.</p>",
]
WHAT_WAS_DONE = [
    "<p>Douze séances d'une heure, le matin, en petits groupes de six enfants.</p><ul><li>un temps d'accueil en musique ;</li><li>une proposition artistique ;</li><li>un temps libre d'exploration.</li></ul>",
    "<p>Une résidence en trois temps : observation, ateliers avec les enfants, restitution avec les familles.</p>",
    "<p>Des rendez-vous réguliers, toujours le même jour, pour que les enfants et les parents prennent leurs repères.</p>",
]
REPLICATION = [
    "<p>Prévoir un temps de préparation avec l'équipe avant la première séance et un espace calme.</p>",
    "<p>Un budget modeste suffit ; l'essentiel est la régularité et l'adhésion de l'équipe.</p>",
]
LESSONS = [
    "<p>Les enfants les plus réservés se sont peu à peu approchés ; les parents ont demandé à revenir.</p>",
    "<p>La présence de l'artiste a changé le regard des professionnelles sur les capacités des tout-petits.</p>",
    "<p>Associer les parents dès le début a fait toute la différence.</p>",
]
DURATIONS = ["Trois mois", "Une année scolaire", "Six séances", "Une semaine", "Deux ans"]


def seed(*, scale: int, log) -> None:
    """Create the demo watch, dossiers, projects, resources and practices (idempotent)."""
    rng = random.Random(5)
    ctx = _context()
    opportunities = _opportunities(rng, ctx, count=OPPORTUNITIES_PER_SCALE * scale)
    projects = _projects(rng, ctx, count=PROJECTS_PER_SCALE * scale)
    _dossiers(rng, ctx, opportunities, projects, count=DOSSIERS_PER_SCALE * scale)
    _resources(rng, ctx, count=RESOURCES_PER_SCALE * scale)
    _practices(rng, ctx, projects, count=PRACTICES_PER_SCALE * scale)
    _demo_partner(opportunities)
    _digest_subscribers(ctx)
    log(
        f"Projets : {Opportunity.objects.count()} financements, {Dossier.objects.count()} dossiers, "
        f"{Project.objects.count()} projets ({Project.objects.experiments().count()} "
        f"expérimentations), {Resource.objects.count()} ressources, "
        f"{Practice.objects.published().count()} bonnes pratiques publiées, "
        f"{Person.objects.filter(wants_digest=True).count()} abonnés à la lettre de veille"
    )


def _context() -> dict:
    """The vocabularies, the territory, the organisations with their active people."""
    people_of = {}
    affiliations = Affiliation.objects.filter(
        status=AffiliationStatus.ACTIVE,
        person__status=PersonStatus.ACTIVE,
        organization__status=OrganizationStatus.ACTIVE,
    ).order_by("pk")
    for organization_id, person_id in affiliations.values_list("organization_id", "person_id"):
        people_of.setdefault(organization_id, []).append(person_id)
    organizations = list(
        Organization.objects.filter(pk__in=people_of)
        .select_related("commune", "type")
        .order_by("pk")
    )
    return {
        "types": list(OrganizationType.objects.order_by("pk")),
        "disciplines": list(Discipline.objects.order_by("pk")),
        "discipline": {d.slug: d for d in Discipline.objects.all()},
        "ages": list(AgeGroup.objects.order_by("pk")),
        "themes": list(Theme.objects.order_by("pk")),
        "epcis": list(Epci.objects.order_by("siren")),
        "communes": list(Commune.objects.order_by("-population")[:60]),
        "groups": list(WorkingGroup.objects.filter(archived_at__isnull=True).order_by("pk")),
        "organizations": organizations,
        "people_of": people_of,
        "users_of": dict(Person.objects.values_list("pk", "user_id")),
        "coordinator": User.objects.filter(email=COORDINATION).first(),
        "now": timezone.now(),
        "today": timezone.localdate(),
    }


def _new(model, rows):
    """The rows whose slug is not taken yet, created in bulk (their pks set)."""
    taken = set(
        model.objects.filter(slug__in=[r.slug for r in rows]).values_list("slug", flat=True)
    )
    new = [row for row in rows if row.slug not in taken]
    model.objects.bulk_create(new)
    return new


def _link(relation, objects, choose) -> None:
    """Fill the M2M `relation` (e.g. Opportunity.themes) of `objects` with `choose(obj)`."""
    through = relation.through
    source = relation.field.m2m_field_name()
    target = relation.field.m2m_reverse_field_name()
    through.objects.bulk_create(
        [
            through(**{f"{source}_id": obj.pk, f"{target}_id": item.pk})
            for obj in objects
            for item in choose(obj)
        ],
        ignore_conflicts=True,
    )


def _some(rng, items, low, high):
    return rng.sample(items, min(len(items), rng.randint(low, high)))


# --- Opportunities -----------------------------------------------------------------------


def _opportunity_row(rng, ctx, index) -> Opportunity:
    kind, title, funder, summary, link = OPPORTUNITIES[index % len(OPPORTUNITIES)]
    edition = index // len(OPPORTUNITIES)
    today = ctx["today"]
    if edition:  # beyond one département's calls (--scale): the next years' editions
        title = f"{title} {today.year + edition}"
    # One in five closes within ten days; others spread from two months ago to five ahead.
    offset = rng.randint(2, 10) if index % 5 == 0 else rng.randint(-60, 150)
    deadline = today + timedelta(days=offset)
    draft = index % 10 == 9
    low = rng.choice([1000, 2000, 5000, 10000])
    return Opportunity(
        title=title,
        slug=f"{slugify(title)[:200]}-{index + 1}",
        kind=kind,
        funder=funder,
        summary=summary,
        description=(
            f"<p>{summary}</p><p>Les dossiers sont à déposer en ligne avant la date limite. "
            "La coordination du réseau peut relire votre candidature.</p>"
        ),
        link=link,
        amount_min=low if kind != OpportunityKind.OTHER else None,
        amount_max=low * rng.choice([2, 3, 5]) if kind != OpportunityKind.OTHER else None,
        opens_on=deadline - timedelta(days=rng.randint(30, 90)),
        deadline=deadline,
        status=PublicationStatus.DRAFT if draft else PublicationStatus.PUBLISHED,
        published_at=None if draft else ctx["now"] - timedelta(days=rng.randint(0, 60)),
        is_public=index % 3 == 0,
        created_by=ctx["coordinator"],
    )


def _opportunities(rng, ctx, *, count) -> list[Opportunity]:
    rows = [_opportunity_row(rng, ctx, index) for index in range(count)]
    new = _new(Opportunity, rows)
    # Eligibility: an empty set means "no restriction"; about half restrict each criterion.
    _link(Opportunity.eligible_types, new, lambda o: _some(rng, ctx["types"], 0, 4))
    _link(Opportunity.eligible_disciplines, new, lambda o: _some(rng, ctx["disciplines"], 0, 2))
    _link(Opportunity.eligible_ages, new, lambda o: _some(rng, ctx["ages"], 0, 2))
    _link(Opportunity.eligible_epcis, new, lambda o: _epcis_of(rng, ctx, o))
    _link(Opportunity.themes, new, lambda o: _some(rng, ctx["themes"], 1, 2))
    OpportunitySector.objects.bulk_create(
        [
            OpportunitySector(opportunity=o, sector=sector)
            for o in new
            for sector in _some(rng, list(Sector.values), 0, 2)
        ],
        ignore_conflicts=True,
    )
    return list(
        Opportunity.objects.filter(slug__in=[r.slug for r in rows])
        .prefetch_related("eligible_types", "eligible_epcis")
        .order_by("pk")
    )


def _epcis_of(rng, ctx, opportunity):
    # Most are open to the whole département; a third target one or two EPCIs.
    return _some(rng, ctx["epcis"], 1, 2) if rng.random() < 0.35 else []


# --- Projects and experiments ------------------------------------------------------------


def _project_row(rng, ctx, index, experiment) -> Project:
    title, summary, disciplines = PROJECT_TITLES[index % len(PROJECT_TITLES)]
    commune = ctx["communes"][index % len(ctx["communes"])]
    title = f"{title} {at_place(commune.name)}"
    starts_on = ctx["today"] + timedelta(days=rng.randint(-700, 90))
    status = _project_status(rng, starts_on, ctx["today"])
    project = Project(
        title=title,
        slug=f"{slugify(title)[:200]}-{index + 1}",
        summary=summary,
        description=(
            f"<p>{summary}</p><p>Le projet associe une structure culturelle et des lieux "
            "d'accueil de la petite enfance, avec les familles.</p>"
        ),
        working_group=rng.choice(ctx["groups"]) if ctx["groups"] and rng.random() < 0.4 else None,
        starts_on=starts_on,
        ends_on=starts_on + timedelta(days=rng.randint(60, 400)),
        budget=rng.choice([1500, 4000, 8000, 12000, 25000]),
        funding_sources=rng.choice(
            ["DRAC Île-de-France, Département", "CAF du Val-d'Oise", "Fonds propres, mécénat"]
        ),
        status=status,
        is_experiment=experiment,
        hypothesis=rng.choice(HYPOTHESES) if experiment else "",
        protocol=(
            "<p>Deux groupes comparables, l'un avec l'intervention, l'autre sans.</p>"
            "<ul><li>questionnaire aux équipes avant et après ;</li>"
            "<li>observation de trois séances ;</li><li>entretiens avec les parents.</li></ul>"
            if experiment
            else ""
        ),
        created_by=ctx["coordinator"],
    )
    project.seed_commune = commune  # its territory and arts, linked below
    project.seed_disciplines = [ctx["discipline"][slug] for slug in disciplines]
    return project


def _project_status(rng, starts_on, today) -> str:
    if starts_on > today:
        return ProjectStatus.PLANNED
    if rng.random() < 0.08:
        return ProjectStatus.ABANDONED
    return ProjectStatus.FINISHED if (today - starts_on).days > 365 else ProjectStatus.RUNNING


def _projects(rng, ctx, *, count) -> list[Project]:
    # The experiments are spread: every third project of each block of one département
    # until there are enough (block by block, so that scaling up keeps the first block).
    rows = []
    for index in range(count):
        position = index % PROJECTS_PER_SCALE
        experiment = position % 3 == 0 and position // 3 < EXPERIMENTS_PER_SCALE
        rows.append(_project_row(rng, ctx, index, experiment=experiment))
    new = _new(Project, rows)
    _project_partners(rng, ctx, new)
    _link(Project.age_groups, new, lambda p: _some(rng, ctx["ages"], 1, 2))
    _link(Project.disciplines, new, lambda p: p.seed_disciplines)
    _link(Project.themes, new, lambda p: _some(rng, ctx["themes"], 1, 2))
    _link(Project.communes, new, lambda p: [p.seed_commune])
    return list(Project.objects.filter(slug__in=[r.slug for r in rows]).order_by("pk"))


def _project_partners(rng, ctx, projects) -> None:
    if not ctx["organizations"]:
        return
    rows = []
    for project in projects:
        partners = _some(rng, ctx["organizations"], 2, 4)
        roles = [PartnerRole.LEAD, PartnerRole.PARTNER, PartnerRole.HOST, PartnerRole.PARTNER]
        rows += [
            ProjectPartner(project=project, organization=org, role=role)
            for org, role in zip(partners, roles, strict=False)
        ]
    ProjectPartner.objects.bulk_create(rows, ignore_conflicts=True)


# --- Dossiers ----------------------------------------------------------------------------


def _dossiers(rng, ctx, opportunities, projects, *, count) -> None:
    missing = count - Dossier.objects.count()
    if missing <= 0 or not ctx["organizations"]:
        return
    opportunities = [
        o for o in opportunities if o.status == PublicationStatus.PUBLISHED and o.deadline
    ]
    partners_of = {}
    for project_id, organization_id in ProjectPartner.objects.values_list(
        "project_id", "organization_id"
    ):
        partners_of.setdefault(organization_id, []).append(project_id)
    ctx = {**ctx, "projects_of": partners_of, "projects": {p.pk: p for p in projects}}
    start = Dossier.objects.count()
    paths = _stage_paths(count)
    plans = [
        _dossier_plan(rng, ctx, opportunities, paths[index])
        for index in range(start, start + missing)
    ]
    Dossier.objects.bulk_create([plan["dossier"] for plan in plans])
    _dossier_details(rng, ctx, plans)


def _stage_paths(count) -> list[list[str]]:
    """The path of each of `count` dossiers, in the shares of STAGE_SHARES (shuffled the
    same way on every run); closed dossiers were closed from every possible step in turn."""
    block = [status for status, share in STAGE_SHARES.items() for _ in range(share)]
    random.Random(40).shuffle(block)
    statuses = (block * (count // len(block) + 1))[:count]
    paths, closed = [], 0
    for status in statuses:
        if status == D.CLOSED:
            paths.append([*PIPELINES[CLOSED_FROM[closed % len(CLOSED_FROM)]], D.CLOSED])
            closed += 1
        else:
            paths.append(PIPELINES[status])
    return paths


def _dossier_kind(rng, organization) -> str:
    """A kind of dossier this type of organisation files."""
    slug = organization.type.slug
    if slug in PARTNERSHIP_ONLY_TYPES:
        return DossierKind.PARTNERSHIP
    kinds = [DossierKind.CALL_FOR_PROJECTS, DossierKind.PARTNERSHIP]
    if slug not in NO_SUBSIDY_TYPES:
        kinds += [DossierKind.SUBSIDY, DossierKind.SUBSIDY]
    if slug in FESTIVAL_TYPES:
        kinds.append(DossierKind.FESTIVAL)
    return rng.choice(kinds)


def _dossier_plan(rng, ctx, opportunities, path) -> dict:
    """The dossier (dated from its creation), its owners, its path and its key dates."""
    organization = rng.choice(ctx["organizations"])
    owners = _some(rng, ctx["people_of"][organization.pk], 1, 2)
    kind = _dossier_kind(rng, organization)
    opportunity = _dossier_opportunity(rng, ctx, opportunities, path, kind, organization)
    submission = opportunity.deadline if opportunity else _submission_date(rng, ctx, path)
    moments = _timeline(rng, ctx, path, submission)
    funder = opportunity.funder if opportunity else _funder(rng, ctx, kind, organization)
    requested = rng.choice(AMOUNTS[kind])
    title = f"{DOSSIER_LABELS[kind]} – {funder}"
    if kind != DossierKind.PARTNERSHIP:
        title = f"{title} {submission.year}"
    own_projects = ctx["projects_of"].get(organization.pk, [])
    dossier = Dossier(
        organization=organization,
        title=title,
        kind=kind,
        status=path[-1],
        opportunity=opportunity,
        project=ctx["projects"].get(rng.choice(own_projects))
        if own_projects and rng.random() < 0.5
        else None,
        funder=funder,
        amount_requested=requested,
        amount_granted=int(requested * rng.choice([0.6, 0.8, 1])) if D.GRANTED in path else None,
        notes="Relancer le service instructeur si pas de nouvelles sous quinze jours."
        if kind != DossierKind.PARTNERSHIP
        else "Caler les dates des interventions avec l'équipe avant la signature.",
        created_by_id=ctx["users_of"].get(owners[0]),
        created_at=moments[0],
    )
    dossier.updated_at = moments[-1]  # bulk_create stamps now: set again afterwards
    return {
        "dossier": dossier,
        "owners": owners,
        "path": path,
        "moments": moments,
        "submission": submission,
    }


def _funder(rng, ctx, kind, organization) -> str:
    """Whom a dossier filed outside any call is sent to: a partner of the other sector for
    a partnership, else a usual funder or the organisation's town (unless it is the town)."""
    if kind == DossierKind.PARTNERSHIP:
        others = [o for o in ctx["organizations"] if o.sector != organization.sector]
        near = [o for o in others if o.commune.epci_id == organization.commune.epci_id]
        return rng.choice(near or others or ctx["organizations"]).name
    funders = list(FUNDERS_OF_KIND[kind])
    if organization.type.slug not in {"collectivite", "service-culturel"}:
        funders.append(f"Ville {of_place(organization.commune.name)}")
    return rng.choice(funders)


def _eligible(opportunity, organization) -> bool:
    types = {t.pk for t in opportunity.eligible_types.all()}
    epcis = {e.pk for e in opportunity.eligible_epcis.all()}
    return (not types or organization.type_id in types) and (
        not epcis or organization.commune.epci_id in epcis
    )


def _dossier_opportunity(rng, ctx, opportunities, path, kind, organization):
    """Most dossiers answer a call of their kind, open to their organisation, whose deadline
    fits their progress: still ahead while at the idea or in preparation, past once filed
    (long enough past to have an answer)."""
    if rng.random() >= 0.6:
        return None
    today = ctx["today"]
    if path[-1] in BEFORE_SUBMISSION:
        fitting = [o for o in opportunities if o.deadline >= today]
    elif D.GRANTED in path or D.REFUSED in path:
        fitting = [o for o in opportunities if o.deadline <= today - timedelta(days=ANSWER_DAYS)]
    else:
        fitting = [o for o in opportunities if o.deadline < today]
    fitting = [
        o
        for o in fitting
        if KIND_OF_OPPORTUNITY[o.kind] == kind and kind != DossierKind.PARTNERSHIP
        if _eligible(o, organization)
    ]
    return rng.choice(fitting) if fitting else None


def _submission_date(rng, ctx, path):
    """Ahead while the dossier is being written, past once it was filed (or given up)."""
    if path[-1] in BEFORE_SUBMISSION:
        return ctx["today"] + timedelta(days=rng.randint(5, 60))
    return ctx["today"] - timedelta(days=rng.randint(ANSWER_DAYS, 150))


def _timeline(rng, ctx, path, submission) -> list:
    """When each status of `path` was reached, the creation first, in order and in the
    past; a dossier was filed on or a few days before its submission date."""
    now = ctx["now"]
    if D.SUBMITTED not in path:
        created = now - timedelta(days=rng.randint(20, 300))
        return [created, *_between(rng, created, now, len(path) - 1)]
    filed = min(_morning(submission - timedelta(days=rng.randint(0, 3))), now)
    created = filed - timedelta(days=rng.randint(30, 150))
    filing = path.index(D.SUBMITTED)
    before = _between(rng, created, filed, filing - 1)
    after = _between(rng, filed, now, len(path) - filing - 1)
    return [created, *before, filed, *after]


def _between(rng, start, end, count) -> list:
    """`count` moments between `start` and `end`, in order."""
    return sorted(start + (end - start) * rng.uniform(0.05, 0.95) for _ in range(count))


def _morning(day):
    return timezone.make_aware(datetime.combine(day, time(10)))


def _dossier_details(rng, ctx, plans) -> None:
    """Owners, history consistent with the status, key dates and the checklist."""
    owners, steps, deadlines, documents = [], [], [], []
    for plan in plans:
        dossier = plan["dossier"]
        owners += [
            Dossier.owners.through(dossier_id=dossier.pk, person_id=p) for p in plan["owners"]
        ]
        steps += _history(ctx, plan)
        deadlines += _key_dates(rng, ctx, plan)
        documents += _checklist(rng, plan)
    Dossier.objects.bulk_update([plan["dossier"] for plan in plans], ["updated_at"])
    Dossier.owners.through.objects.bulk_create(owners, ignore_conflicts=True)
    DossierTransition.objects.bulk_create(steps)
    DossierDeadline.objects.bulk_create(deadlines)
    DossierDocument.objects.bulk_create(documents)


def _history(ctx, plan) -> list[DossierTransition]:
    """As the services write it: the creation ("" → idée), then one row per step."""
    dossier, actor, path = plan["dossier"], ctx["users_of"].get(plan["owners"][0]), plan["path"]
    return [
        DossierTransition(
            dossier=dossier,
            from_status=previous,
            to_status=current,
            actor_id=actor,
            comment="Réponse reçue par courrier." if current in {D.GRANTED, D.REFUSED} else "",
            created_at=moment,
        )
        for previous, current, moment in zip(["", *path[:-1]], path, plan["moments"], strict=True)
    ]


def _key_dates(rng, ctx, plan) -> list[DossierDeadline]:
    dossier = plan["dossier"]
    label = "Date limite de l'appel" if dossier.opportunity else ""
    rows = [
        DossierDeadline(
            dossier=dossier, kind=DeadlineKind.SUBMISSION, label=label, due_on=plan["submission"]
        )
    ]
    if dossier.status in {D.GRANTED, D.REPORT_DUE}:
        rows.append(
            DossierDeadline(
                dossier=dossier,
                kind=DeadlineKind.REPORT,
                label="Bilan financier et qualitatif",
                due_on=ctx["today"] + timedelta(days=rng.randint(5, 120)),
            )
        )
    return rows


def _checklist(rng, plan) -> list[DossierDocument]:
    dossier = plan["dossier"]
    ready = D.SUBMITTED in plan["path"]  # filed: every piece was ready
    return [
        DossierDocument(
            dossier=dossier, label=label, is_done=ready or rng.random() < 0.4, position=position
        )
        for position, label in enumerate(
            CHECKLISTS.get(dossier.kind, CHECKLIST)[: rng.randint(3, 5)]
        )
    ]


# --- Resources ---------------------------------------------------------------------------


def _resource_row(rng, ctx, index) -> Resource:
    kind, title, summary, disciplines = RESOURCES[index % len(RESOURCES)]
    edition = index // len(RESOURCES)
    if edition:  # beyond one département's resources (--scale): earlier editions
        title = f"{title} (édition {ctx['today'].year - edition})"
    slug = f"{slugify(title)[:200]}-{index + 1}"
    draft = index % 8 == 7
    has_file = kind in {ResourceKind.TEMPLATE, ResourceKind.TOOL} and index % 2 == 0
    resource = Resource(
        title=title,
        slug=slug,
        kind=kind,
        summary=summary,
        url="" if has_file else _resource_url(kind, slug),
        file=_resource_file(f"{slug[:60]}-{index + 1}", title, summary, pdf=index % 4 == 0)
        if has_file
        else "",
        is_public=rng.random() < 0.6,
        status=PublicationStatus.DRAFT if draft else PublicationStatus.PUBLISHED,
        published_at=None if draft else ctx["now"] - timedelta(days=rng.randint(0, 200)),
        created_by=ctx["coordinator"],
    )
    resource.seed_disciplines = [ctx["discipline"][slug] for slug in disciplines]
    return resource


def _resource_url(kind, slug) -> str:
    if kind == ResourceKind.VIDEO:
        return f"https://videos.consortium95.fr/{slug}"
    return f"https://ressources.consortium95.fr/{slug}"


def _resource_file(slug, title, summary, *, pdf: bool) -> str:
    """Store a small real file (a one-page PDF or a text file); returns its name."""
    year = timezone.localdate().year
    name = f"ressources/{year}/{slug}.{'pdf' if pdf else 'txt'}"
    if not default_storage.exists(name):
        text = f"{title}\n\n{summary}\n"
        content = minimal_pdf(title) if pdf else text.encode()
        name = default_storage.save(name, ContentFile(content))
    return name


def minimal_pdf(text: str) -> bytes:
    """A valid one-page PDF showing `text` in Helvetica (WinAnsi: French accents), with its
    cross-reference table."""
    escaped = text.replace("\\", "\\\\").replace("(", "\\(").replace(")", "\\)")
    stream = b"BT /F1 14 Tf 60 780 Td (%s) Tj ET" % escaped.encode("cp1252", "replace")
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] "
        b"/Resources << /Font << /F1 5 0 R >> >> /Contents 4 0 R >>",
        b"<< /Length %d >>\nstream\n%s\nendstream" % (len(stream), stream),
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
    ]
    out = io.BytesIO()
    out.write(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(out.tell())
        out.write(b"%d 0 obj\n%s\nendobj\n" % (number, body))
    xref = out.tell()
    out.write(b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1))
    out.writelines(b"%010d 00000 n \n" % offset for offset in offsets)
    out.write(b"trailer\n<< /Size %d /Root 1 0 R >>\n" % (len(objects) + 1))
    out.write(b"startxref\n%d\n%%%%EOF\n" % xref)
    return out.getvalue()


def _resources(rng, ctx, *, count) -> None:
    new = _new(Resource, [_resource_row(rng, ctx, index) for index in range(count)])
    _link(Resource.themes, new, lambda r: _some(rng, ctx["themes"], 1, 2))
    _link(Resource.age_groups, new, lambda r: _some(rng, ctx["ages"], 0, 2))
    _link(Resource.disciplines, new, lambda r: r.seed_disciplines)


# --- Best practices ----------------------------------------------------------------------

# The status of the index-th practice beyond the published ones (a few per scale).
UNDER_REVIEW = [
    PracticeStatus.SUBMITTED,
    PracticeStatus.DRAFT,
    PracticeStatus.CHANGES_REQUESTED,
    PracticeStatus.WITHDRAWN,
]


def _practice_row(rng, placing, ctx, projects, index, status, taken) -> Practice:
    theme, summary, disciplines, types = PRACTICES[index % len(PRACTICES)]
    organization = _practice_organization(placing, ctx, types, theme, taken)
    commune = organization.commune if organization else ctx["communes"][index % 60]
    title = f"{theme} ({commune.name})"
    taken.add(title)
    people = ctx["people_of"].get(organization.pk, []) if organization else []
    published = status in {PracticeStatus.PUBLISHED, PracticeStatus.WITHDRAWN}
    practice = Practice(
        title=title,
        slug=f"{slugify(theme)[:200]}-{index + 1}",  # by position: the commune may change
        summary=summary,
        context=rng.choice(CONTEXTS),
        what_was_done=rng.choice(WHAT_WAS_DONE),
        partners=f"{organization.name if organization else 'Une structure du réseau'}, "
        "le relais petite enfance et la médiathèque de la commune",
        sector=organization.sector if organization else Sector.EARLY_CHILDHOOD,
        duration=rng.choice(DURATIONS),
        budget_range=rng.choice(list(BudgetRange.values)),
        replication=rng.choice(REPLICATION),
        lessons=rng.choice(LESSONS),
        contact="eveil-artistique@valdoise.fr",
        project=rng.choice(projects) if projects and rng.random() < 0.3 else None,
        organization=organization,
        proposed_by_id=people[0] if people else None,
        status=status,
        published_at=ctx["now"] - timedelta(days=rng.randint(1, 400)) if published else None,
    )
    practice.seed_commune = commune  # its territory and arts, linked below
    practice.seed_disciplines = [ctx["discipline"][slug] for slug in disciplines]
    return practice


def _practice_organization(rng, ctx, types, title, taken):
    """An organisation of one of the types that run such a practice, in a commune that has
    no sheet of that title yet (any organisation when those run out)."""
    fitting = [o for o in ctx["organizations"] if o.type.slug in types]
    for candidates in (fitting, ctx["organizations"]):
        fresh = [o for o in candidates if f"{title} ({o.commune.name})" not in taken]
        if fresh:
            return rng.choice(fresh)
    return rng.choice(ctx["organizations"]) if ctx["organizations"] else None


def _practices(rng, ctx, projects, *, count) -> None:
    # Block by block (one per scale): the published sheets, then a few under review.
    block = [PracticeStatus.PUBLISHED] * PRACTICES_PER_SCALE + UNDER_REVIEW
    statuses = block * (count // PRACTICES_PER_SCALE)
    # Titles name the commune of the organisation chosen: chosen with a generator of their
    # own, so that a second run (where earlier steps draw less) finds the same slugs.
    placing, taken = random.Random(30), set()
    rows = [
        _practice_row(rng, placing, ctx, projects, index, status, taken)
        for index, status in enumerate(statuses)
    ]
    new = _new(Practice, rows)
    _link(Practice.communes, new, lambda p: [p.seed_commune])
    _link(
        Practice.epcis, new, lambda p: [e for e in ctx["epcis"] if e.pk == p.seed_commune.epci_id]
    )
    _link(Practice.age_groups, new, lambda p: _some(rng, ctx["ages"], 1, 3))
    _link(Practice.disciplines, new, lambda p: p.seed_disciplines)
    _link(Practice.themes, new, lambda p: _some(rng, ctx["themes"], 1, 2))
    _practice_history(ctx, new)
    _practice_images([p for p in new if p.status == PracticeStatus.PUBLISHED][::5])


def _practice_history(ctx, practices) -> None:
    """Proposed by its author, then published by the coordination (when it was)."""
    coordinator_id = ctx["coordinator"].pk if ctx["coordinator"] else None
    rows = []
    for practice in practices:
        if practice.status == PracticeStatus.DRAFT:
            continue
        author = ctx["users_of"].get(practice.proposed_by_id)
        proposed_at = (practice.published_at or ctx["now"]) - timedelta(days=10)
        rows.append(
            _step(practice, PracticeStatus.DRAFT, PracticeStatus.SUBMITTED, author, proposed_at)
        )
        for previous, current, comment in _review_steps(practice.status):
            rows.append(_step(practice, previous, current, coordinator_id, proposed_at, comment))
    PracticeTransition.objects.bulk_create(rows)


def _review_steps(status) -> list[tuple[str, str, str]]:
    P = PracticeStatus
    if status == P.CHANGES_REQUESTED:
        return [(P.SUBMITTED, P.CHANGES_REQUESTED, "Pouvez-vous préciser le budget et la durée ?")]
    if status == P.PUBLISHED:
        return [(P.SUBMITTED, P.PUBLISHED, "")]
    if status == P.WITHDRAWN:
        return [
            (P.SUBMITTED, P.PUBLISHED, ""),
            (P.PUBLISHED, P.WITHDRAWN, "Fiche à mettre à jour avec la nouvelle édition."),
        ]
    return []


def _step(practice, previous, current, actor_id, moment, comment="") -> PracticeTransition:
    return PracticeTransition(
        practice=practice,
        from_status=previous,
        to_status=current,
        actor_id=actor_id,
        comment=comment,
        created_at=moment + timedelta(days=1 if current == PracticeStatus.SUBMITTED else 5),
    )


def _practice_images(practices) -> None:
    rows = []
    for practice in practices:
        # FileField names hold 100 characters: a short, still unique name.
        name = f"bonnes-pratiques/demo/{practice.slug[:40]}-{practice.pk}.png"
        if not default_storage.exists(name):
            name = default_storage.save(name, ContentFile(demo_png(practice.pk)))
        rows.append(
            PracticeImage(
                practice=practice,
                image=name,
                alt_text=f"Illustration de la fiche « {practice.title} » : formes colorées.",
                caption="Image d'illustration.",
            )
        )
    PracticeImage.objects.bulk_create(rows)


def demo_png(seed: int) -> bytes:
    """A small illustration (coloured circles on a light background), as PNG bytes."""
    from PIL import Image, ImageDraw

    rng = random.Random(seed)
    image = Image.new("RGB", (480, 320), (250, 246, 238))
    draw = ImageDraw.Draw(image)
    palette = [(31, 78, 90), (224, 122, 95), (242, 204, 143), (129, 178, 154)]
    for _ in range(7):
        x, y, r = rng.randint(0, 480), rng.randint(0, 320), rng.randint(30, 90)
        draw.ellipse((x - r, y - r, x + r, y + r), fill=rng.choice(palette))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return out.getvalue()


# --- The demo partner --------------------------------------------------------------------


def _demo_partner(opportunities) -> None:
    """The demo partner follows two opportunities closing soon and owns a dossier."""
    person = Person.objects.filter(user__email=DEMO_PARTNER, status=PersonStatus.ACTIVE).first()
    if person is None:
        return
    today = timezone.localdate()
    soon = [
        o
        for o in opportunities
        if o.status == PublicationStatus.PUBLISHED
        and today <= o.deadline <= today + timedelta(days=10)
    ]
    for opportunity in soon[:2]:
        OpportunityFollow.objects.get_or_create(opportunity=opportunity, person=person)
    organization = person.organizations.order_by("pk").first()
    if organization is None:
        return
    dossier = organization.dossiers.order_by("pk").first()
    if dossier is None:
        dossier = _partner_dossier(person, organization)
    dossier.owners.add(person)


def _partner_dossier(person, organization) -> Dossier:
    """A subsidy request she started twelve days ago and has been preparing for a week."""
    today, started = timezone.localdate(), timezone.now() - timedelta(days=12)
    prepared = started + timedelta(days=5)
    dossier = Dossier.objects.create(
        organization=organization,
        title=f"Demande de subvention – Département du Val-d'Oise {today.year}",
        kind=DossierKind.SUBSIDY,
        status=DossierStatus.PREPARING,
        funder="Département du Val-d'Oise",
        amount_requested=3500,
        created_by=person.user,
        created_at=started,
    )
    Dossier.objects.filter(pk=dossier.pk).update(updated_at=prepared)
    DossierTransition.objects.bulk_create(
        [
            DossierTransition(
                dossier=dossier,
                from_status="",
                to_status=D.IDEA,
                actor=person.user,
                created_at=started,
            ),
            DossierTransition(
                dossier=dossier,
                from_status=D.IDEA,
                to_status=D.PREPARING,
                actor=person.user,
                created_at=prepared,
            ),
        ]
    )
    DossierDeadline.objects.create(
        dossier=dossier, kind=DeadlineKind.SUBMISSION, due_on=today + timedelta(days=21)
    )
    return dossier


# --- The weekly digest ---------------------------------------------------------------------


def _digest_subscribers(ctx) -> None:
    """About a third of the active members, and the demo partner, asked for the weekly
    digest, with the consent wording of their preferences page, so that it can be shown.
    Whoever already has a digest consent record (either way) is left as they chose."""
    members = sorted({pk for people in ctx["people_of"].values() for pk in people})
    partner = Person.objects.filter(user__email=DEMO_PARTNER, status=PersonStatus.ACTIVE)
    chosen = set(members[::3]) | set(partner.values_list("pk", flat=True))
    decided = ConsentRecord.objects.filter(purpose=ConsentPurpose.DIGEST)
    new = sorted(chosen - set(decided.values_list("person_id", flat=True)))
    Person.objects.filter(pk__in=new).update(wants_digest=True, updated_at=ctx["now"])
    wording = CONSENTS[ConsentPurpose.DIGEST]
    ConsentRecord.objects.bulk_create(
        ConsentRecord(
            person_id=pk,
            purpose=ConsentPurpose.DIGEST,
            given=True,
            wording_version=wording.version,
            wording=wording.text(),
        )
        for pk in new
    )
