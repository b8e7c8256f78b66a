"""Upload validation (size, extension and the file's actual content), and images cleared of
their metadata before they are published."""

import io
import warnings
import zipfile
from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
MAX_IMAGE_SIZE = 5 * 1024 * 1024
# Re-encoding decodes every pixel (4 bytes each): a few hundred KB of PNG can announce
# 13,000 × 13,000 pixels and cost gigabytes. 40 million pixels is above any phone photo.
MAX_IMAGE_PIXELS = 40_000_000

_ZIP = b"PK\x03\x04"
# Extension -> signatures the first bytes may start with (None: text, checked apart).
DOCUMENT_SIGNATURES = {
    ".pdf": (b"%PDF-",),
    ".docx": (_ZIP,),
    ".xlsx": (_ZIP,),
    ".pptx": (_ZIP,),
    ".odt": (_ZIP,),
    ".ods": (_ZIP,),
    ".odp": (_ZIP,),
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".txt": None,
    ".csv": None,
}
IMAGE_SIGNATURES = {
    ".png": (b"\x89PNG\r\n\x1a\n",),
    ".jpg": (b"\xff\xd8\xff",),
    ".jpeg": (b"\xff\xd8\xff",),
    ".webp": (b"RIFF",),
}


def _head(upload, size=2048) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _looks_like_text(head: bytes) -> bool:
    if b"\x00" in head:
        return False
    try:
        head.decode("utf-8")
    except UnicodeDecodeError as error:
        # A multi-byte character cut at the end of the sample is still text.
        return error.start >= len(head) - 3
    return True


def _validate(upload, signatures: dict, max_size: int) -> None:
    extension = Path(upload.name).suffix.lower()
    if extension not in signatures:
        allowed = ", ".join(sorted(ext.lstrip(".") for ext in signatures))
        raise ValidationError(
            _("Ce type de fichier n'est pas accepté. Formats acceptés : %(allowed)s.")
            % {"allowed": allowed},
            code="extension",
        )
    if upload.size > max_size:
        raise ValidationError(
            _("Le fichier est trop lourd (%(size)s) : %(max)s au maximum.")
            % {"size": filesizeformat(upload.size), "max": filesizeformat(max_size)},
            code="size",
        )
    head = _head(upload)
    expected = signatures[extension]
    matches = _looks_like_text(head) if expected is None else head.startswith(expected)
    if not matches:
        raise ValidationError(
            _("Le contenu du fichier ne correspond pas à son extension (%(ext)s).")
            % {"ext": extension},
            code="content",
        )


def validate_document(upload) -> None:
    """Office documents, PDF, images and plain text up to 10 MB."""
    if getattr(upload, "_committed", False):
        return  # already stored: validated when it was uploaded
    _validate(upload, DOCUMENT_SIGNATURES, MAX_DOCUMENT_SIZE)


def validate_image(upload) -> None:
    """PNG, JPEG or WebP images up to 5 MB and MAX_IMAGE_PIXELS."""
    if getattr(upload, "_committed", False):
        return
    _validate(upload, IMAGE_SIGNATURES, MAX_IMAGE_SIZE)
    _validate_dimensions(upload)


def _validate_dimensions(upload) -> None:
    """Refuse an image of more than MAX_IMAGE_PIXELS, from its header, before any decoding."""
    from PIL import Image

    upload.seek(0)
    try:
        # Image.open reads the header only; the pixels are decoded on first use. Its own
        # warning about huge images is superseded by the refusal below.
        with warnings.catch_warnings():
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            with Image.open(upload) as image:
                width, height = image.size
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("L'image ne peut pas être lue : choisissez-en une autre."), code="invalid_image"
        ) from error
    finally:
        upload.seek(0)
    if width * height > MAX_IMAGE_PIXELS:
        raise ValidationError(
            _(
                "L'image est trop grande (%(width)s × %(height)s pixels) : %(max)s millions "
                "de pixels au maximum. Réduisez-la avant de l'envoyer."
            )
            % {"width": width, "height": height, "max": MAX_IMAGE_PIXELS // 1_000_000},
            code="dimensions",
        )


# Extension (checked by validate_image) -> the format the image is re-encoded in.
IMAGE_FORMATS = {".png": "PNG", ".jpg": "JPEG", ".jpeg": "JPEG", ".webp": "WEBP"}
# The only Pillow metadata kept: PNG transparency, which is part of the picture.
_KEPT_INFO = ("transparency",)


def strip_image_metadata(upload) -> SimpleUploadedFile:
    """The image of `upload` re-encoded without its metadata (EXIF with GPS position and
    camera, ICC profile, text chunks), under the same name and format.

    Call it after validate_image. Photos taken sideways are turned upright first, since the
    EXIF orientation that told browsers to turn them is removed.
    """
    from PIL import Image, ImageOps

    image_format = IMAGE_FORMATS[Path(upload.name).suffix.lower()]
    upload.seek(0)
    try:
        with Image.open(upload) as original:
            image = ImageOps.exif_transpose(original)
    except (OSError, ValueError, Image.DecompressionBombError) as error:
        raise ValidationError(
            _("L'image ne peut pas être lue : choisissez-en une autre."), code="invalid_image"
        ) from error
    upload.seek(0)
    return SimpleUploadedFile(
        upload.name, _encoded(image, image_format), content_type=Image.MIME[image_format]
    )


def _encoded(image, image_format: str) -> bytes:
    # Pillow falls back on image.info for some metadata (the PNG ICC profile): empty it.
    image.info = {key: value for key, value in image.info.items() if key in _KEPT_INFO}
    options = {}
    if image_format == "JPEG":
        options["quality"] = 90
        if image.mode not in ("RGB", "L"):
            image = image.convert("RGB")
    elif image_format == "WEBP":
        options["quality"] = 90
    buffer = io.BytesIO()
    image.save(buffer, image_format, **options)
    return buffer.getvalue()


SPREADSHEET_SIGNATURES = {".csv": None, ".xlsx": (_ZIP,)}
MAX_SPREADSHEET_SIZE = 2 * 1024 * 1024


# An XLSX is a zip: 2 MB of it may unzip to gigabytes (a decompression bomb) that a
# spreadsheet reader would hold in memory. Real contact lists stay far below this.
MAX_SPREADSHEET_UNZIPPED = 50 * 1024 * 1024


def validate_spreadsheet(upload) -> None:
    """A CSV (UTF-8, or Windows' encoding as Excel saves it) or XLSX file up to 2 MB, an
    XLSX no larger than MAX_SPREADSHEET_UNZIPPED once unzipped."""
    if Path(upload.name).suffix.lower() == ".csv" and b"\x00" not in _head(upload):
        # Text in another encoding than UTF-8 is still a CSV (checked as text when read).
        _validate(upload, {".csv": (b"",)}, MAX_SPREADSHEET_SIZE)
        return
    _validate(upload, SPREADSHEET_SIGNATURES, MAX_SPREADSHEET_SIZE)
    _validate_unzipped_size(upload)


def _validate_unzipped_size(upload) -> None:
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            unzipped = sum(member.file_size for member in archive.infolist())
    except zipfile.BadZipFile as error:
        raise ValidationError(
            _("Ce fichier n'est pas un classeur XLSX lisible."), code="content"
        ) from error
    finally:
        upload.seek(0)
    if unzipped > MAX_SPREADSHEET_UNZIPPED:
        raise ValidationError(
            _("Le classeur décompressé dépasse %(max)s : découpez-le en plusieurs fichiers.")
            % {"max": filesizeformat(MAX_SPREADSHEET_UNZIPPED)},
            code="size",
        )
