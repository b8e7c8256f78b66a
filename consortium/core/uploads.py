"""Upload validation: size, extension and the file's actual content."""

from pathlib import Path

from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_DOCUMENT_SIZE = 10 * 1024 * 1024
MAX_IMAGE_SIZE = 5 * 1024 * 1024

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
    """PNG, JPEG or WebP images up to 5 MB."""
    if getattr(upload, "_committed", False):
        return
    _validate(upload, IMAGE_SIGNATURES, MAX_IMAGE_SIZE)
