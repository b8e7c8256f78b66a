"""The practice sheet as a PDF (WeasyPrint): it opens, carries the title with its French
accents and typography, embeds its image, and numbers its pages."""

import shutil
import subprocess

import pytest
from django.urls import reverse
from factories import CoordinatorFactory
from project_factories import PracticeFactory, png_upload
from service_checks import require

from projects.enums import PracticeStatus
from projects.models import PracticeImage

pytestmark = pytest.mark.django_db


def pdf_tool(name: str) -> str:
    path = shutil.which(name)
    require(f"{name} (poppler-utils)", path is not None, "apt-get install poppler-utils")
    return path


@pytest.fixture
def sheet():
    practice = PracticeFactory(
        title="Éveil sonore à la crèche : « Ça résonne ! »",
        summary="Des musiciennes en résidence, où les bébés écoutent, touchent et chantent.",
        what_was_done="<p>Douze séances ; un concert final. Pourquoi ? Pour les familles !</p>",
        lessons="<ul><li>Prévoir un temps d'échange avec les équipes.</li></ul>",
    )
    PracticeImage.objects.create(
        practice=practice, image=png_upload(size=(120, 80)), alt_text="Une harpe et des bébés"
    )
    return practice


def fetch(client, practice, tmp_path):
    response = client.get(reverse("projects:practice_pdf", kwargs={"slug": practice.slug}))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"].startswith("inline;")
    path = tmp_path / "fiche.pdf"
    path.write_bytes(response.content)
    return path


def text_of(path) -> str:
    result = subprocess.run(
        [pdf_tool("pdftotext"), "-layout", str(path), "-"],
        capture_output=True,
        check=True,
        text=True,
    )
    return result.stdout


def test_the_public_sheet_opens_with_its_french_title_and_page_numbers(client, sheet, tmp_path):
    path = fetch(client, sheet, tmp_path)
    assert path.read_bytes().startswith(b"%PDF-")
    text = text_of(path)
    flat = " ".join(text.split())
    assert "Éveil sonore à la crèche" in flat
    assert "Ça résonne" in flat
    assert "Prévoir un temps d'échange" in flat or "Prévoir un temps d’échange" in flat
    assert "Page 1 / 1" in flat


def test_french_spacing_in_text_and_html_but_never_in_tags():
    from projects.views.practices import _typeset

    assert _typeset("Crèche : « Ça résonne ! »") == "Crèche\u00a0: «\u202fÇa résonne\u202f!\u202f»"
    html = '<p>Pourquoi ? <a href="https://exemple.fr/a?b=1" title="x ; y">Ici ;</a></p>'
    assert _typeset(html) == (
        '<p>Pourquoi\u202f? <a href="https://exemple.fr/a?b=1" title="x ; y">Ici\u202f;</a></p>'
    )


def test_the_sheet_embeds_its_image(client, sheet, tmp_path):
    path = fetch(client, sheet, tmp_path)
    assert b"/Subtype /Image" in path.read_bytes() or b"/Subtype/Image" in path.read_bytes()
    listing = subprocess.run(
        [pdf_tool("pdfimages"), "-list", str(path)], capture_output=True, check=True, text=True
    ).stdout
    images = [line for line in listing.splitlines()[2:] if line.strip()]
    assert len(images) == 1
    assert images[0].split()[3:5] == ["120", "80"]


def test_a_draft_sheet_is_not_printed_for_the_public(client, sheet):
    sheet.status = PracticeStatus.DRAFT
    sheet.published_at = None
    sheet.save()
    response = client.get(reverse("projects:practice_pdf", kwargs={"slug": sheet.slug}))
    assert response.status_code == 404


def test_a_draft_printed_by_the_coordination_is_kept_out_of_caches(client, sheet):
    sheet.status = PracticeStatus.SUBMITTED
    sheet.published_at = None
    sheet.save()
    client.force_login(CoordinatorFactory())
    response = client.get(reverse("projects:practice_pdf", kwargs={"slug": sheet.slug}))
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]


def pdf_pages(path) -> int:
    info = subprocess.run(
        [pdf_tool("pdfinfo"), str(path)], capture_output=True, check=True, text=True
    ).stdout
    return int(next(line for line in info.splitlines() if line.startswith("Pages:")).split()[1])


def test_a_short_sheet_stays_on_one_page_with_its_footer(client, tmp_path):
    """The longest sheet the demo data makes without an image fits one page; its
    publication line and address are the page's footer (they used to spill alone onto a
    second page)."""
    from members.enums import Sector
    from members.models import AgeGroup, Commune, Discipline
    from projects import seed
    from projects.enums import BudgetRange

    def longest(texts):
        return max(texts, key=len)

    title, summary, *_ = max(seed.PRACTICES, key=lambda row: len(row[0]) + len(row[1]))
    practice = PracticeFactory(
        title=f"{title} (Saint-Ouen-l'Aumône)",
        slug="une-fiche-courte-du-jeu-de-demonstration-saint-ouen-l-aumone-8",
        sector=Sector.EARLY_CHILDHOOD,
        summary=summary,
        context=longest(seed.CONTEXTS),
        what_was_done=longest(seed.WHAT_WAS_DONE),
        partners="Association Éveil et culture de Louvres, le relais petite enfance et la "
        "médiathèque de la commune",
        duration=longest(seed.DURATIONS),
        budget_range=max(BudgetRange, key=lambda choice: len(choice.label)),
        replication=longest(seed.REPLICATION),
        lessons=longest(seed.LESSONS),
        contact="eveil-artistique@valdoise.fr",
    )
    practice.communes.set(Commune.objects.filter(name="Saint-Ouen-l'Aumône")[:1])
    practice.age_groups.set(AgeGroup.objects.all()[:3])
    practice.disciplines.set(Discipline.objects.all()[:2])

    path = fetch(client, practice, tmp_path)

    assert pdf_pages(path) == 1
    flat = " ".join(text_of(path).split())
    assert "Fiche publiée le" in flat and "Page 1 / 1" in flat
    assert "Enseignements" in flat
