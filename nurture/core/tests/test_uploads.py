import io
import struct
import warnings
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


def test_a_real_word_document_is_accepted_and_read_only_as_far_as_its_content_types_and_links(inflated):
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


# What a Word package's XML says, read as Word reads it ----------------------------------------

TYPES_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
RELS_NS = "http://schemas.openxmlformats.org/package/2006/relationships"
RELATIONSHIP = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/"
WORDML = "application/vnd.openxmlformats-officedocument.wordprocessingml."


def relationships(*entries: str) -> str:
    declaration = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>'
    return f'{declaration}<Relationships xmlns="{RELS_NS}">{"".join(entries)}</Relationships>'


def relationship(rid: str, kind: str, target: str, *, external: bool = False) -> str:
    mode = ' TargetMode="External"' if external else ""
    return f'<Relationship Id="{rid}" Type="{kind}" Target="{target}"{mode}/>'


def real_word_document(**replaced: bytes | str) -> bytes:
    """A document as Word saves it: styles, settings, fonts, theme, web settings, properties,
    a picture, a header, and a hyperlink to a web page; `replaced` swaps or adds parts."""
    overrides = {
        "/word/document.xml": WORDML + "document.main+xml",
        "/word/styles.xml": WORDML + "styles+xml",
        "/word/settings.xml": WORDML + "settings+xml",
        "/word/webSettings.xml": WORDML + "webSettings+xml",
        "/word/fontTable.xml": WORDML + "fontTable+xml",
        "/word/header1.xml": WORDML + "header+xml",
        "/word/theme/theme1.xml": "application/vnd.openxmlformats-officedocument.theme+xml",
        "/docProps/core.xml": "application/vnd.openxmlformats-package.core-properties+xml",
        "/docProps/app.xml": "application/vnd.openxmlformats-officedocument.extended-properties+xml",
    }
    parts: dict[str, bytes | str] = {
        "[Content_Types].xml": (
            f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?><Types xmlns="{TYPES_NS}">'
            '<Default Extension="png" ContentType="image/png"/>'
            '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            + "".join(f'<Override PartName="{name}" ContentType="{kind}"/>' for name, kind in overrides.items())
            + "</Types>"
        ),
        "_rels/.rels": relationships(
            relationship(
                "rId3",
                "http://schemas.openxmlformats.org/officeDocument/2006/relationships/extended-properties",
                "docProps/app.xml",
            ),
            relationship(
                "rId2",
                "http://schemas.openxmlformats.org/package/2006/relationships/metadata/core-properties",
                "docProps/core.xml",
            ),
            relationship("rId1", RELATIONSHIP + "officeDocument", "word/document.xml"),
        ),
        "word/_rels/document.xml.rels": relationships(
            relationship("rId1", RELATIONSHIP + "styles", "styles.xml"),
            relationship("rId2", RELATIONSHIP + "settings", "settings.xml"),
            relationship("rId3", RELATIONSHIP + "webSettings", "webSettings.xml"),
            relationship("rId4", RELATIONSHIP + "image", "media/image1.png"),
            relationship(
                "rId5", RELATIONSHIP + "hyperlink", "https://www.example.org/attachment?a=1&amp;b=2", external=True
            ),
            relationship("rId6", RELATIONSHIP + "header", "header1.xml"),
            relationship("rId7", RELATIONSHIP + "fontTable", "fontTable.xml"),
            relationship("rId8", RELATIONSHIP + "theme", "theme/theme1.xml"),
        ),
        "word/document.xml": (
            '<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main">'
            "<w:body><w:p><w:r><w:t>Reflective account</w:t></w:r></w:p></w:body></w:document>"
        ),
        "word/styles.xml": "<w:styles/>",
        "word/settings.xml": "<w:settings/>",
        "word/webSettings.xml": "<w:webSettings/>",
        "word/fontTable.xml": "<w:fonts/>",
        "word/header1.xml": "<w:hdr/>",
        "word/theme/theme1.xml": '<a:theme name="Office Theme"/>',
        "word/media/image1.png": PNG,
        "docProps/core.xml": "<cp:coreProperties/>",
        "docProps/app.xml": "<Properties/>",
    }
    parts.update(replaced)
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        for name, content in parts.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def content_types_declaring(extra: str, *, main: str = DOCX_MAIN) -> str:
    return (
        f'<?xml version="1.0" encoding="UTF-16" standalone="yes"?><Types xmlns="{TYPES_NS}">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        f'<Override PartName="/word/document.xml" ContentType="{main}"/>{extra}</Types>'
    )


