"""Loading the network's existing contact spreadsheets: organisations, then people.

A file (CSV or XLSX, the columns of `COLUMNS`) is read into rows, then each row is
planned: new, updated, unchanged or refused with its reasons (unknown commune or postal
code, invalid e-mail, unknown organisation, look-alike of an organisation already in the
network, a line repeated in the file). The coordinator sees that plan (a dry run that
writes nothing), then confirms: `network_import` plans again inside its transaction and
applies it. Rows are matched to what exists (an organisation by SIRET, else by name and
commune; a person by e-mail), so importing the same file again changes nothing. The
same columns export back (`export_rows`).
"""

import csv
import io
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.core.validators import URLValidator, validate_email
from django.db.models import Q
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from openpyxl import load_workbook

from consortium.core.french import fold

from .enums import AffiliationStatus, OrganizationStatus, Sector
from .models import Affiliation, Commune, Organization, OrganizationType, Person
from .querysets import names_look_alike, normalized_name

MAX_ROWS = 5000
MAX_BYTES = 2 * 1024 * 1024

ORGANIZATIONS, PEOPLE = "structures", "personnes"
KINDS = {ORGANIZATIONS: gettext_lazy("Structures"), PEOPLE: gettext_lazy("Personnes")}
# The columns of each kind of file, as people write them (case and accents do not matter).
COLUMNS = {
    ORGANIZATIONS: [
        "nom",
        "secteur",
        "type",
        "siret",
        "adresse",
        "code postal",
        "commune",
        "e-mail",
        "téléphone",
        "site web",
    ],
    PEOPLE: ["prénom", "nom", "e-mail", "téléphone", "fonction", "structure", "référent"],
}
REQUIRED = {
    ORGANIZATIONS: ["nom", "secteur", "type", "commune"],
    PEOPLE: ["prénom", "nom", "e-mail", "structure"],
}
YES = {"oui", "o", "x", "1", "yes", "vrai"}


class ImportFileError(ValueError):
    """The file cannot be read as a table of the expected columns (a French message)."""


# --- Reading the file -------------------------------------------------------------------


def _key(header) -> str:
    return " ".join(fold(str(header or "")).replace("_", " ").replace("-", " ").split())


COLUMN_KEYS = {kind: {_key(name): name for name in names} for kind, names in COLUMNS.items()}


def read_table(*, kind: str, name: str, content: bytes) -> list[dict]:
    """The rows of a CSV or XLSX file as {column: text}, the header row recognised."""
    if len(content) > MAX_BYTES:
        raise ImportFileError(_("Le fichier dépasse 2 Mo : découpez-le en plusieurs fichiers."))
    table = _xlsx_rows(content) if name.lower().endswith(".xlsx") else _csv_rows(content)
    if not table:
        raise ImportFileError(_("Le fichier est vide."))
    header = [COLUMN_KEYS[kind].get(_key(cell)) for cell in table[0]]
    missing = [column for column in REQUIRED[kind] if column not in header]
    if missing:
        raise ImportFileError(
            _("Colonnes manquantes : %(columns)s. La première ligne doit nommer les colonnes.")
            % {"columns": ", ".join(missing)}
        )
    rows = [_row(header, values) for values in table[1:] if any(_text(v) for v in values)]
    if len(rows) > MAX_ROWS:
        raise ImportFileError(_("Pas plus de %(count)d lignes par fichier.") % {"count": MAX_ROWS})
    return rows


def _text(value) -> str:
    if isinstance(value, float) and value.is_integer():
        value = int(value)  # a spreadsheet's 95000.0 postal code
    return " ".join(str(value if value is not None else "").split())


def _row(header: list, values) -> dict:
    row = {column: "" for column in header if column}
    for column, value in zip(header, values, strict=False):
        if column:
            row[column] = _text(value)
    return row


def _csv_rows(content: bytes) -> list[list]:
    try:
        text = content.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = content.decode("cp1252", errors="replace")  # Excel's "CSV" on Windows
    dialect = ";" if text.split("\n", 1)[0].count(";") >= text.split("\n", 1)[0].count(",") else ","
    return list(csv.reader(io.StringIO(text), delimiter=dialect))


def _xlsx_rows(content: bytes) -> list[list]:
    try:
        workbook = load_workbook(io.BytesIO(content), read_only=True, data_only=True)
    except Exception as error:  # openpyxl raises many kinds for a file that is not XLSX
        raise ImportFileError(_("Ce fichier n'est pas un classeur XLSX lisible.")) from error
    sheet = workbook.worksheets[0]
    rows = [
        list(row)
        for _index, row in zip(range(MAX_ROWS + 2), sheet.iter_rows(values_only=True), strict=False)
    ]
    workbook.close()
    return rows


# --- Planning ----------------------------------------------------------------------------

NEW, UPDATED, UNCHANGED, REFUSED = "new", "updated", "unchanged", "refused"


