import io
import zipfile

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from nurture.core.uploads import validate_upload

PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 32
JPEG = b"\xff\xd8\xff\xe0\x00\x10JFIF\x00" + b"\x00" * 32


def docx_bytes(*, with_document: bool = True) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        if with_document:
            archive.writestr("word/document.xml", "<w:document/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("name", "content", "expected"),
    [
        ("certificate.pdf", PDF, "application/pdf"),
        ("photo.png", PNG, "image/png"),
        ("photo.jpg", JPEG, "image/jpeg"),
        ("account.docx", docx_bytes(), "application/vnd.openxmlformats-officedocument.wordprocessingml.document"),
    ],
)
def test_it_accepts_the_allowed_types_by_their_content(name, content, expected):
    assert validate_upload(SimpleUploadedFile(name, content)) == expected


def test_it_reads_the_content_not_the_name():
    assert validate_upload(SimpleUploadedFile("looks-like-a.docx", PDF)) == "application/pdf"


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("script.pdf", b"<script>alert(1)</script>"),
        ("archive.docx", docx_bytes(with_document=False)),
        ("page.png", b"<html><body>hello</body></html>"),
        ("program.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 64),
        ("picture.gif", b"GIF89a" + b"\x00" * 32),
    ],
)
def test_it_refuses_anything_else_whatever_its_name(name, content):
    with pytest.raises(ValidationError, match="not a PDF, Word"):
        validate_upload(SimpleUploadedFile(name, content))


def test_it_refuses_an_empty_file():
    with pytest.raises(ValidationError, match="empty"):
        validate_upload(SimpleUploadedFile("empty.pdf", b""))


def test_it_refuses_a_file_over_the_size_limit(settings):
    settings.NURTURE_UPLOAD_MAX_BYTES = 1024
    with pytest.raises(ValidationError, match="the limit is"):
        validate_upload(SimpleUploadedFile("big.pdf", PDF + b"0" * 2048))
