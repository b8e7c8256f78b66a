"""Bulk import of organisations and people: a dry run that changes nothing, refused rows
with their reasons, the confirmed import, invitations through the outbox, and the same
file imported twice changing nothing; the same columns export back."""

import io

import openpyxl
import pytest
from django.contrib.auth.hashers import is_password_usable
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from member_factories import OrganizationFactory, commune, member_of

from consortium.core.exceptions import PermissionRefused
from consortium.core.models import AuditLogEntry, OutboxMessage, User
from members import services
from members.imports import ORGANIZATIONS, PEOPLE, plan_import, read_table
from members.models import Affiliation, Organization, Person

IMPORT = reverse("members:import")

ORGANIZATIONS_CSV = (
    "Nom;Secteur;Type;SIRET;Adresse;Code postal;Commune;E-mail;Téléphone;Site web\n"
    "Médiathèque de l'Horloge;Culture;Médiathèque, bibliothèque;;1 rue de la Gare;95000;"
    "Pontoise;horloge@example.org;;mediatheque.example.org\n"
    "Crèche Les Lucioles;petite enfance;EAJE (crèche, multi-accueil);12345678901234;;"
    "95800;Cergy;;;\n"
    "Théâtre du Nulle Part;Culture;Théâtre, lieu de diffusion;;;99999;Atlantide;;;\n"
    "Compagnie Sans Secteur;Spectacle;Compagnie, artiste;;;;95018;contact@;;\n"
    "Médiathèque de l'Horloge;Culture;Médiathèque, bibliothèque;;;95000;Pontoise;;;\n"
)


def upload(text: str, name: str = "reseau.csv") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, text.encode("utf-8"), content_type="text/csv")


def rows(kind, text):
    return read_table(kind=kind, name="f.csv", content=text.encode("utf-8"))


@pytest.mark.django_db
def test_the_plan_says_new_and_refused_with_reasons():
    plan = plan_import(kind=ORGANIZATIONS, rows=rows(ORGANIZATIONS, ORGANIZATIONS_CSV))
    actions = [(row.line, row.action) for row in plan.rows]
    assert actions == [(2, "new"), (3, "new"), (4, "refused"), (5, "refused"), (6, "refused")]
    reasons = {row.line: " ; ".join(row.reasons) for row in plan.rows}
    assert "commune ou code postal inconnu" in reasons[4]
    assert "secteur inconnu" in reasons[5] and "adresse e-mail invalide" in reasons[5]
    assert "en double dans le fichier (ligne 2)" in reasons[6]
    assert plan.rows[0].values["commune"] == commune("95500")
    assert plan.rows[0].values["website"] == "https://mediatheque.example.org"


def test_the_preview_changes_nothing_then_the_import_is_confirmed(coordinator_client, coordinator):
    before = Organization.objects.count()
    response = coordinator_client.post(
        IMPORT, {"kind": ORGANIZATIONS, "file": upload(ORGANIZATIONS_CSV)}
    )
    page = response.content.decode()
    assert "2 ajouts" in page and "3 lignes écartées" in page and "Atlantide" in page
    assert Organization.objects.count() == before
    key = response.context["key"]
    response = coordinator_client.post(IMPORT, {"confirm": key}, follow=True)
    assert "2 ajout(s)" in page_of(response)
    created = Organization.objects.get(name="Crèche Les Lucioles")
    assert created.status == "active" and created.siret == "12345678901234"
    assert created.commune == commune("95127")
    entry = AuditLogEntry.objects.get(action="members.network_imported")
    assert entry.actor == coordinator and entry.data["new"] == 2 and entry.data["refused"] == 3
    # The same file again: nothing new, nothing changed.
    response = coordinator_client.post(
        IMPORT, {"kind": ORGANIZATIONS, "file": upload(ORGANIZATIONS_CSV)}
    )
    assert response.context["plan"].counts == {"new": 0, "updated": 0, "unchanged": 2, "refused": 3}
    # A preview key is used once.
    response = coordinator_client.post(IMPORT, {"confirm": key}, follow=True)
    assert "plus valable" in page_of(response)


def page_of(response) -> str:
    return response.content.decode()


@pytest.mark.django_db
def test_a_changed_cell_updates_and_a_look_alike_is_refused(coordinator):
    existing = OrganizationFactory(name="Crèche Les Lucioles", commune=commune("95127"), phone="")
    OrganizationFactory(name="Conservatoire Jean Sibelius", commune=commune("95127"))
    text = (
        "nom;secteur;type;code postal;commune;téléphone\n"
        "Crèche les Lucioles;Petite enfance;EAJE (crèche, multi-accueil);95000;Cergy;"
        "01 30 30 30 30\n"
        "Conservatoire Jean Sibellius;Culture;Conservatoire, école de musique;;Cergy;\n"
    )
    plan = services.network_import(
        actor=coordinator, kind=ORGANIZATIONS, rows=rows(ORGANIZATIONS, text)
    )
    assert [row.action for row in plan.rows] == ["updated", "refused"]
    assert "ressemble à « Conservatoire Jean Sibelius »" in plan.rows[1].reasons[0]
    existing.refresh_from_db()
    assert existing.phone == "01 30 30 30 30"