def test_a_real_word_document_with_a_link_to_a_web_page_is_accepted():
    assert validate_upload(SimpleUploadedFile("account.docx", real_word_document())) == WORD


def test_a_real_word_document_saved_in_utf_16_is_accepted():
    utf16 = content_types_declaring('<Default Extension="png" ContentType="image/png"/>').encode("utf-16")
    assert (
        validate_upload(SimpleUploadedFile("account.docx", real_word_document(**{"[Content_Types].xml": utf16})))
        == WORD
    )


CODE_PART = {"word/code.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 64}
VBA_AS_BIN = '<Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>'


@pytest.mark.parametrize(
    "content_types",
    [
        content_types_declaring(VBA_AS_BIN, main=DOCM_MAIN).encode("utf-16"),
        content_types_declaring(VBA_AS_BIN, main=DOCM_MAIN).encode("utf-16-be"),
        content_types_declaring(
            '<Default Extension="bin" ContentType="application/vnd.ms-office.vba&#80;roject"/>',
            main="application/vnd.ms-word.document.macro&#x45;nabled.main+xml",
        )
        .replace('encoding="UTF-16"', 'encoding="UTF-8"')
        .encode(),
    ],
    ids=["utf-16", "utf-16 big-endian", "character references"],
)
def test_macros_declared_in_another_encoding_or_with_character_references_are_refused(content_types):
    docm = real_word_document(**{"[Content_Types].xml": content_types}, **CODE_PART)
    with pytest.raises(ValidationError, match="contains macros"):
        validate_upload(SimpleUploadedFile("report.docx", docm))


@pytest.mark.parametrize(
    "declared",
    [
        '<Default Extension="xlsx" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"/>',
        '<Override PartName="/word/code.bin" ContentType="application/x-msdownload"/>',
        '<Override PartName="/word/page.htm" ContentType="text/html"/>',
    ],
    ids=["embedded workbook", "program", "web page"],
)
def test_a_part_of_a_kind_plain_word_documents_never_have_is_refused(declared):
    package = real_word_document(**{"[Content_Types].xml": content_types_declaring(declared).encode("utf-16")})
    with pytest.raises(ValidationError, match="embedded objects or controls"):
        validate_upload(SimpleUploadedFile("report.docx", package))


@pytest.mark.parametrize(
    "content_types",
    [
        '<?xml version="1.0"?><!DOCTYPE Types [<!ENTITY v "vba">]>'
        f'<Types xmlns="{TYPES_NS}">'
        '<Default Extension="bin" ContentType="application/vnd.ms-office.&v;Project"/></Types>',
        f'<Types xmlns="{TYPES_NS}"><Default Extension="bin" ContentType="application/vnd.ms-office.vbaProject"/>',
        '<?xml version="1.0" encoding="ISO-8859-1"?><Types/>',
    ],
    ids=["entity declaration", "not well formed", "encoding Word does not read"],
)
def test_content_types_that_do_not_parse_as_plain_xml_are_refused(content_types):
    package = real_word_document(**{"[Content_Types].xml": content_types}, **CODE_PART)
    with pytest.raises(ValidationError, match="damaged or packed in a way we cannot check"):
        validate_upload(SimpleUploadedFile("report.docx", package))


OFFICE_2006 = "http://schemas.microsoft.com/office/2006/relationships/"


@pytest.mark.parametrize(
    ("added", "message"),
    [
        (relationship("rId9", OFFICE_2006 + "vbaProject", "code.bin"), "contains macros"),
        (relationship("rId9", OFFICE_2006 + "wordVbaData", "data.xml"), "contains macros"),
        (relationship("rId9", RELATIONSHIP + "oleObject", "embeddings/object1.dat"), "embedded objects or controls"),
        (relationship("rId9", RELATIONSHIP + "package", "embeddings/book.xlsx"), "embedded objects or controls"),
        (relationship("rId9", RELATIONSHIP + "control", "controls/one.xml"), "embedded objects or controls"),
        (
            relationship("rId9", OFFICE_2006 + "activeXControlBinary", "controls/one.dat"),
            "embedded objects or controls",
        ),
        (relationship("rId9", RELATIONSHIP + "aFChunk", "chunk.mht"), "embedded objects or controls"),
        (relationship("rId9", RELATIONSHIP + "subDocument", "chapter.docx"), "embedded objects or controls"),
        (
            relationship(
                "rId9",
                RELATIONSHIP + "oleObject",
                "mhtml:https://attacker.example/x!x-usc:https://attacker.example/x",
                external=True,
            ),
            "embedded objects or controls",
        ),
        (
            relationship("rId9", RELATIONSHIP + "attachedTemplate", "https://attacker.example/t.dotm", external=True),
            "from outside the file",
        ),
        (
            relationship("rId9", RELATIONSHIP + "attachedTemplate", r"\\attacker.example\share\t.dotm", external=True),
            "from outside the file",
        ),
        (
            relationship(
                "rId9", RELATIONSHIP + "attachedTemplate", "file://attacker.example/share/t.dotm", external=True
            ),
            "from outside the file",
        ),
        (
            relationship("rId9", RELATIONSHIP + "attachedTemplate", "file:///C:/../../server/t.dotm", external=True),
            "from outside the file",
        ),
        (
            relationship("rId9", RELATIONSHIP + "image", "https://tracker.example/pixel.png", external=True),
            "from outside the file",
        ),
        (
            relationship("rId9", RELATIONSHIP + "frame", "https://attacker.example/", external=True),
            "from outside the file",
        ),
        (
            relationship("rId9", RELATIONSHIP + "attachedTemplate", "https://attacker.example/t.dotm"),
            "from outside the file",
        ),
        (
            '<Relationship Id="rId9" Type="'
            + RELATIONSHIP
            + 'attachedTemplate" Target="//attacker.example/t.dotm" TargetMode="EXTERNAL"/>',
            "from outside the file",
        ),
    ],
    ids=[
        "vba project",
        "vba data",
        "ole object",
        "embedded package",
        "activex control",
        "activex binary",
        "imported chunk",
        "sub-document",
        "remote ole object",
        "remote template",
        "template on a network share",
        "template on a server through file://",
        "template path climbing out of a drive",
        "remote picture",
        "remote frame",
        "template with an absolute address",
        "target mode in capitals",
    ],
)
def test_a_relationship_to_code_an_embedded_object_or_outside_the_file_is_refused(added, message):
    rels = relationships(relationship("rId1", RELATIONSHIP + "styles", "styles.xml"), added)
    package = real_word_document(**{"word/_rels/settings.xml.rels": rels})
    with pytest.raises(ValidationError, match=message):
        validate_upload(SimpleUploadedFile("report.docx", package))


@pytest.mark.parametrize(
    "rels",
    [
        relationships(relationship("rId9", OFFICE_2006 + "vbaProject", "code.bin"))
        .replace('encoding="UTF-8"', 'encoding="UTF-16"')
        .encode("utf-16"),
        relationships(relationship("rId9", OFFICE_2006 + "vba&#80;roject", "code.bin")).encode(),
    ],
    ids=["utf-16", "character references"],
)
def test_a_macro_relationship_hidden_by_its_encoding_is_refused(rels):
    package = real_word_document(**{"word/_rels/document.xml.rels": rels}, **CODE_PART)
    with pytest.raises(ValidationError, match="contains macros"):
        validate_upload(SimpleUploadedFile("report.docx", package))


def test_relationships_that_do_not_parse_are_refused():
    rels = '<?xml version="1.0"?><!DOCTYPE r [<!ENTITY t "attachedTemplate">]>' + relationships()
    package = real_word_document(**{"word/_rels/settings.xml.rels": rels})
    with pytest.raises(ValidationError, match="damaged or packed in a way we cannot check"):
        validate_upload(SimpleUploadedFile("report.docx", package))


def test_relationships_past_their_bound_are_refused_unread(settings, inflated):
    rels = relationships(
        *(relationship(f"rId{n}", RELATIONSHIP + "image", f"media/{n:0>200}.png") for n in range(20_000))
    )
    package = real_word_document(**{"word/_rels/document.xml.rels": rels})
    with pytest.raises(ValidationError, match="damaged or packed in a way we cannot check"):
        validate_upload(SimpleUploadedFile("report.docx", package))
    assert inflated["bytes"] < 64 * 1024


# One name, one part ----------------------------------------------------------------------


def package_of(*entries: tuple[str, bytes | str]) -> bytes:
    """A zip of `entries` in order, repeated names and all."""
    buffer = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of a repeated name
        with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
            for name, content in entries:
                archive.writestr(name, content)
    return buffer.getvalue()


MACRO_TYPES = content_types_declaring(VBA_AS_BIN, main=DOCM_MAIN).replace("UTF-16", "UTF-8")
PLAIN_TYPES = content_types_declaring("").replace("UTF-16", "UTF-8")
DOCUMENT = "<w:document><w:body><w:p/></w:body></w:document>"


@pytest.mark.parametrize(
    "entries",
    [
        (("[Content_Types].xml", MACRO_TYPES), ("word/document.xml", DOCUMENT), ("[Content_Types].xml", PLAIN_TYPES)),
        (("[content_types].XML", MACRO_TYPES), ("word/document.xml", DOCUMENT), ("[Content_Types].xml", PLAIN_TYPES)),
        (("[Content_Types].xml", PLAIN_TYPES), ("word/document.xml", DOCUMENT), ("Word/Document.xml", DOCUMENT)),
        (("[Content_Types].xml", PLAIN_TYPES), ("word/document.xml", DOCUMENT), ("word/%64ocument.xml", DOCUMENT)),
    ],
    ids=["same name twice", "content types in another case", "document in another case", "escaped name"],
)
def test_a_package_naming_one_part_twice_is_refused(entries):
    with pytest.raises(ValidationError, match="two parts with the same name"):
        validate_upload(SimpleUploadedFile("report.docx", package_of(*entries)))


def test_the_content_types_are_found_whatever_their_case():
    package = package_of(("[CONTENT_TYPES].XML", MACRO_TYPES), ("word/document.xml", DOCUMENT), *CODE_PART.items())
    with pytest.raises(ValidationError, match="contains macros"):
        validate_upload(SimpleUploadedFile("report.docx", package))


def test_relationships_are_found_under_an_escaped_name():
    rels = relationships(relationship("rId9", OFFICE_2006 + "vbaProject", "code.bin"))
    package = real_word_document(**{"word/_rels/settings.xml.rel%73": rels}, **CODE_PART)
    with pytest.raises(ValidationError, match="contains macros"):
        validate_upload(SimpleUploadedFile("report.docx", package))


# The local headers say what the central directory says ---------------------------------------


class Unseekable(io.RawIOBase):
    """A stream zipfile cannot seek back in, so it writes each part's sizes and CRC in a data
    descriptor after its data (bit 3), and zeros in its local header, as streaming writers do."""

    def __init__(self):
        self.written = bytearray()

    def writable(self):
        return True

    def write(self, data):
        self.written += data
        return len(data)


def streamed(package: bytes) -> bytes:
    """The package written again by a streaming writer."""
    out = Unseekable()
    with zipfile.ZipFile(io.BytesIO(package)) as source, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as archive:
        for member in source.infolist():
            with archive.open(member.filename, "w") as part:
                part.write(source.read(member))
    return bytes(out.written)


def with_local_header(package: bytes, name: str, *, at: int, value: bytes) -> bytes:
    """The package with `value` written `at` bytes into `name`'s local header (not the central directory)."""
    data = bytearray(package)
    header = data.index(name.encode()) - 30  # the first mention is in the local header
    data[header + at : header + at + len(value)] = value
    return bytes(data)


def without_directory_entry(package: bytes, name: str) -> bytes:
    """The package with `name` left in place but dropped from the central directory."""
    end = package.rindex(b"PK\x05\x06")
    count, _, start = struct.unpack_from("<HLL", package, end + 10)
    entries, position = [], start
    for _ in range(count):
        name_length, extra_length, comment_length = struct.unpack_from("<3H", package, position + 28)
        length = 46 + name_length + extra_length + comment_length
        if package[position + 46 : position + 46 + name_length] != name.encode():
            entries.append(package[position : position + length])
        position += length
    directory = b"".join(entries)
    record = bytearray(package[end:])
    struct.pack_into("<2HLL", record, 8, len(entries), len(entries), len(directory), start)
    return package[:start] + directory + bytes(record)


def test_a_real_word_document_written_with_data_descriptors_is_accepted():
    package = streamed(real_word_document())
    assert zipfile.ZipFile(io.BytesIO(package)).getinfo("word/document.xml").flag_bits & 0x08
    assert validate_upload(SimpleUploadedFile("account.docx", package)) == WORD


def test_a_real_word_document_written_with_zip64_sizes_is_accepted():
    buffer = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(real_word_document())) as source, zipfile.ZipFile(buffer, "w") as archive:
        for member in source.infolist():
            with archive.open(member.filename, "w", force_zip64=True) as part:
                part.write(source.read(member))
    package = buffer.getvalue()
    assert package[18:26] == b"\xff" * 8  # the sizes are in the local header's ZIP64 extra field
    assert validate_upload(SimpleUploadedFile("account.docx", package)) == WORD


