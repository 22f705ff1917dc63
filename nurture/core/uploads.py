"""Uploaded files: what is allowed, checked by content, never by name.

Allowed: PDF, Word (.docx), PNG and JPEG, up to NURTURE_UPLOAD_MAX_BYTES.
Files are stored under a random name outside the web root and are only served
by views that check who is asking (see `private_file_response`).
"""

from __future__ import annotations

import io
import uuid
import zipfile
from pathlib import PurePosixPath
from typing import Any

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.db.models.fields.files import FieldFile
from django.http import FileResponse

ALLOWED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document": "docx",
}
HUMAN_NAMES = "PDF, Word (.docx), PNG or JPEG"


def _is_docx(head: bytes, upload: UploadedFile) -> bool:
    if not head.startswith(b"PK\x03\x04"):
        return False
    upload.seek(0)
    try:
        with zipfile.ZipFile(io.BytesIO(upload.read())) as archive:
            names = set(archive.namelist())
    except zipfile.BadZipFile:
        return False
    finally:
        upload.seek(0)
    return "[Content_Types].xml" in names and "word/document.xml" in names


def sniff_content_type(upload: UploadedFile) -> str | None:
    """The file's real type, read from its first bytes (and zip listing for .docx)."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if _is_docx(head, upload):
        return "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    kind = filetype.guess(head)
    if kind is not None and kind.mime in ALLOWED and kind.mime != "application/zip":
        return str(kind.mime)
    return None


def validate_upload(upload: UploadedFile) -> str:
    """Raise ValidationError with a plain message, or return the real content type."""
    limit = settings.NURTURE_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError("The file is empty.")
    if upload.size > limit:
        raise ValidationError(f"The file is {upload.size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB.")
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError(f"This file is not a {HUMAN_NAMES} file, whatever its name says.")
    return content_type


def private_upload_path(instance: Any, filename: str) -> str:
    """A random name in the owner's folder: the original name is kept in the database."""
    suffix = PurePosixPath(filename).suffix.lower()[:8]
    return f"uploads/{instance.owner_id}/{uuid.uuid4().hex}{suffix}"


def private_file_response(field: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    response = FileResponse(field.open("rb"), as_attachment=True, filename=filename, content_type=content_type)
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response
