"""Demo network: organisations in every EPCI, people, working groups, actions, needs.

Deterministic (a fixed random seed) and idempotent: rows are keyed by slug or e-mail,
created in bulk, and existing ones are left as they are.
"""

import random
from datetime import timedelta

from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from consortium.core.models import User
from consortium.core.seed import PENDING_PARTNER, at_place, of_place

from .enums import (
    ActionStatus,
    AffiliationStatus,
    GroupMembershipStatus,
    NeedStatus,
    OrganizationStatus,
    PersonStatus,
    Sector,
)
from .models import (
    Action,
    Affiliation,
    AgeGroup,
    Commune,
    Discipline,
    Epci,
    GroupMembership,
    Need,
    NeedSupport,
    NeedTag,
    Organization,
    OrganizationType,
    Person,
    Theme,
    WorkingGroup,
)

# First names by grammatical gender of the person; job titles agree with it. Epicene
# names (Camille, Dominique) get only titles that are the same in both genders.
FEMININE_NAMES = [
    "Léa",
    "Manon",
    "Chloé",
    "Inès",
    "Sarah",
    "Julie",
    "Emma",
    "Nadia",
    "Fatou",
    "Sophie",
    "Aïcha",
    "Claire",
    "Hélène",
    "Mélanie",
    "Anne",
    "Lucie",
    "Yasmine",
    "Amandine",
    "Élodie",
    "Agathe",
    "Nathalie",
    "Sandrine",
    "Isabelle",
    "Karima",
    "Céline",
    "Aurélie",
]
MASCULINE_NAMES = [
    "Thomas",
    "Nicolas",
    "Julien",
    "Karim",
    "Mehdi",
    "Hugo",
    "Antoine",
    "Samuel",
    "Olivier",
    "Moussa",
    "Pierre",
    "Laurent",
    "Malik",
    "Benoît",
    "Vincent",
    "Rachid",
]
EPICENE_NAMES = ["Camille", "Dominique"]
LAST_NAMES = [
    "Martin",
    "Bernard",
    "Dubois",
    "Durand",
    "Lefèvre",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Garcia",
    "David",
    "Bertrand",
    "Roux",
    "Vincent",
    "Fournier",
    "Morel",
    "Girard",
    "André",
    "Mercier",
    "Dupont",
    "Lambert",
    "Bonnet",
    "François",
    "Martinez",
    "Benali",
    "Traoré",
    "Nguyen",
    "Diallo",
    "Haddad",
    "Lopez",
    "Fontaine",
    "Chevalier",
    "Robin",
    "Masson",
    "Sanchez",
]
# Share of women among the professionals of each sector (early childhood is mostly women).
FEMININE_SHARE = {
    Sector.CULTURE: 0.6,
    Sector.EARLY_CHILDHOOD: 0.9,
    Sector.SOCIAL: 0.8,
    Sector.EDUCATION: 0.85,
    Sector.LOCAL_AUTHORITY: 0.65,
}
EPICENE_SHARE = 0.05


def _t(masculine: str, feminine: str | None = None) -> tuple[str, str]:
    """A job title in both genders; one argument for a title that does not change."""
    return masculine, feminine or masculine