@pytest.mark.parametrize(
    ("at", "value"),
    [
        (30, b"word/documenx.xml"),
        (8, struct.pack("<H", zipfile.ZIP_STORED)),
        (14, struct.pack("<L", 0xDEADBEEF)),
        (18, struct.pack("<L", 7)),
        (22, struct.pack("<L", 7)),
        (0, b"PK\x05\x06"),
    ],
    ids=["name", "compression method", "crc", "packed size", "size", "signature"],
)
def test_a_local_header_that_disagrees_with_the_central_directory_is_refused(at, value):
    package = with_local_header(real_word_document(), "word/document.xml", at=at, value=value)
    with pytest.raises(ValidationError, match="list of parts does not match the parts themselves"):
        validate_upload(SimpleUploadedFile("report.docx", package))


def test_a_data_descriptor_that_disagrees_with_the_central_directory_is_refused():
    package = bytearray(streamed(real_word_document()))
    info = zipfile.ZipFile(io.BytesIO(bytes(package))).getinfo("word/document.xml")
    descriptor = info.header_offset + 30 + len(info.filename) + info.compress_size
    assert package[descriptor : descriptor + 4] == b"PK\x07\x08"
    struct.pack_into("<L", package, descriptor + 12, info.file_size + 1)
    with pytest.raises(ValidationError, match="list of parts does not match the parts themselves"):
        validate_upload(SimpleUploadedFile("report.docx", bytes(package)))


def test_a_part_missing_from_the_central_directory_is_refused():
    package = real_word_document(**{"word/vbaProject.bin": b"\xd0\xcf\x11\xe0" + b"\0" * 64})
    hidden = without_directory_entry(package, "word/vbaProject.bin")
    assert "word/vbaProject.bin" not in zipfile.ZipFile(io.BytesIO(hidden)).namelist()
    with pytest.raises(ValidationError, match="list of parts does not match the parts themselves"):
        validate_upload(SimpleUploadedFile("report.docx", hidden))


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


@pytest.mark.parametrize(
    "target", [r"file:///C:\Users\amara\Templates\Report.dotx", "file:///D:/Templates/Normal.dotm"]
)
def test_a_template_on_the_authors_own_drive_is_allowed(target):
    """Word records the template a document was made from; it cannot be fetched elsewhere."""
    rels = relationships(
        relationship("rId1", RELATIONSHIP + "styles", "styles.xml"),
        relationship("rId9", RELATIONSHIP + "attachedTemplate", target, external=True),
    )
    package = real_word_document(**{"word/_rels/settings.xml.rels": rels})
    assert validate_upload(SimpleUploadedFile("report.docx", package)) == WORD
