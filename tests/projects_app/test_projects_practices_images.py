"""Images of the best practices: served by a view that checks who sees the sheet (never
from /media/), shown inline with safe headers, and cleared of their metadata (EXIF, GPS)
when they are uploaded."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from factories import CoordinatorFactory
from PIL import Image
from project_factories import PracticeFactory, png_upload

from consortium.core.uploads import strip_image_metadata
from projects.enums import PracticeStatus
from projects.models import Practice, PracticeImage
from projects_app.test_projects_practices import form_data

pytestmark = pytest.mark.django_db

GPS = 0x8825
MAKE = 0x010F
ORIENTATION = 0x0112


def jpeg_upload(name="photo.jpg", size=(60, 40), orientation=None) -> SimpleUploadedFile:
    """A JPEG as a phone takes it: camera make and GPS position in its EXIF."""
    exif = Image.Exif()
    exif[MAKE] = "Téléphone de Camille"
    exif[GPS] = {1: "N", 2: (49.0, 2.0, 11.0), 3: "E", 4: (2.0, 4.0, 30.0)}
    if orientation:
        exif[ORIENTATION] = orientation
    buffer = io.BytesIO()
    Image.new("RGB", size, (30, 120, 200)).save(buffer, "JPEG", exif=exif)
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/jpeg")


def opened(data: bytes) -> Image.Image:
    image = Image.open(io.BytesIO(data))
    image.load()  # the whole image decodes, not just its header
    return image


@pytest.fixture
def draft(organization, member):
    return PracticeFactory(
        status=PracticeStatus.DRAFT,
        published_at=None,
        organization=organization,
        proposed_by=member,
    )


def add_image(practice, **fields) -> PracticeImage:
    return PracticeImage.objects.create(
        practice=practice, image=png_upload(), alt_text="Un atelier", **fields
    )


def image_url(image: PracticeImage, practice=None) -> str:
    practice = practice or image.practice
    return reverse("projects:practice_image", kwargs={"slug": practice.slug, "pk": image.pk})


def fetch(client, url):
    response = client.get(url)
    if response.streaming:
        body = b"".join(response.streaming_content)  # reading it closes the file
        return response, body
    return response, response.content


# --- Served by a view, for those who see the sheet ------------------------------------------


def test_a_published_image_is_public_cached_and_inline(client):
    image = add_image(PracticeFactory())
    response, body = fetch(client, image_url(image))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/png"
    assert response["Content-Disposition"].startswith("inline")
    assert response["X-Content-Type-Options"] == "nosniff"
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert cache == {"public", "max-age=3600"}
    assert opened(body).size == (48, 32)


def test_a_draft_image_is_for_its_authors_only_and_never_cached(
    client, draft, member, other_member
):
    image = add_image(draft)
    url = image_url(image)
    assert fetch(client, url)[0].status_code == 404
    client.force_login(other_member.user)  # a member of another organisation
    assert fetch(client, url)[0].status_code == 404
    client.force_login(CoordinatorFactory())
    assert fetch(client, url)[0].status_code == 200
    client.force_login(member.user)
    response, body = fetch(client, url)
    assert response.status_code == 200
    cache = {part.strip() for part in response["Cache-Control"].split(",")}
    assert {"private", "no-store"} <= cache
    assert "public" not in cache and "max-age=3600" not in cache
    assert opened(body).format == "PNG"


def test_an_image_is_found_only_through_its_own_sheet(client, draft):
    published = PracticeFactory()
    hidden = add_image(draft)
    # The draft's image through a public sheet's address: not found.
    assert fetch(client, image_url(hidden, practice=published))[0].status_code == 404
    missing = reverse("projects:practice_image", kwargs={"slug": published.slug, "pk": 999999})
    assert fetch(client, missing)[0].status_code == 404


def test_a_jpeg_is_served_as_jpeg(client):
    practice = PracticeFactory()
    image = PracticeImage.objects.create(practice=practice, image=jpeg_upload(), alt_text="Photo")
    response, _ = fetch(client, image_url(image))
    assert response["Content-Type"] == "image/jpeg"


def test_a_withdrawn_sheet_s_images_disappear_with_it(client):
    practice = PracticeFactory()
    image = add_image(practice)
    Practice.objects.filter(pk=practice.pk).update(status=PracticeStatus.WITHDRAWN)
    assert fetch(client, image_url(image))[0].status_code == 404


def test_pages_link_images_through_the_view_never_media(client, draft, member):
    published = PracticeFactory()
    shown = add_image(published)
    catalogue = client.get(reverse("projects:practices")).content.decode()
    assert f'src="{image_url(shown)}"' in catalogue
    sheet = client.get(published.get_absolute_url()).content.decode()
    assert f'src="{image_url(shown)}"' in sheet
    assert f'<meta property="og:image" content="http://testserver{image_url(shown)}">' in sheet
    own = add_image(draft)
    client.force_login(member.user)
    form = client.get(reverse("projects:practice_edit", kwargs={"slug": draft.slug}))
    assert f'src="{image_url(own)}"' in form.content.decode()
    for content in (catalogue, sheet, form.content.decode()):
        assert "/media/" not in content


def test_the_image_view_s_query_count_does_not_depend_on_the_images(
    client, django_assert_max_num_queries
):
    practice = PracticeFactory()
    images = [add_image(practice, position=n) for n in range(5)]
    with django_assert_max_num_queries(4):
        assert fetch(client, image_url(images[-1]))[0].status_code == 200


# --- Metadata removed at upload ---------------------------------------------------------------


def test_exif_and_gps_are_removed_and_the_image_still_opens():
    upload = jpeg_upload()
    assert opened(upload.read()).getexif().get(GPS) is not None  # the sample carries them
    cleaned = strip_image_metadata(upload)
    image = opened(cleaned.read())
    assert image.format == "JPEG"
    assert image.size == (60, 40)
    assert dict(image.getexif()) == {}
    assert "exif" not in image.info and "icc_profile" not in image.info
    assert cleaned.name == "photo.jpg"
    assert cleaned.content_type == "image/jpeg"


def test_a_photo_taken_sideways_is_turned_upright():
    cleaned = strip_image_metadata(jpeg_upload(size=(60, 40), orientation=6))
    assert opened(cleaned.read()).size == (40, 60)


@pytest.mark.parametrize(("name", "image_format"), [("a.png", "PNG"), ("b.webp", "WEBP")])
def test_png_and_webp_keep_their_format_without_metadata(name, image_format):
    exif = Image.Exif()
    exif[MAKE] = "Appareil"
    buffer = io.BytesIO()
    Image.new("RGBA", (20, 10), (1, 2, 3, 128)).save(
        buffer, image_format, exif=exif, icc_profile=b"profil"
    )
    cleaned = strip_image_metadata(SimpleUploadedFile(name, buffer.getvalue()))
    image = opened(cleaned.read())
    assert image.format == image_format
    assert image.mode == "RGBA"  # transparency kept
    assert dict(image.getexif()) == {}
    assert "icc_profile" not in image.info


def test_an_uploaded_photo_is_stored_without_its_exif(client, organization, member):
    client.force_login(member.user)
    data = form_data(organization=organization.pk, **{"images-0-image": jpeg_upload()})
    assert client.post(reverse("projects:practice_create"), data).status_code == 302
    stored = PracticeImage.objects.get()
    assert stored.image.name.endswith(".jpg")
    with stored.image.open("rb") as handle:
        image = opened(handle.read())
    assert dict(image.getexif()) == {}
    assert image.size == (60, 40)


def test_keeping_the_stored_image_does_not_re_encode_it(client, draft, member):
    image = add_image(draft)
    before = image.image.name
    client.force_login(member.user)
    data = form_data(
        title="Titre modifié",
        organization=draft.organization_id,
        **{
            "images-INITIAL_FORMS": "1",
            "images-0-id": image.pk,
            "images-0-practice": draft.pk,
            "images-0-alt_text": "Nouveau texte",
        },
    )
    del data["images-0-image"]
    response = client.post(reverse("projects:practice_edit", kwargs={"slug": draft.slug}), data)
    assert response.status_code == 302
    image.refresh_from_db()
    assert image.image.name == before
    assert image.alt_text == "Nouveau texte"
