"""Demo network: organisations in every EPCI, people, working groups, actions, needs.

Deterministic (a fixed random seed) and idempotent: rows are keyed by slug or e-mail,
created in bulk, and existing ones are left as they are.
"""

import random
from datetime import timedelta

from allauth.account.models import EmailAddress
from django.contrib.auth.hashers import make_password
from django.utils import timezone
from django.utils.text import slugify

from consortium.core.models import User
from consortium.core.seed import DEMO_PASSWORD

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

FIRST_NAMES = [
    "Camille",
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
    "Élodie",
    "Agathe",
]
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
    "Andre",
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
JOB_TITLES = {
    Sector.CULTURE: [
        "Bibliothécaire jeunesse",
        "Chargée des publics",
        "Directeur artistique",
        "Médiatrice culturelle",
        "Professeur de musique",
        "Comédienne",
        "Responsable de l'action culturelle",
    ],
    Sector.EARLY_CHILDHOOD: [
        "Directrice de creche",
        "Éducatrice de jeunes enfants",
        "Animatrice RPE",
        "Auxiliaire de puériculture",
        "Puéricultrice PMI",
        "Accueillante LAEP",
    ],
    Sector.SOCIAL: ["Éducateur spécialisé", "Cheffe de service ASE", "Psychologue"],
    Sector.EDUCATION: ["Enseignante en maternelle", "Conseiller pédagogique"],
    Sector.LOCAL_AUTHORITY: [
        "Chargée de mission petite enfance",
        "Directeur des affaires culturelles",
    ],
}
# Organisation name patterns by type slug; {c} is the commune.
NAME_PATTERNS = {
    "mediatheque": ["Médiathèque de {c}", "Bibliothèque municipale de {c}"],
    "conservatoire": ["Conservatoire de {c}", "École de musique de {c}"],
    "theatre": ["Théâtre de {c}", "Espace culturel de {c}"],
    "compagnie": [
        "Compagnie Les Toiles Filantes ({c})",
        "Compagnie À petits pas ({c})",
        "Compagnie La Boîte à sons ({c})",
        "Collectif Pousses d'art ({c})",
    ],
    "musee": ["Musée de {c}"],
    "cinema": ["Cinéma de {c}"],
    "association-culturelle": ["Association Éveil et culture de {c}"],
    "service-culturel": ["Service culturel de {c}"],
    "eaje": [
        "Crèche Les Petits Pas ({c})",
        "Multi-accueil Les Lucioles ({c})",
        "Crèche Arc-en-ciel ({c})",
    ],
    "rpe": ["Relais petite enfance de {c}"],
    "pmi": ["Centre de PMI de {c}"],
    "laep": ["LAEP La Passerelle ({c})"],
    "assistante-maternelle": ["MAM Les Petites Mains ({c})"],
    "protection-enfance": ["Pouponnière de {c}", "Foyer de l'enfance de {c}"],
    "centre-social": ["Centre social de {c}"],
    "ecole-maternelle": ["École maternelle Jean-Jaurès ({c})"],
    "collectivite": ["Ville de {c}"],
}
GROUPS = [
    (
        "Artistes en creche",
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
    ("Former les équipes de creche à la lecture à voix haute", "lecture"),
    ("Trouver des spectacles adaptés aux moins de 1 an", "spectacles"),
    ("Financer la venue d'un musicien en multi-accueil", "financement"),
    ("Transport des groupes vers la médiathèque", "mobilite"),
    ("Outils pour associer les parents aux ateliers", "lien-parent-enfant"),
    ("Accueillir une résidence d'artiste en pouponnière", "enfance-protegee"),
    ("Former les artistes aux besoins du tout-petit", "formation"),
    ("Mutualiser des tapis et coussins pour les lectures", "lecture"),
    ("Connaître les appels à projets culture et petite enfance", "financement"),
    ("Échanger avec d'autres RPE sur les ateliers d'éveil musical", "artistes-en-creche"),
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


def seed(*, scale: int, log) -> None:
    """Create the demo network, `scale` times one département's volumes."""
    rng = random.Random(95)
    organizations = _organizations(rng, count=80 * scale)
    people = _people(rng, organizations, count=200 * scale)
    _demo_accounts(organizations)
    groups = _groups(rng, people, scale)
    _needs(rng, people, groups, count=50 * scale)
    _tag_needs(_need_tags())
    log(
        f"Réseau : {Organization.objects.count()} structures, {Person.objects.count()} personnes, "
        f"{WorkingGroup.objects.count()} groupes, {Need.objects.count()} besoins"
    )
    log("  Partenaire en attente de validation : en-attente@demo.consortium95.fr")


def _communes_by_epci(rng):
    by_epci = {}
    for commune in Commune.objects.order_by("-population"):
        by_epci.setdefault(commune.epci_id, []).append(commune)
    return by_epci


def _organizations(rng, *, count):
    types = list(OrganizationType.objects.all())
    by_epci = _communes_by_epci(rng)
    epcis = list(Epci.objects.order_by("siren").values_list("pk", flat=True))
    disciplines, ages = list(Discipline.objects.all()), list(AgeGroup.objects.all())
    rows, used = [], set()
    for index in range(count):
        communes = by_epci[epcis[index % len(epcis)]]
        commune = communes[min(int(rng.expovariate(0.35)), len(communes) - 1)]
        kind = types[index % len(types)]
        name = rng.choice(NAME_PATTERNS[kind.slug]).format(c=commune.name)
        slug = slugify(name)
        if slug in used:
            name, slug = f"{name} – site {index}", f"{slug}-{index}"
        used.add(slug)
        rows.append(
            Organization(
                name=name,
                slug=slug,
                sector=kind.sector,
                type=kind,
                commune=commune,
                address=f"{rng.randint(1, 120)} rue {rng.choice(['de la République', 'Victor-Hugo', 'des Écoles', 'Jean-Moulin', 'du Parc'])}",
                public_description=f"{kind.name} à {commune.name}, membre du consortium éveil artistique et culturel.",
                listed_publicly=rng.random() < 0.7,
                status=OrganizationStatus.ACTIVE,
                website=f"https://www.{slug[:40]}.example.fr",
            )
        )
    Organization.objects.bulk_create(rows, ignore_conflicts=True)
    organizations = list(Organization.objects.filter(slug__in=used).order_by("pk"))
    _attach_m2m(rng, organizations, disciplines, ages)
    return organizations


def _attach_m2m(rng, organizations, disciplines, ages):
    disciplines_through = Organization.disciplines.through
    ages_through = Organization.age_groups.through
    disciplines_through.objects.bulk_create(
        [
            disciplines_through(organization_id=o.pk, discipline_id=d.pk)
            for o in organizations
            for d in rng.sample(disciplines, 2)
        ],
        ignore_conflicts=True,
    )
    ages_through.objects.bulk_create(
        [
            ages_through(organization_id=o.pk, agegroup_id=a.pk)
            for o in organizations
            for a in rng.sample(ages, 2)
        ],
        ignore_conflicts=True,
    )


def _people(rng, organizations, *, count):
    password = make_password(None)  # unusable: generated people never log in
    emails = [f"membre{index:05d}@demo.consortium95.fr" for index in range(count)]
    User.objects.bulk_create(
        [
            User(
                email=email,
                first_name=rng.choice(FIRST_NAMES),
                last_name=rng.choice(LAST_NAMES),
                password=password,
            )
            for email in emails
        ],
        ignore_conflicts=True,
    )
    users = list(User.objects.filter(email__in=emails).order_by("pk"))
    Person.objects.bulk_create(
        [Person(user=user, status=PersonStatus.ACTIVE) for user in users], ignore_conflicts=True
    )
    people = list(Person.objects.filter(user__in=users).select_related("user").order_by("pk"))
    _affiliate(rng, people, organizations)
    return people


def _affiliate(rng, people, organizations):
    rows = []
    for index, person in enumerate(people):
        organization = organizations[index % len(organizations)]
        is_referent = index < len(organizations)
        rows.append(
            Affiliation(
                person=person,
                organization=organization,
                is_referent=is_referent,
                status=AffiliationStatus.ACTIVE,
            )
        )
        person.job_title = rng.choice(JOB_TITLES[organization.sector])
    Affiliation.objects.bulk_create(rows, ignore_conflicts=True)
    Person.objects.bulk_update(people, ["job_title"])


def _demo_accounts(organizations):
    partner = User.objects.get(email="partenaire@demo.consortium95.fr")
    person, _ = Person.objects.get_or_create(
        user=partner, defaults={"status": PersonStatus.ACTIVE, "job_title": "Directrice de creche"}
    )
    creche = next(o for o in organizations if o.type.slug == "eaje")
    Affiliation.objects.get_or_create(
        person=person,
        organization=creche,
        defaults={"is_referent": True, "status": AffiliationStatus.ACTIVE},
    )
    pending, created = User.objects.get_or_create(
        email="en-attente@demo.consortium95.fr",
        defaults={"first_name": "Hugo", "last_name": "Lefèvre"},
    )
    if created:
        pending.set_password(DEMO_PASSWORD)
        pending.save(update_fields=["password"])
    EmailAddress.objects.update_or_create(
        user=pending, email=pending.email, defaults={"verified": True, "primary": True}
    )
    pending_person, _ = Person.objects.get_or_create(
        user=pending, defaults={"job_title": "Chargé des publics"}
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
