"""Regressions found by the hostile-input tests (tests/test_hostile_forms.py)."""

import pytest
from django.urls import reverse
from project_factories import DossierFactory

from consortium.core.sqlite import _bind_int


def test_a_need_support_with_a_next_that_is_not_a_path_goes_back_to_the_need(client, member):
    from member_factories import NeedFactory

    need = NeedFactory()
    client.force_login(member.user)
    for hostile in ("1", "members:needs", "//evil.example/x", "https://evil.example/"):
        response = client.post(reverse("members:need_support", args=[need.pk]), {"next": hostile})
        assert response.status_code == 302
        assert response["Location"] == need.get_absolute_url()
    response = client.post(reverse("members:need_support", args=[need.pk]), {"next": "/besoins/"})
    assert response["Location"] == f"/besoins/#besoin-{need.pk}"


def test_an_affiliation_decision_with_a_next_that_is_not_a_path(client, referent, organization):
    from member_factories import AffiliationFactory, PersonFactory

    request = AffiliationFactory(
        person=PersonFactory(), organization=organization, status="pending"
    )
    client.force_login(referent.user)
    url = reverse("members:affiliation_decide", args=[organization.slug, request.pk, "accepter"])
    response = client.post(url, {"next": "1"})
    assert response.status_code == 302
    assert response["Location"] == reverse("members:organization_manage", args=[organization.slug])


@pytest.mark.parametrize("huge", [2**63, 10**25])
def test_an_id_beyond_64_bits_is_not_found_not_a_crash(client, member, organization, huge):
    # 500 on SQLite before: a foreign-key lookup (dossier_id=...) bound the int as is.
    dossier = DossierFactory(organization=organization)
    client.force_login(member.user)
    for kwargs in ({"pk": huge, "document_pk": 1}, {"pk": dossier.pk, "document_pk": huge}):
        url = reverse("projects:dossier_document_upload", kwargs=kwargs)
        assert client.post(url).status_code == 404


def test_sqlite_binds_huge_integers_as_reals():
    assert _bind_int(5) == 5 and isinstance(_bind_int(5), int)
    assert _bind_int(2**63) == float(2**63)


@pytest.mark.parametrize("closes_at", ["0001-01-01T00:10", "9999-12-31T23:59", "1899-12-31T12:00"])
def test_a_survey_closing_in_an_unlikely_year_is_refused_in_french(closes_at):
    # 500 on PostgreSQL before: year 1 at 00:10 in Paris is year 0 in UTC.
    from evaluations.forms.manage import SurveySettingsForm

    form = SurveySettingsForm({"title": "Bilan", "introduction": "", "closes_at": closes_at})
    assert not form.is_valid()
    assert form.errors["closes_at"] == ["Indiquez une date entre 1900 et 2100."]