# What each type of organisation is in the demo network: its share of the 80 organisations
# of a scale (a first year: crèches, libraries and relays first, few museums or cinemas),
# the smallest commune that has one, its name patterns ({of}: « d'Ermont », {c}: « Ermont »),
# its disciplines (always, sometimes), the ages it welcomes and its job titles.
TYPES = {
    "eaje": {
        "share": 14,
        "min_population": 2000,
        "names": [
            "Crèche Les Petits Pas ({c})",
            "Multi-accueil Les Lucioles ({c})",
            "Crèche Arc-en-ciel ({c})",
            "Multi-accueil Les Coccinelles ({c})",
            "Crèche familiale {of}",
            "Crèche Les P'tits Loups ({c})",
            "Multi-accueil La Maison des doudous ({c})",
            "Crèche parentale Les Pitchouns ({c})",
        ],
        "noun": "Établissement d'accueil du jeune enfant",
        "disciplines": ([], ["musique", "livre-lecture", "arts-plastiques", "danse", "chant"]),
        "ages": ["0-1", "1-3"],
        "titles": [
            _t("Directeur de crèche", "Directrice de crèche"),
            _t("Éducateur de jeunes enfants", "Éducatrice de jeunes enfants"),
            _t("Auxiliaire de puériculture"),
            _t("Infirmier puériculteur", "Infirmière puéricultrice"),
        ],
    },
    "mediatheque": {
        "share": 10,
        "min_population": 1500,
        "names": [
            "Médiathèque {of}",
            "Bibliothèque municipale {of}",
            "Médiathèque Louis-Aragon ({c})",
            "Médiathèque George-Sand ({c})",
            "Médiathèque Simone-Veil ({c})",
        ],
        "noun": "Médiathèque",
        "disciplines": (["livre-lecture"], ["cinema-image", "arts-numeriques", "musique"]),
        "ages": ["0-1", "1-3", "3-6", "parents"],
        "titles": [
            _t("Bibliothécaire jeunesse"),
            _t("Responsable de l'espace jeunesse"),
            _t("Médiateur du livre", "Médiatrice du livre"),
            _t("Directeur de la médiathèque", "Directrice de la médiathèque"),
        ],
    },
    "rpe": {
        "share": 8,
        "min_population": 2000,
        "names": ["Relais petite enfance {of}", "Relais petite enfance Les Frimousses ({c})"],
        "noun": "Relais petite enfance",
        "disciplines": ([], ["musique", "livre-lecture", "chant"]),
        "ages": ["0-1", "1-3", "parents"],
        "titles": [
            _t("Animateur du relais petite enfance", "Animatrice du relais petite enfance"),
            _t("Responsable du relais petite enfance"),
        ],
    },
    "compagnie": {
        "share": 7,
        "min_population": 3000,
        # A company carries its own name, not its commune's; its disciplines follow it.
        "names": [],
        "noun": "Compagnie",
        "disciplines": ([], []),
        "ages": ["0-1", "1-3", "3-6"],
        "titles": [
            _t("Comédien", "Comédienne"),
            _t("Metteur en scène", "Metteuse en scène"),
            _t("Directeur artistique", "Directrice artistique"),
            _t("Chargé de diffusion", "Chargée de diffusion"),
            _t("Artiste interprète"),
        ],
    },
    "pmi": {
        "share": 6,
        "min_population": 8000,
        "names": [
            "Centre de PMI {of}",
            "Centre de PMI Les Tilleuls ({c})",
            "Centre de protection maternelle et infantile du centre-ville ({c})",
        ],
        "noun": "Centre de protection maternelle et infantile",
        "disciplines": ([], ["livre-lecture"]),
        "ages": ["0-1", "1-3", "parents"],
        "titles": [
            _t("Puériculteur de PMI", "Puéricultrice de PMI"),
            _t("Médecin de PMI"),
            _t("Auxiliaire de puériculture"),
        ],
    },
    "conservatoire": {
        "share": 5,
        "min_population": 10000,
        "names": [
            "Conservatoire {of}",
            "École municipale de musique et de danse {of}",
            "Conservatoire à rayonnement communal {of}",
        ],
        "noun": "Conservatoire",
        "disciplines": (["musique"], ["chant", "danse", "theatre"]),
        "ages": ["1-3", "3-6", "parents"],
        "titles": [
            _t("Professeur de musique", "Professeure de musique"),
            _t("Musicien intervenant", "Musicienne intervenante"),
            _t("Directeur du conservatoire", "Directrice du conservatoire"),
            _t("Responsable de l'éveil musical"),
        ],
    },
    "theatre": {
        "share": 5,
        "min_population": 8000,
        "names": [
            "Théâtre {of}",
            "Espace culturel {of}",
            "Théâtre Jean-Vilar ({c})",
            "Centre culturel Lino-Ventura ({c})",
        ],
        "noun": "Théâtre et lieu de diffusion",
        "disciplines": (["theatre"], ["danse", "marionnette", "cirque", "musique"]),
        "ages": ["1-3", "3-6", "parents"],
        "titles": [
            _t("Chargé des relations avec les publics", "Chargée des relations avec les publics"),
            _t("Directeur du théâtre", "Directrice du théâtre"),
            _t("Médiateur culturel", "Médiatrice culturelle"),
            _t("Responsable de la programmation jeune public"),
        ],
    },
    "laep": {
        "share": 4,
        "min_population": 5000,
        "names": [
            "LAEP La Passerelle ({c})",
            "LAEP Les Bout'chous ({c})",
            "Lieu d'accueil enfants-parents Le Petit Port ({c})",
        ],
        "noun": "Lieu d'accueil enfants-parents",
        "disciplines": ([], ["livre-lecture", "musique", "arts-plastiques"]),
        "ages": ["0-1", "1-3", "3-6", "parents"],
        "titles": [
            _t("Accueillant du LAEP", "Accueillante du LAEP"),
            _t("Coordinateur du LAEP", "Coordinatrice du LAEP"),
            _t("Psychologue"),
        ],
    },
    "centre-social": {
        "share": 4,
        "min_population": 8000,
        "names": [
            "Centre social {of}",
            "Espace de vie sociale {of}",
            "Centre social Les Hauts ({c})",
        ],
        "noun": "Centre social",
        "disciplines": ([], ["livre-lecture", "arts-plastiques", "musique"]),
        "ages": ["1-3", "3-6", "parents"],
        "titles": [
            _t("Référent familles", "Référente familles"),
            _t("Directeur du centre social", "Directrice du centre social"),
            _t("Responsable du secteur familles"),
        ],
    },
    "collectivite": {
        "share": 4,
        "min_population": 0,
        "names": ["Ville {of}", "Service petite enfance de la ville {of}"],
        "noun": "Collectivité",
        "disciplines": ([], ["livre-lecture", "musique", "patrimoine"]),
        "ages": ["0-1", "1-3", "3-6", "parents"],
        "titles": [
            _t("Chargé de mission petite enfance", "Chargée de mission petite enfance"),
            _t("Coordinateur petite enfance", "Coordinatrice petite enfance"),
            _t("Responsable du service petite enfance"),
        ],
    },
    "protection-enfance": {
        "share": 3,
        "min_population": 8000,
        "names": [
            "Pouponnière {of}",
            "Foyer de l'enfance {of}",
            "Maison d'enfants à caractère social {of}",
        ],
        "noun": "Établissement de protection de l'enfance",
        "disciplines": ([], ["arts-plastiques", "musique", "livre-lecture"]),
        "ages": ["0-1", "1-3", "3-6"],
        "titles": [
            _t("Éducateur spécialisé", "Éducatrice spécialisée"),
            _t("Chef de service", "Cheffe de service"),
            _t("Psychologue"),
            _t("Auxiliaire de puériculture"),
        ],
    },
    "assistante-maternelle": {
        "share": 3,
        "min_population": 0,
        "names": [
            "MAM Les Petites Mains ({c})",
            "MAM Les Petits Lutins ({c})",
            "MAM Pomme d'api ({c})",
        ],
        "noun": "Maison d'assistants maternels",
        "disciplines": ([], ["livre-lecture", "musique"]),
        "ages": ["0-1", "1-3"],
        "titles": [
            _t("Assistant maternel", "Assistante maternelle"),
            _t("Responsable de la MAM"),
        ],
    },
    "service-culturel": {
        "share": 2,
        "min_population": 5000,
        "names": ["Service culturel {of}", "Direction des affaires culturelles {of}"],
        "noun": "Service culturel municipal",
        "disciplines": ([], ["musique", "theatre", "livre-lecture", "patrimoine", "danse"]),
        "ages": ["1-3", "3-6", "parents"],
        "titles": [
            _t("Directeur des affaires culturelles", "Directrice des affaires culturelles"),
            _t("Chargé de l'action culturelle", "Chargée de l'action culturelle"),
            _t("Responsable de l'action culturelle"),
        ],
    },
    "association-culturelle": {
        "share": 2,
        "min_population": 1000,
        "names": [
            "Association Éveil et culture {of}",
            "Maison des jeunes et de la culture {of}",
            "Les Amis de la lecture {of}",
        ],
        "noun": "Association culturelle",
        "disciplines": ([], ["musique", "arts-plastiques", "livre-lecture", "chant", "danse"]),
        "ages": ["1-3", "3-6", "parents"],
        "titles": [
            _t("Coordinateur", "Coordinatrice"),
            _t("Animateur d'ateliers", "Animatrice d'ateliers"),
            _t("Responsable des ateliers"),
        ],
    },
    "musee": {
        "share": 1,
        "min_population": 0,
        "names": ["Musée {of}", "Maison du patrimoine {of}", "Musée d'art et d'histoire {of}"],
        "noun": "Musée",
        "disciplines": (["patrimoine"], ["arts-plastiques"]),
        "ages": ["0-1", "1-3", "3-6", "parents"],
        "titles": [
            _t("Chargé des publics", "Chargée des publics"),
            _t("Médiateur culturel", "Médiatrice culturelle"),
            _t("Responsable du service des publics"),
        ],
    },
    "cinema": {
        "share": 1,
        "min_population": 8000,
        "names": ["Cinéma {of}", "Cinéma Jacques-Prévert ({c})"],
        "noun": "Cinéma",
        "disciplines": (["cinema-image"], []),
        "ages": ["3-6", "parents"],
        "titles": [
            _t("Programmateur jeune public", "Programmatrice jeune public"),
            _t("Directeur du cinéma", "Directrice du cinéma"),
            _t("Responsable jeune public"),
        ],
    },
    "ecole-maternelle": {
        "share": 1,
        "min_population": 0,
        "names": [
            "École maternelle Jean-Jaurès ({c})",
            "École maternelle Louise-Michel ({c})",
            "École maternelle Marie-Curie ({c})",
        ],
        "noun": "École maternelle",
        "disciplines": ([], ["livre-lecture", "musique", "arts-plastiques"]),
        "ages": ["3-6"],
        "titles": [
            _t("Professeur des écoles", "Professeure des écoles"),
            _t("Directeur d'école", "Directrice d'école"),
            _t("ATSEM"),
        ],
    },
}
# Companies, each with its name and art; beyond the list, a company is known by its town.
COMPANIES = [
    ("Compagnie Les Toiles filantes", ["theatre", "marionnette"]),
    ("Compagnie À petits pas", ["danse"]),
    ("Ensemble La Boîte à sons", ["musique", "chant"]),
    ("Collectif Pousses d'art", ["arts-plastiques"]),
    ("Compagnie Méli-Mélodie", ["musique", "chant"]),
    ("Théâtre du Petit Pois", ["theatre"]),
    ("Compagnie Fil à fil", ["marionnette"]),
    ("Compagnie Bulles de cirque", ["cirque"]),
    ("Compagnie Les Yeux fertiles", ["theatre", "arts-plastiques"]),
    ("Collectif Image en herbe", ["cinema-image", "arts-numeriques"]),
    ("Compagnie Pas de loup", ["danse", "musique"]),
    ("Compagnie L'Oiseau-lyre", ["musique"]),
]
# Titles of whoever runs the organisation: only its referent may hold one.
HEAD_TITLES = ("Directeur", "Chef", "Responsable de la MAM", "Président")
STREETS = ["de la République", "Victor-Hugo", "des Écoles", "Jean-Moulin", "du Parc"]
GROUPS = [
    (
        "Artistes en crèche",
        "artistes-en-creche",
        "Préparer l'accueil d'artistes en résidence dans les établissements d'accueil du jeune enfant.",
        True,
    ),
    (
        "Lire avec les tout-petits",
        "lecture",
        "Partager les pratiques de lecture à voix haute entre bibliothèques, RPE et PMI.",
        True,
    ),
    (
        "Spectacles très jeune public",
        "spectacles",
        "Repérer les spectacles adaptés aux 0-3 ans et organiser leur circulation sur le territoire.",
        True,
    ),
    (
        "Culture et enfance protégée",
        "enfance-protegee",
        "Construire des projets artistiques avec les pouponnières, foyers et services de l'ASE.",
        False,
    ),
    (
        "Formation conjointe",
        "formation",
        "Co-construire les temps de formation communs aux professionnels de la culture et de la petite enfance.",
        True,
    ),
    (
        "Parents et éveil culturel",
        "lien-parent-enfant",
        "Associer les parents aux propositions artistiques, en particulier dans les LAEP.",
        True,
    ),
]
ACTIONS = [
    "Recenser les structures volontaires",
    "Rédiger une fiche pratique",
    "Organiser une visite croisée",
    "Préparer la rencontre de printemps",
    "Lister les besoins en matériel",
    "Contacter les compagnies",
    "Faire le bilan de l'expérimentation",
    "Partager la bibliographie",
]
NEEDS = [
    ("Former les équipes de crèche à la lecture à voix haute", "lecture"),
    ("Trouver des spectacles adaptés aux moins de 1 an", "spectacles"),
    ("Financer la venue d'un musicien en multi-accueil", "financement"),
    ("Transport des groupes vers la médiathèque", "mobilite"),
    ("Outils pour associer les parents aux ateliers", "lien-parent-enfant"),
    ("Accueillir une résidence d'artiste en pouponnière", "enfance-protegee"),
    ("Former les artistes aux besoins du tout-petit", "formation"),
    ("Mutualiser des tapis et coussins pour les lectures", "lecture"),
    ("Connaître les appels à projets culture et petite enfance", "financement"),
    ("Échanger avec d'autres RPE sur les ateliers d'éveil musical", "artistes-en-creche"),
    ("Emprunter des instruments pour les temps d'éveil musical", "artistes-en-creche"),
    ("Des albums en plusieurs langues pour les familles", "lecture"),
    ("Un car pour emmener les enfants au spectacle", "mobilite"),
    ("Être accompagnés pour écrire une demande de subvention", "financement"),
    ("Des spectacles qui se jouent dans une salle de crèche", "spectacles"),
    ("Former les assistantes maternelles à l'éveil culturel", "formation"),
    ("Rencontrer les médiathèques de l'intercommunalité", "lecture"),
    ("Faire venir les familles éloignées de la culture", "lien-parent-enfant"),
    ("Un lieu pour les ateliers parents-enfants le samedi", "lien-parent-enfant"),
    ("Adapter les ateliers aux enfants en situation de handicap", "formation"),
    ("Travailler avec l'ASE sur les visites médiatisées en musique", "enfance-protegee"),
    ("Trouver une compagnie pour une résidence d'un an", "artistes-en-creche"),
    ("Des séances de cinéma adaptées aux 2-3 ans", "spectacles"),
    ("Partager le coût d'un spectacle entre plusieurs communes", "financement"),
    ("Des tapis de lecture pour les salles d'attente de PMI", "lecture"),
]