@dataclass
class PlannedRow:
    line: int  # as the spreadsheet numbers it (the header is line 1)
    data: dict
    action: str = NEW
    reasons: list[str] = field(default_factory=list)
    existing: object = None  # the organisation or person the row updates
    values: dict = field(default_factory=dict)  # cleaned values to write

    @property
    def label(self) -> str:
        if "prénom" in self.data:
            return f"{self.data.get('prénom', '')} {self.data.get('nom', '')}".strip()
        return self.data.get("nom", "")


@dataclass
class Plan:
    kind: str
    rows: list[PlannedRow]

    def count(self, action: str) -> int:
        return sum(row.action == action for row in self.rows)

    @property
    def counts(self) -> dict:
        return {action: self.count(action) for action in (NEW, UPDATED, UNCHANGED, REFUSED)}


def plan_import(*, kind: str, rows: list[dict]) -> Plan:
    """What importing `rows` would do, row by row (reads only)."""
    planner = _plan_organization if kind == ORGANIZATIONS else _plan_person
    context = _Lookups(kind)
    planned = [planner(PlannedRow(line, row), context) for line, row in enumerate(rows, start=2)]
    return Plan(kind, planned)


class _Lookups:
    """What the rows are matched against, read once per import."""

    def __init__(self, kind: str):
        self.seen: dict[str, int] = {}
        communes = list(Commune.objects.all())
        self.communes_by_code = {commune.insee_code: commune for commune in communes}
        self.communes_by_name: dict[str, list] = {}
        for commune in communes:
            self.communes_by_name.setdefault(_key(commune.name), []).append(commune)
        self.types = {_key(t.name): t for t in OrganizationType.objects.all()}
        self.sectors = {_key(label): value for value, label in Sector.choices}
        self.sectors |= {_key(value): value for value in Sector.values}
        organizations = list(Organization.objects.exclude(status=OrganizationStatus.REFUSED))
        self.organizations = organizations
        self.by_siret = {o.siret: o for o in organizations if o.siret}
        self.by_name = {}
        for organization in organizations:
            self.by_name.setdefault(normalized_name(organization.name), []).append(organization)
        if kind == PEOPLE:
            people = Person.objects.select_related("user").prefetch_related("affiliations")
            self.people = {person.user.email.lower(): person for person in people}

    def once(self, key: str, line: int) -> str:
        """ "" the first time `key` is met in the file, else the reason for refusing it."""
        first = self.seen.setdefault(key, line)
        return (
            ""
            if first == line
            else _("en double dans le fichier (ligne %(line)d)") % {"line": first}
        )


def _commune(row: PlannedRow, lookups: _Lookups):
    name, postal = row.data.get("commune", ""), row.data.get("code postal", "")
    if name.isdigit() and len(name) == 5 and name in lookups.communes_by_code:
        return lookups.communes_by_code[name]
    candidates = lookups.communes_by_name.get(_key(name), [])
    if postal:
        candidates = [c for c in candidates if postal in c.postal_codes.split()]
    if len(candidates) == 1:
        return candidates[0]
    row.reasons.append(
        _("commune ou code postal inconnu dans le Val-d'Oise : « %(commune)s %(postal)s »")
        % {"commune": name, "postal": postal}
    )
    return None


def _email(row: PlannedRow, column: str = "e-mail") -> str:
    address = row.data.get(column, "").lower()
    if address:
        try:
            validate_email(address)
        except ValidationError:
            row.reasons.append(_("adresse e-mail invalide : « %(email)s »") % {"email": address})
            return ""
    return address


def _website(row: PlannedRow) -> str:
    address = row.data.get("site web", "")
    if address and not address.startswith(("http://", "https://")):
        address = f"https://{address}"
    if address:
        try:
            URLValidator()(address)
        except ValidationError:
            row.reasons.append(_("site web invalide : « %(url)s »") % {"url": address})
            return ""
    return address[:200]


def _plan_organization(row: PlannedRow, lookups: _Lookups) -> PlannedRow:
    data = row.data
    sector = lookups.sectors.get(_key(data.get("secteur")))
    if not sector:
        row.reasons.append(
            _("secteur inconnu : « %(value)s » (attendus : %(choices)s)")
            % {"value": data.get("secteur", ""), "choices": ", ".join(map(str, Sector.labels))}
        )
    kind = lookups.types.get(_key(data.get("type")))
    if kind is None:
        row.reasons.append(
            _("type de structure inconnu : « %(value)s »") % {"value": data.get("type", "")}
        )
    commune = _commune(row, lookups)
    siret = data.get("siret", "").replace(" ", "")
    if siret and not (siret.isdigit() and len(siret) == 14):
        row.reasons.append(_("SIRET invalide : 14 chiffres attendus"))
    email = _email(row)
    website = _website(row)
    if not data.get("nom"):
        row.reasons.append(_("nom manquant"))
    repeated = lookups.once(
        siret or f"{normalized_name(data.get('nom', ''))}@{commune and commune.pk}", row.line
    )
    if repeated:
        row.reasons.append(repeated)
    row.values = {
        "name": data.get("nom", "")[:200],
        "sector": sector,
        "type": kind,
        "siret": siret,
        "address": data.get("adresse", "")[:250],
        "commune": commune,
        "email": email,
        "phone": data.get("téléphone", "")[:30],
        "website": website,
    }
    if not row.reasons:
        _match_organization(row, lookups)
    return _finish(row)


