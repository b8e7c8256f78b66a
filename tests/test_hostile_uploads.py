"""Hostile uploads: polyglots, wrong extensions, decompression bombs, huge dimensions,
zero-byte files, names with path separators. Each is refused with a French message (or,
for a name, made harmless) and nothing crashes."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from hostile import png

from consortium.core.uploads import (
    strip_image_metadata,
    validate_document,
    validate_image,
    validate_spreadsheet,
)


def refused(validator, name: str, content: bytes) -> str:
    with pytest.raises(ValidationError) as refusal:
        validator(SimpleUploadedFile(name, content))
    return " ".join(refusal.value.messages)


def test_a_polyglot_is_only_what_its_extension_and_first_bytes_say():
    html_in_pdf = b"<html><script>alert(1)</script>%PDF-1.4"
    assert "ne correspond pas à son extension" in refused(validate_document, "a.pdf", html_in_pdf)
    assert "ne correspond pas" in refused(validate_image, "a.png", b"%PDF-1.4" + png(2, 2))


def test_wrong_extensions_are_refused():
    assert "Formats acceptés" in refused(validate_document, "run.exe", b"MZ\x90\x00")
    assert "Formats acceptés" in refused(validate_document, "page.html", b"<html>")
    assert "Formats acceptés" in refused(validate_image, "vector.svg", b"<svg onload=x>")
    assert "Formats acceptés" in refused(validate_spreadsheet, "macro.xlsm", b"PK\x03\x04")


def test_huge_dimensions_in_a_few_bytes_are_refused_before_decoding():
    # 50 million pixels announced in a few hundred bytes: over the portal's cap.
    assert "trop grande" in refused(validate_image, "big.png", png(10000, 5000, truncate=True))
    # 400 million: Pillow itself refuses to open it (a decompression bomb).
    assert "ne peut pas être lue" in refused(
        validate_image, "bomb.png", png(20000, 20000, truncate=True)
    )


def test_a_truncated_image_is_re_encoded_whole_or_refused_never_a_crash():
    from PIL import Image

    upload = SimpleUploadedFile("cut.png", png(50, 50, truncate=True))
    validate_image(upload)  # the header alone is sound
    try:
        cleaned = strip_image_metadata(upload)
    except ValidationError as refusal:
        assert "ne peut pas être lue" in refusal.messages[0]
    else:  # what it holds is a clean, whole image of the announced size
        with Image.open(cleaned) as image:
            image.load()
            assert image.size == (50, 50)


def test_a_spreadsheet_that_unzips_to_gigabytes_is_refused():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("xl/sharedStrings.xml", b"<t>" + b"a" * 200_000_000 + b"</t>")
    assert len(buffer.getvalue()) < 2 * 1024 * 1024
    assert "décompressé" in refused(validate_spreadsheet, "bomb.xlsx", buffer.getvalue())


def test_zero_byte_files_and_path_separators_in_names(coordinator_client):
    empty = SimpleUploadedFile("vide.csv", b"")
    response = coordinator_client.post(
        reverse("members:import"), {"kind": "structures", "file": empty}
    )
    assert "vide" in response.content.decode() and "plan" not in response.context
    sneaky = SimpleUploadedFile("../../etc/passwd.csv", b"nom;secteur;type;commune\n")
    response = coordinator_client.post(
        reverse("members:import"), {"kind": "structures", "file": sneaky}
    )
    assert response.status_code == 200
    assert sneaky.name == "passwd.csv"  # Django keeps the last part of a name only