# The coordination's own labels, set when she triages a need.
NEED_TAGS = [
    ("Formation", "formation"),
    ("Financement", "financement"),
    ("Mutualisation", "mutualisation"),
    ("Urgent", "urgent"),
    ("Petite enfance et handicap", "petite-enfance-et-handicap"),
]
# Needs of these themes get the tag of the same name (one in two, as if triaged).
TAG_OF_THEME = {"formation": "formation", "financement": "financement"}


ORGANIZATIONS_PER_SCALE = 80
PEOPLE_PER_SCALE = 200


def seed(*, scale: int, log) -> None:
    """Create the demo network, `scale` times one département's volumes.

    Organisations and people are drawn block by block (one block per scale) and each from
    its own seed, so that `--scale 3` after `--scale 1` keeps the first block as it is."""
    rng = random.Random(95)
    organizations = _organizations(scale)
    people = _people(organizations, scale)
    _demo_accounts(organizations)
    groups = _groups(rng, people, scale)
    _needs(rng, people, groups, count=50 * scale)
    _tag_needs(_need_tags())
    log(
        f"Réseau : {Organization.objects.count()} structures, {Person.objects.count()} personnes, "
        f"{WorkingGroup.objects.count()} groupes, {Need.objects.count()} besoins"
    )


def gender_of(first_name: str) -> str:
    """ "f", "m", or "" when the first name says nothing (epicene or unknown)."""
    if first_name in FEMININE_NAMES:
        return "f"
    if first_name in MASCULINE_NAMES:
        return "m"
    return ""