def _match_organization(row: PlannedRow, lookups: _Lookups) -> None:
    values = row.values
    same = lookups.by_siret.get(values["siret"]) if values["siret"] else None
    if same is None:
        named = lookups.by_name.get(normalized_name(values["name"]), [])
        same = next((o for o in named if o.commune_id == values["commune"].pk), None)
    if same is not None:
        row.existing = same
        return
    for organization in lookups.organizations:
        if organization.commune_id == values["commune"].pk and names_look_alike(
            organization.name, values["name"]
        ):
            row.reasons.append(
                _("ressemble à « %(name)s », déjà dans le réseau : corrigez le nom ou le SIRET")
                % {"name": organization.name}
            )
            return


def _organization_for(name: str, lookups: _Lookups):
    by_siret = lookups.by_siret.get(name.replace(" ", ""))
    if by_siret:
        return by_siret
    named = lookups.by_name.get(normalized_name(name), [])
    return named[0] if len(named) == 1 else None


def _plan_person(row: PlannedRow, lookups: _Lookups) -> PlannedRow:
    data = row.data
    for column in ("prénom", "nom"):
        if not data.get(column):
            row.reasons.append(_("%(column)s manquant") % {"column": column})
    email = _email(row)
    if not email and "e-mail" not in " ".join(row.reasons):
        row.reasons.append(_("adresse e-mail manquante"))
    organization = _organization_for(data.get("structure", ""), lookups)
    if organization is None:
        row.reasons.append(
            _("structure inconnue : « %(name)s » (importez d'abord les structures)")
            % {"name": data.get("structure", "")}
        )
    if email and (repeated := lookups.once(email, row.line)):
        row.reasons.append(repeated)
    row.values = {
        "first_name": data.get("prénom", "")[:150],
        "last_name": data.get("nom", "")[:150],
        "email": email,
        "phone": data.get("téléphone", "")[:30],
        "job_title": data.get("fonction", "")[:120],
        "organization": organization,
        "is_referent": fold(data.get("référent", "")) in YES,
    }
    row.existing = lookups.people.get(email) if email else None
    return _finish(row)


def _finish(row: PlannedRow) -> PlannedRow:
    if row.reasons:
        row.action = REFUSED
    elif row.existing is None:
        row.action = NEW
    else:
        row.action = UPDATED if _changes(row) else UNCHANGED
    return row


ORGANIZATION_FIELDS = ["sector", "type", "siret", "address", "email", "phone", "website"]
PERSON_FIELDS = ["phone", "job_title"]


def _changes(row: PlannedRow) -> dict:
    """The fields the row would change on what it matched (empty cells change nothing)."""
    existing, values = row.existing, row.values
    if isinstance(existing, Organization):
        names = ORGANIZATION_FIELDS
        changed = {n: values[n] for n in names if values[n] and getattr(existing, n) != values[n]}
        return changed
    changed = {
        n: values[n] for n in PERSON_FIELDS if values[n] and getattr(existing, n) != values[n]
    }
    affiliation = _affiliation_of(existing, values["organization"])
    if affiliation is None or affiliation.status != AffiliationStatus.ACTIVE:
        changed["organization"] = values["organization"]
    elif values["is_referent"] and not affiliation.is_referent:
        changed["is_referent"] = True
    return changed


def _affiliation_of(person: Person, organization: Organization) -> Affiliation | None:
    return next(
        (a for a in person.affiliations.all() if a.organization_id == organization.pk), None
    )


# --- Exporting back ------------------------------------------------------------------------


def export_rows(kind: str) -> list[list]:
    """The network's organisations or people in the columns of the import (header first)."""
    if kind == ORGANIZATIONS:
        rows = Organization.objects.active().select_related("type", "commune").order_by("name")
        body = [
            [
                o.name,
                o.get_sector_display(),
                o.type.name,
                o.siret,
                o.address,
                o.commune.postal_codes.split()[0] if o.commune.postal_codes else "",
                o.commune.name,
                o.email,
                o.phone,
                o.website,
            ]
            for o in rows
        ]
    else:
        affiliations = (
            Affiliation.objects.filter(status=AffiliationStatus.ACTIVE)
            .filter(Q(person__in=Person.objects.active()))
            .select_related("person__user", "organization")
            .order_by("organization__name", "person__user__last_name")
        )
        body = [
            [
                a.person.user.first_name,
                a.person.user.last_name,
                a.person.user.email,
                a.person.phone,
                a.person.job_title,
                a.organization.name,
                _("oui") if a.is_referent else _("non"),
            ]
            for a in affiliations
        ]
    return [COLUMNS[kind], *body]
