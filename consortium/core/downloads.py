"""Serving an uploaded file: always as a download, typed by its validated extension.

Media files are never linked directly: a view checks who may see the object, then
answers with `file_download`. The content type comes from the extension that
`uploads.validate_document` checked, never from what the uploader's browser said; the
file may run nothing of ours even when a browser opens it (sandbox).
"""

from pathlib import Path

from django.db.models.fields.files import FieldFile
from django.http import FileResponse, Http404
from django.utils.cache import patch_cache_control

CONTENT_TYPES = {
    ".pdf": "application/pdf",
    ".docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    ".xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ".pptx": "application/vnd.openxmlformats-officedocument.presentationml.presentation",
    ".odt": "application/vnd.oasis.opendocument.text",
    ".ods": "application/vnd.oasis.opendocument.spreadsheet",
    ".odp": "application/vnd.oasis.opendocument.presentation",
    ".png": "image/png",
    ".jpg": "image/jpeg",
    ".jpeg": "image/jpeg",
    ".webp": "image/webp",
    ".txt": "text/plain; charset=utf-8",
    ".csv": "text/csv; charset=utf-8",
}
FALLBACK_TYPE = "application/octet-stream"


def download_name(file: FieldFile, stem: str = "") -> tuple[str, str]:
    """The name offered (`stem` + extension, or the stored name) and the content type."""
    path = Path(file.name)
    extension = path.suffix.lower()
    if extension not in CONTENT_TYPES:
        return f"{stem or path.stem}.bin", FALLBACK_TYPE
    return f"{stem or path.stem}{extension}", CONTENT_TYPES[extension]


def file_download(file: FieldFile, *, stem: str = "", private: bool = True) -> FileResponse:
    """The file as an attachment; 404 when there is none. `private`: not kept in caches."""
    if not file:
        raise Http404
    try:
        handle = file.open("rb")
    except FileNotFoundError as error:
        raise Http404 from error
    filename, content_type = download_name(file, stem)
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type=content_type
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    if private:
        patch_cache_control(response, private=True, no_store=True)
    return response