def job_title(rng, type_slug: str, first_name: str, *, heads: bool = True) -> str:
    """A job title of this type of organisation, agreeing with the person's first name;
    `heads=False` leaves out the titles of whoever runs it (one per organisation)."""
    titles = TYPES[type_slug]["titles"]
    if not heads:
        titles = [pair for pair in titles if not pair[0].startswith(HEAD_TITLES)] or titles
    gender = gender_of(first_name)
    if not gender:  # _first_name gives epicene names only where such a title exists
        titles = [pair for pair in titles if pair[0] == pair[1]] or titles
    masculine, feminine = rng.choice(titles)
    return masculine if gender == "m" else feminine


# --- Organisations ---------------------------------------------------------------------------


def _communes_by_epci():
    by_epci = {}
    for commune in Commune.objects.order_by("-population"):
        by_epci.setdefault(commune.epci_id, []).append(commune)
    return by_epci


def _type_plan(rng) -> list[str]:
    """The types of one block of organisations, in the shares of TYPES, shuffled."""
    plan = [slug for slug, spec in TYPES.items() for _ in range(spec["share"])]
    rng.shuffle(plan)
    return plan


def _epci_plan(rng, epcis, count) -> list[int]:
    """The EPCI of each organisation: every EPCI once, then in proportion to population."""
    plan = [epci.pk for epci in epcis][:count]
    weights = [epci.population for epci in epcis]
    plan += [e.pk for e in rng.choices(epcis, weights=weights, k=count - len(plan))]
    return plan


