"""Load the Val-d'Oise territory (2026) shipped in members/data, and the starting vocabularies."""

import csv
from pathlib import Path

from django.db import migrations

DATA = Path(__file__).resolve().parent.parent / "data"

AGE_GROUPS = ["0-1", "1-3", "3-6", "parents"]

ORGANIZATION_TYPES = [
    ("culture", "Médiathèque, bibliothèque", "mediatheque"),
    ("culture", "Conservatoire, école de musique", "conservatoire"),
    ("culture", "Théâtre, lieu de diffusion", "theatre"),
    ("culture", "Compagnie, artiste", "compagnie"),
    ("culture", "Musée", "musee"),
    ("culture", "Cinéma", "cinema"),
    ("culture", "Association culturelle", "association-culturelle"),
    ("culture", "Service culturel municipal", "service-culturel"),
    ("petite_enfance", "EAJE (crèche, multi-accueil)", "eaje"),
    ("petite_enfance", "Relais petite enfance (RPE)", "rpe"),
    ("petite_enfance", "PMI", "pmi"),
    ("petite_enfance", "LAEP (lieu d'accueil enfants-parents)", "laep"),
    ("petite_enfance", "Assistant·e maternel·le, MAM", "assistante-maternelle"),
    ("social", "Protection de l'enfance (ASE, pouponnière, foyer)", "protection-enfance"),
    ("social", "Centre social, structure sociale", "centre-social"),
    ("education", "École maternelle", "ecole-maternelle"),
    ("collectivite", "Commune, intercommunalité", "collectivite"),
]

DISCIPLINES = [
    ("Musique", "musique"),
    ("Chant", "chant"),
    ("Danse", "danse"),
    ("Théâtre", "theatre"),
    ("Marionnette", "marionnette"),
    ("Cirque", "cirque"),
    ("Arts plastiques", "arts-plastiques"),
    ("Livre et lecture", "livre-lecture"),
    ("Cinéma et image", "cinema-image"),
    ("Arts numériques", "arts-numeriques"),
    ("Patrimoine", "patrimoine"),
]

THEMES = [
    ("Lien parent-enfant", "lien-parent-enfant"),
    ("Formation des professionnels", "formation"),
    ("Accueil d'artistes en structure petite enfance", "artistes-en-creche"),
    ("Lecture et tout-petits", "lecture"),
    ("Spectacles très jeune public", "spectacles"),
    ("Enfance protégée", "enfance-protegee"),
    ("Financement et partenariats", "financement"),
    ("Mobilité et accès aux lieux culturels", "mobilite"),
]


def load(apps, schema_editor):
    Epci = apps.get_model("members", "Epci")
    Commune = apps.get_model("members", "Commune")
    with open(DATA / "val_doise_epci.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Epci.objects.update_or_create(
                siren=row["siren"],
                defaults={
                    "name": row["name"],
                    "nature": row["nature"],
                    "population": int(row["population"]),
                },
            )
    epcis = {e.siren: e for e in Epci.objects.all()}
    with open(DATA / "val_doise_communes.csv", encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            Commune.objects.update_or_create(
                insee_code=row["insee_code"],
                defaults={
                    "name": row["name"],
                    "postal_codes": row["postal_codes"],
                    "population": int(row["population"]),
                    "epci": epcis[row["epci_siren"]],
                },
            )
    AgeGroup = apps.get_model("members", "AgeGroup")
    for position, code in enumerate(AGE_GROUPS):
        AgeGroup.objects.update_or_create(code=code, defaults={"position": position})
    OrganizationType = apps.get_model("members", "OrganizationType")
    for position, (sector, name, slug) in enumerate(ORGANIZATION_TYPES):
        OrganizationType.objects.update_or_create(
            slug=slug, defaults={"name": name, "sector": sector, "position": position}
        )
    for model_name, rows in (("Discipline", DISCIPLINES), ("Theme", THEMES)):
        model = apps.get_model("members", model_name)
        for position, (name, slug) in enumerate(rows):
            model.objects.update_or_create(slug=slug, defaults={"name": name, "position": position})


class Migration(migrations.Migration):
    dependencies = [("members", "0001_initial")]

    operations = [migrations.RunPython(load, migrations.RunPython.noop)]