PEOPLE_CSV = (
    "prénom;nom;e-mail;téléphone;fonction;structure;référent\n"
    "Hélène;Dupré;Helene.Dupre@example.org;;Directrice;Crèche Les Lucioles;oui\n"
    "Zoé;Lefèvre;zoe@example.org;;;Structure inconnue;\n"
    "Amadou;Diallo;pas-une-adresse;;;Crèche Les Lucioles;\n"
)


def test_people_are_invited_never_given_a_password(coordinator_client, coordinator):
    organization = OrganizationFactory(name="Crèche Les Lucioles")
    response = coordinator_client.post(IMPORT, {"kind": PEOPLE, "file": upload(PEOPLE_CSV)})
    plan = response.context["plan"]
    assert [row.action for row in plan.rows] == ["new", "refused", "refused"]
    assert "structure inconnue" in plan.rows[1].reasons[0]
    coordinator_client.post(IMPORT, {"confirm": response.context["key"]})
    user = User.objects.get(email="helene.dupre@example.org")
    assert not is_password_usable(user.password)
    person = Person.objects.get(user=user)
    assert person.is_active_member and person.job_title == "Directrice"
    affiliation = Affiliation.objects.get(person=person, organization=organization)
    assert affiliation.status == "active" and affiliation.is_referent
    invitation = OutboxMessage.objects.get(kind="member_import_invitation")
    assert invitation.recipient == user and "/accounts/password/reset/key/" in invitation.body_text
    # Again: the person is unchanged and not invited twice.
    again = coordinator_client.post(IMPORT, {"kind": PEOPLE, "file": upload(PEOPLE_CSV)})
    assert again.context["plan"].counts["unchanged"] == 1
    coordinator_client.post(IMPORT, {"confirm": again.context["key"]})
    assert OutboxMessage.objects.filter(kind="member_import_invitation").count() == 1


def test_an_existing_member_joins_a_new_organisation(coordinator):
    person = member_of(OrganizationFactory(name="Crèche A"))
    OrganizationFactory(name="Médiathèque B")
    text = f"prénom;nom;e-mail;structure\nX;Y;{person.user.email.upper()};Médiathèque B\n"
    plan = services.network_import(actor=coordinator, kind=PEOPLE, rows=rows(PEOPLE, text))
    assert plan.rows[0].action == "updated"
    assert person.affiliations.filter(organization__name="Médiathèque B", status="active").exists()


def test_only_the_coordination_imports(db):
    member = member_of()
    with pytest.raises(PermissionRefused):
        services.network_import(actor=member.user, kind=ORGANIZATIONS, rows=[])


def test_bad_files_get_a_french_error(coordinator_client):
    cases = [
        (upload("nom;ville\nA;B\n"), "Colonnes manquantes : secteur, type, commune"),
        (upload("", "vide.csv"), "vide"),
        (SimpleUploadedFile("x.xlsx", b"PK\x03\x04 pas un classeur"), "XLSX lisible"),
        (SimpleUploadedFile("x.pdf", b"%PDF-1.4"), "Formats acceptés : csv, xlsx"),
    ]
    for file, message in cases:
        response = coordinator_client.post(IMPORT, {"kind": ORGANIZATIONS, "file": file})
        assert message in page_of(response), message
        assert "plan" not in response.context


def test_an_xlsx_file_and_windows_csv_are_read(coordinator_client):
    workbook = openpyxl.Workbook()
    workbook.active.append(["Nom", "Secteur", "Type", "Commune", "Code postal"])
    workbook.active.append(["Musée Tavet", "Culture", "Musée", "Pontoise", 95300])
    buffer = io.BytesIO()
    workbook.save(buffer)
    file = SimpleUploadedFile("musees.xlsx", buffer.getvalue())
    response = coordinator_client.post(IMPORT, {"kind": ORGANIZATIONS, "file": file})
    assert [row.action for row in response.context["plan"].rows] == ["new"]
    windows = "nom;secteur;type;commune\nThéâtre;Culture;Théâtre, lieu de diffusion;Cergy\n"
    file = SimpleUploadedFile("t.csv", windows.encode("cp1252"))
    response = coordinator_client.post(IMPORT, {"kind": ORGANIZATIONS, "file": file})
    assert response.context["plan"].rows[0].data["nom"] == "Théâtre"


def test_the_export_has_the_import_columns_and_reimports_unchanged(coordinator_client, coordinator):
    OrganizationFactory(name="=Crèche Formule", siret="12345678901234")
    response = coordinator_client.get(
        reverse("members:import_export", kwargs={"kind": ORGANIZATIONS, "extension": "csv"})
    )
    text = response.content.decode("utf-8-sig")
    assert text.startswith("nom;secteur;type;siret;")
    assert "'=Crèche Formule" in text  # a formula neutralised
    xlsx = coordinator_client.get(
        reverse("members:import_export", kwargs={"kind": PEOPLE, "extension": "xlsx"})
    )
    assert openpyxl.load_workbook(io.BytesIO(xlsx.content)).active["A1"].value == "prénom"
    clean = text.replace("'=Crèche", "=Crèche")
    plan = plan_import(kind=ORGANIZATIONS, rows=rows(ORGANIZATIONS, clean))
    assert {row.action for row in plan.rows} == {"unchanged"}