def _candidate_communes(rng, communes, min_population):
    """The communes able to host this type, the largest first but not always the largest."""
    fitting = [c for c in communes if c.population >= min_population] or communes[:1]
    first = min(int(rng.expovariate(0.3)), len(fitting) - 1)
    return fitting[first:] + fitting[:first]


def _name_choices(rng, slug, company_index):
    """The name patterns to try for this type, in the order to try them."""
    if slug == "compagnie":
        name, _disciplines = COMPANIES[company_index % len(COMPANIES)]
        return [name] if company_index < len(COMPANIES) else [f"{name} ({{c}})"]
    # The town's own institution first ("Médiathèque d'Ermont"), then named ones, in turn.
    first, *others = TYPES[slug]["names"]
    rng.shuffle(others)
    return [first, *others] if "{of}" in first else rng.sample([first, *others], len(others) + 1)


def _place(rng, slug, communes, everywhere, used, company_index):
    """A commune and a name not taken yet for an organisation of type `slug`: in its EPCI
    if it can, else in the nearest-sized commune elsewhere (large scales fill the EPCIs)."""
    minimum = TYPES[slug]["min_population"]
    candidates = _candidate_communes(rng, communes, minimum)
    elsewhere = [c for c in everywhere if c.population >= minimum and c not in candidates]
    patterns = _name_choices(rng, slug, company_index)
    for commune in candidates + elsewhere:
        for pattern in patterns:
            name = pattern.format(c=commune.name, of=of_place(commune.name))
            if slugify(name) not in used:
                return commune, name
    commune = candidates[0]  # every name taken everywhere: very large scales only
    return commune, f"{patterns[0].format(c=commune.name, of=of_place(commune.name))} {len(used)}"


