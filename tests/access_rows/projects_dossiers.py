"""Dossiers: an organisation's files are its own (member, referent) and the coordination's.

The other organisation's member and the observers get 404 on anything about the sample
dossier; the board and the export are the coordination's. POST endpoints answer 405 to
a GET once the visitor is in the network (observers: 404 first).
"""

from access import coordination_only, network, post_only
from django.core.files.uploadedfile import SimpleUploadedFile
from project_factories import DossierFactory, today_plus

from projects.models import DossierDeadline, DossierDocument


def _dossier(samples):
    return {"pk": samples["dossiers_dossier"].pk}


def _document(samples):
    return _dossier(samples) | {"document_pk": samples["dossiers_document"].pk}


def _deadline(samples):
    return _dossier(samples) | {"deadline_pk": samples["dossiers_deadline"].pk}


# Only the organisation (member, referent) and the coordination see the dossier.
OWN = {"other_member": 404, "observer": 404}

ROUTES = {
    # Everyone in the network has their own list (possibly empty); not the observers.
    "projects:dossiers": network(observer=404),
    # The Observation group reads the board (never a dossier's own page).
    "projects:dossier_board": coordination_only(observer=200),
    "projects:dossiers_csv": coordination_only(),
    "projects:dossier_create": network(observer=404),
    "projects:dossier": network(**OWN, kwargs=_dossier),
    "projects:dossier_edit": network(**OWN, kwargs=_dossier),
    "projects:dossier_document_file": network(**OWN, kwargs=_document),
    "projects:dossier_transition": post_only(
        observer=404, kwargs=lambda s: _dossier(s) | {"name": "preparer"}
    ),
    "projects:dossier_document_add": post_only(observer=404, kwargs=_dossier),
    "projects:dossier_document_toggle": post_only(observer=404, kwargs=_document),
    "projects:dossier_document_upload": post_only(observer=404, kwargs=_document),
    "projects:dossier_document_delete": post_only(observer=404, kwargs=_document),
    "projects:dossier_deadline_add": post_only(observer=404, kwargs=_dossier),
    "projects:dossier_deadline_delete": post_only(observer=404, kwargs=_deadline),
}


def samples(base: dict) -> dict:
    """A dossier of org_a (the member's and the referent's) with a file and a key date."""
    dossier = DossierFactory(organization=base["org_a"])
    document = DossierDocument.objects.create(
        dossier=dossier,
        label="Budget prévisionnel",
        file=SimpleUploadedFile("budget.pdf", b"%PDF-1.4"),
    )
    deadline = DossierDeadline.objects.create(dossier=dossier, kind="depot", due_on=today_plus(9))
    return {
        "dossiers_dossier": dossier,
        "dossiers_document": document,
        "dossiers_deadline": deadline,
    }
