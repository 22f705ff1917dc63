import io
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from nurture.core.uploads import WORD, name_for_type, validate_upload

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


# Word files that carry code, or would expand too far ------------------------------------

WORD_TYPES = (
    '<?xml version="1.0" encoding="UTF-8"?>'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/word/document.xml" ContentType="{main}"/>'
    "{extra}</Types>"
)
DOCX_MAIN = "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
DOCM_MAIN = "application/vnd.ms-word.document.macroEnabled.main+xml"
VBA = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'


def word_package(*, main: str = DOCX_MAIN, extra_types: str = "", parts: dict[str, bytes] | None = None) -> bytes:
    """A Word package as Word writes it: content types, relationships, the document, and `parts`."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", WORD_TYPES.format(main=main, extra=extra_types))
        archive.writestr("_rels/.rels", "<Relationships/>")
        archive.writestr("word/document.xml", "<w:document><w:body><w:p/></w:body></w:document>")
        for name, content in (parts or {}).items():
            archive.writestr(name, content)
    return buffer.getvalue()


def with_declared_size(package: bytes, name: str, size: int) -> bytes:
    """The package with `name`'s declared (uncompressed) size rewritten: a lying header."""
    data = bytearray(package)
    target = name.encode()
    for signature, size_at, name_at in ((b"PK\x01\x02", 24, 46), (b"PK\x03\x04", 22, 30)):
        position = data.find(signature)
        while position != -1:
            if data[position + name_at : position + name_at + len(target)] == target:
                struct.pack_into("<I", data, position + size_at, size)
            position = data.find(signature, position + 1)
    return bytes(data)


@pytest.fixture
def inflated(monkeypatch):
    """Counts every byte zlib inflates while the test runs."""
    counted = {"bytes": 0}
    real_decompressobj = zlib.decompressobj

    class Counting:
        def __init__(self, *args):
            self._real = real_decompressobj(*args)

        def decompress(self, data, max_length=0):
            out = self._real.decompress(data, max_length)
            counted["bytes"] += len(out)
            return out

        def flush(self, *args):
            out = self._real.flush(*args)
            counted["bytes"] += len(out)
            return out

        def __getattr__(self, name):
            return getattr(self._real, name)

    monkeypatch.setattr(zlib, "decompressobj", Counting)
    return counted


def test_a_real_word_document_is_accepted_and_read_only_as_far_as_its_content_types(inflated):
    package = word_package(parts={"word/media/image1.png": PNG, "word/styles.xml": b"<w:styles/>" * 500})
    assert validate_upload(SimpleUploadedFile("account.docx", package)) == WORD
    assert 0 < inflated["bytes"] < 2048


def test_a_macro_enabled_document_renamed_docx_is_refused():
    docm = word_package(
        main=DOCM_MAIN, extra_types=VBA, parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 64}
    )
    with pytest.raises(ValidationError, match="contains macros"):
        validate_upload(SimpleUploadedFile("report.docx", docm))


@pytest.mark.parametrize(
    "package",
    [
        word_package(main=DOCM_MAIN),
        word_package(extra_types=VBA),
        word_package(parts={"word/vbaProject.bin": b"\xd0\xcf\x11\xe0"}),
        word_package(parts={"word/vbaData.xml": b"<wne:vbaSuppData/>"}),
        word_package(
            parts={"word/embeddings/Book1.xlsm": b"PK"},
            extra_types=('<Default Extension="xlsm" ContentType="application/vnd.ms-excel.sheet.macroEnabled.12"/>'),
        ),
    ],
    ids=["macro-enabled main part", "vba project type", "vba project part", "vba data part", "embedded xlsm"],
)
def test_any_sign_of_macros_is_refused(package):
    with pytest.raises(ValidationError, match="contains macros"):
        validate_upload(SimpleUploadedFile("report.docx", package))


@pytest.mark.parametrize(
    "package",
    [
        word_package(parts={"word/activeX/activeX1.xml": b"<ax:ocx/>"}),
        word_package(parts={"word/embeddings/oleObject1.bin": b"\xd0\xcf\x11\xe0"}),
    ],
    ids=["activex control", "ole object"],
)
def test_embedded_controls_and_objects_are_refused(package):
    with pytest.raises(ValidationError, match="embedded objects or controls"):
        validate_upload(SimpleUploadedFile("report.docx", package))


def test_a_zip_bomb_is_refused_without_being_expanded(inflated):
    bomb = word_package(parts={"word/media/image2.png": b"\0" * 8 * 1024 * 1024})
    assert len(bomb) < 20_000
    with pytest.raises(ValidationError, match="expand more than 100 times"):
        validate_upload(SimpleUploadedFile("report.docx", bomb))
    assert inflated["bytes"] == 0


def test_parts_that_would_expand_past_the_limit_are_refused_without_being_expanded(settings, inflated):
    settings.NURTURE_UPLOAD_ZIP_MAX_BYTES = 1024 * 1024
    settings.NURTURE_UPLOAD_ZIP_MAX_RATIO = 1000
    bomb = word_package(parts={"word/media/image2.png": b"\0" * 2 * 1024 * 1024})
    with pytest.raises(ValidationError, match="would expand to 2 MB when opened; the limit is 1 MB"):
        validate_upload(SimpleUploadedFile("report.docx", bomb))
    assert inflated["bytes"] == 0


def test_a_part_declaring_a_huge_size_is_refused_at_once(inflated):
    lying = with_declared_size(word_package(), "word/document.xml", 3 * 1024**3)
    with pytest.raises(ValidationError, match="would expand to 3072 MB"):
        validate_upload(SimpleUploadedFile("report.docx", lying))
    assert inflated["bytes"] == 0


def test_a_part_whose_declared_size_lies_small_is_not_inflated_past_it(inflated):
    five_mb_of_types = "<Types>" + " " * 5 * 1024 * 1024 + "</Types>"
    package = io.BytesIO()
    with zipfile.ZipFile(package, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", five_mb_of_types)
        archive.writestr("word/document.xml", "<w:document/>")
    lying = with_declared_size(package.getvalue(), "[Content_Types].xml", 300)
    with pytest.raises(ValidationError, match="damaged or packed in a way we cannot check"):
        validate_upload(SimpleUploadedFile("report.docx", lying))
    assert inflated["bytes"] < 64 * 1024


def test_a_package_of_too_many_parts_is_refused(settings):
    settings.NURTURE_UPLOAD_ZIP_MAX_MEMBERS = 10
    package = word_package(parts={f"word/media/image{n}.png": PNG for n in range(10)})
    with pytest.raises(ValidationError, match="made of 13 parts; the limit is 10"):
        validate_upload(SimpleUploadedFile("report.docx", package))


# Stored and served under the extension of the real type ------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("report.html", "application/pdf", "report.pdf"),
        ("report.final.html", "application/pdf", "report.final.pdf"),
        ("scan", "image/png", "scan.png"),
        ("photo.JPEG", "image/jpeg", "photo.JPEG"),
        ("photo.png", "image/jpeg", "photo.jpg"),
        ("account.pdf", WORD, "account.docx"),
        ("notes.txt", "text/plain", "notes.txt"),
    ],
)
def test_a_name_takes_the_extension_of_the_real_type(name, content_type, expected):
    assert name_for_type(name, content_type) == expected


def test_an_upload_is_renamed_to_its_real_type():
    upload = SimpleUploadedFile("report.html", PDF)
    assert validate_upload(upload) == "application/pdf"
    assert upload.name == "report.pdf"