def _organizations(scale):
    types = {t.slug: t for t in OrganizationType.objects.all()}
    by_epci = _communes_by_epci()
    everywhere = [c for communes in by_epci.values() for c in communes]
    everywhere.sort(key=lambda c: -c.population)
    epcis = list(Epci.objects.order_by("siren"))
    rows, used, companies = [], set(), 0
    for block in range(scale):
        rng = random.Random(f"organisations-{block}")
        plan = _type_plan(rng)
        for slug, epci_id in zip(plan, _epci_plan(rng, epcis, len(plan)), strict=True):
            commune, name = _place(rng, slug, by_epci[epci_id], everywhere, used, companies)
            companies += slug == "compagnie"
            used.add(slugify(name))
            rows.append(_organization_row(rng, types[slug], commune, name))
    Organization.objects.bulk_create(rows, ignore_conflicts=True)
    organizations = list(
        Organization.objects.filter(slug__in=used).select_related("type").order_by("pk")
    )
    _attach_m2m(organizations)
    return organizations


def _organization_row(rng, kind, commune, name) -> Organization:
    return Organization(
        name=name,
        slug=slugify(name),
        sector=kind.sector,
        type=kind,
        commune=commune,
        address=f"{rng.randint(1, 120)} rue {rng.choice(STREETS)}",
        public_description=f"{TYPES[kind.slug]['noun']} {at_place(commune.name)}, membre du "
        "réseau éveil artistique et culturel du Val-d'Oise.",
        listed_publicly=rng.random() < 0.7,
        status=OrganizationStatus.ACTIVE,
        website=f"https://www.{slugify(name)[:40]}.example.fr",
    )


def _disciplines_of(rng, organization) -> list[str]:
    if organization.type.slug == "compagnie":
        return next((slugs for name, slugs in COMPANIES if organization.name.startswith(name)), [])
    always, sometimes = TYPES[organization.type.slug]["disciplines"]
    return always + rng.sample(sometimes, rng.randint(0, min(2, len(sometimes))))


def _attach_m2m(organizations):
    """Disciplines and ages of each organisation, drawn from its own seed (its slug)."""
    disciplines = {d.slug: d.pk for d in Discipline.objects.all()}
    ages = {a.code: a.pk for a in AgeGroup.objects.all()}
    disciplines_through = Organization.disciplines.through
    ages_through = Organization.age_groups.through
    disciplines_through.objects.bulk_create(
        [
            disciplines_through(organization_id=o.pk, discipline_id=disciplines[slug])
            for o in organizations
            for slug in _disciplines_of(random.Random(o.slug), o)
        ],
        ignore_conflicts=True,
    )
    ages_through.objects.bulk_create(
        [
            ages_through(organization_id=o.pk, agegroup_id=ages[code])
            for o in organizations
            for code in TYPES[o.type.slug]["ages"]
        ],
        ignore_conflicts=True,
    )


# --- People ----------------------------------------------------------------------------------


def _first_name(rng, organization) -> str:
    """A first name; an epicene one only where a title reads the same in both genders."""
    neutral = [m for m, f in TYPES[organization.type.slug]["titles"] if m == f]
    if rng.random() < EPICENE_SHARE and not all(t.startswith(HEAD_TITLES) for t in neutral):
        return rng.choice(EPICENE_NAMES)
    feminine = rng.random() < FEMININE_SHARE[organization.sector]
    return rng.choice(FEMININE_NAMES if feminine else MASCULINE_NAMES)


def _organization_of(index, organizations):
    """Person `index` works for an organisation of their own block; the first ones of each
    block are the referents of its organisations."""
    block, position = divmod(index, PEOPLE_PER_SCALE)
    return organizations[block * ORGANIZATIONS_PER_SCALE + position % ORGANIZATIONS_PER_SCALE]


def _people(organizations, scale):
    password = make_password(None)  # unusable: generated people never log in
    emails = [
        f"membre{index:05d}@demo.consortium95.fr" for index in range(PEOPLE_PER_SCALE * scale)
    ]
    rows = []
    for index, email in enumerate(emails):
        rng = random.Random(email)
        organization = _organization_of(index, organizations)
        rows.append(
            User(
                email=email,
                first_name=_first_name(rng, organization),
                last_name=rng.choice(LAST_NAMES),
                password=password,
            )
        )
    User.objects.bulk_create(rows, ignore_conflicts=True)
    users = list(User.objects.filter(email__in=emails).order_by("email"))
    Person.objects.bulk_create(
        [Person(user=user, status=PersonStatus.ACTIVE) for user in users], ignore_conflicts=True
    )
    people = list(
        Person.objects.filter(user__in=users).select_related("user").order_by("user__email")
    )
    _affiliate(people, organizations)
    return people


def _affiliate(people, organizations):
    rows, partner_creche = [], _partner_creche(organizations)
    for index, person in enumerate(people):
        organization = _organization_of(index, organizations)
        is_referent = index % PEOPLE_PER_SCALE < ORGANIZATIONS_PER_SCALE
        rows.append(
            Affiliation(
                person=person,
                organization=organization,
                is_referent=is_referent,
                status=AffiliationStatus.ACTIVE,
            )
        )
        person.job_title = job_title(
            random.Random(person.user.email),
            organization.type.slug,
            person.user.first_name,
            heads=is_referent and organization != partner_creche,
        )
    Affiliation.objects.bulk_create(rows, ignore_conflicts=True)
    Person.objects.bulk_update(people, ["job_title"])


def _partner_creche(organizations):
    """The crèche the demo partner runs (its director: no other head there)."""
    return next(o for o in organizations if o.type.slug == "eaje")


def _demo_accounts(organizations):
    """The demo partner, referent of a crèche; the pending one asked to join a theatre.
    Their accounts are made by the core seed."""
    partner = User.objects.get(email="partenaire@demo.consortium95.fr")
    person, _ = Person.objects.get_or_create(
        user=partner, defaults={"status": PersonStatus.ACTIVE, "job_title": "Directrice de crèche"}
    )
    creche = _partner_creche(organizations)
    Affiliation.objects.get_or_create(
        person=person,
        organization=creche,
        defaults={"is_referent": True, "status": AffiliationStatus.ACTIVE},
    )
    pending = User.objects.get(email=PENDING_PARTNER)
    pending_person, _ = Person.objects.get_or_create(
        user=pending, defaults={"job_title": "Chargé des relations avec les publics"}
    )
    theatre = next(o for o in organizations if o.type.slug == "theatre")
    Affiliation.objects.get_or_create(person=pending_person, organization=theatre)


def _groups(rng, people, scale):
    themes = {t.slug: t for t in Theme.objects.all()}
    groups = []
    for copy in range(scale):
        suffix = "" if copy == 0 else f" ({copy + 1})"
        for title, theme, description, is_open in GROUPS:
            group, _ = WorkingGroup.objects.get_or_create(
                slug=slugify(title + suffix),
                defaults={
                    "title": title + suffix,
                    "theme": themes.get(theme),
                    "description": description,
                    "is_open": is_open,
                },
            )
            groups.append(group)
    memberships, actions = [], []
    today = timezone.localdate()
    for group in groups:
        if group.memberships.exists():
            continue  # seeded already: idempotent
        members = rng.sample(people, min(12, len(people)))
        for position, person in enumerate(members):
            memberships.append(
                GroupMembership(
                    group=group,
                    person=person,
                    is_facilitator=position == 0,
                    status=GroupMembershipStatus.MEMBER,
                )
            )
        if not group.actions.exists():
            for title in rng.sample(ACTIONS, 4):
                actions.append(
                    Action(
                        group=group,
                        title=title,
                        owner=rng.choice(members),
                        due_date=today + timedelta(days=rng.randint(-30, 120)),
                        status=rng.choice(list(ActionStatus.values)),
                    )
                )
    GroupMembership.objects.bulk_create(memberships, ignore_conflicts=True)
    Action.objects.bulk_create(actions)
    return groups


def _needs(rng, people, groups, *, count):
    if Need.objects.count() >= count:
        return
    themes = {t.slug: t for t in Theme.objects.all()}
    ages = list(AgeGroup.objects.all())
    needs = []
    for index in range(count - Need.objects.count()):
        title, theme = NEEDS[index % len(NEEDS)]
        author = rng.choice(people)
        organization = author.affiliations.first().organization
        status = rng.choices(list(NeedStatus.values[:3]), weights=[6, 3, 1])[0]
        needs.append(
            Need(
                title=title,
                description=f"{title}. Exprimé lors d'une rencontre du réseau.",
                theme=themes[theme],
                sector=organization.sector,
                commune=organization.commune,
                author=author,
                is_anonymous=rng.random() < 0.2,
                status=status,
                group=rng.choice(groups) if status != NeedStatus.OPEN else None,
                answer="Une formation est programmée au printemps."
                if status == NeedStatus.CLOSED
                else "",
                closed_at=timezone.now() if status == NeedStatus.CLOSED else None,
            )
        )
    Need.objects.bulk_create(needs)
    supports, need_ages = [], []
    for need in needs:
        for person in rng.sample(people, rng.randint(0, 6)):
            supports.append(NeedSupport(need=need, person=person))
        for age in rng.sample(ages, 2):
            need_ages.append(Need.age_groups.through(need_id=need.pk, agegroup_id=age.pk))
    NeedSupport.objects.bulk_create(supports, ignore_conflicts=True)
    Need.age_groups.through.objects.bulk_create(need_ages, ignore_conflicts=True)


def _need_tags() -> dict[str, NeedTag]:
    tags = {}
    for position, (name, slug) in enumerate(NEED_TAGS):
        tags[slug], _ = NeedTag.objects.get_or_create(
            slug=slug, defaults={"name": name, "position": position}
        )
    return tags


def _tags_for(index: int, title: str, theme: str) -> list[str]:
    """The tags of the `index`-th need: same on every run, about a third of the needs."""
    slugs = []
    if theme in TAG_OF_THEME and index % 2 == 0:
        slugs.append(TAG_OF_THEME[theme])
    if title.startswith("Mutualiser"):
        slugs.append("mutualisation")
    if index % 9 == 4:
        slugs.append("urgent")
    if index % 13 == 6:
        slugs.append("petite-enfance-et-handicap")
    return slugs


def _tag_needs(tags: dict[str, NeedTag]) -> None:
    """Tag a fixed share of the needs, in bulk; links that exist already are kept."""
    needs = Need.objects.order_by("pk").values_list("pk", "title", "theme__slug")
    through = Need.tags.through
    links = [
        through(need_id=pk, needtag_id=tags[slug].pk)
        for index, (pk, title, theme) in enumerate(needs)
        for slug in _tags_for(index, title, theme)
    ]
    through.objects.bulk_create(links, ignore_conflicts=True)
