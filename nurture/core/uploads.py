"""Uploaded files: what is allowed, checked by content, never by name.

Allowed: PDF, Word (.docx), PNG and JPEG, up to NURTURE_UPLOAD_MAX_BYTES.
Files are stored under a random name outside the web root and are only served
by views that check who is asking (see `private_file_response`).

A stored file lives as long as its row (`files_follow_their_rows`): deleting the row,
or replacing its file, removes the old file once the transaction commits; and a
file saved inside `atomic_with_files()` is removed again if that block rolls back.

A Word file is a zip. It is judged from the zip's central directory, without
expanding it: too many parts, parts that would expand past
NURTURE_UPLOAD_ZIP_MAX_BYTES in all, or one part that expands more than
NURTURE_UPLOAD_ZIP_MAX_RATIO times its packed size are refused. The only parts read
(`[Content_Types].xml` and the `.rels` parts) are read with a bounded read, so a part
whose declared size lies cannot make us inflate more than that bound, and parsed as XML
(expat, DOCTYPE refused), so no encoding or character reference hides what they say:
every content type must be one a plain Word document uses, and no relationship may
point at code, an embedded object, or anything outside the file but a hyperlink.
Parts are named as the package format names them (case-insensitive), so a name given
twice is refused; and each part's local header must agree with the central directory,
with nothing hidden between the parts, so every program reads the parts we checked.
"""

from __future__ import annotations

import logging
import re
import struct
import uuid
import zipfile
import zlib
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from functools import cache
from pathlib import PurePosixPath
from typing import Any
from urllib.parse import unquote
from xml.parsers import expat

import filetype
from django.apps import apps
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.base import File
from django.core.files.storage import Storage
from django.core.files.uploadedfile import UploadedFile
from django.db import models, transaction
from django.db.models.fields.files import FieldFile
from django.db.models.signals import post_delete, post_init, post_save, pre_save
from django.http import FileResponse

logger = logging.getLogger(__name__)

WORD = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
ALLOWED = {
    "application/pdf": "pdf",
    "image/png": "png",
    "image/jpeg": "jpg",
    WORD: "docx",
}
# Every extension a file of each type may keep; ALLOWED gives the one it is given.
EXTENSIONS = {"application/pdf": ("pdf",), "image/png": ("png",), "image/jpeg": ("jpg", "jpeg"), WORD: ("docx",)}
HUMAN_NAMES = "PDF, Word (.docx), PNG or JPEG"

# The content-types part lists every part of the package; a real one is a few KB.
CONTENT_TYPES_MOST_BYTES = 1024 * 1024
# Each relationships part, and all of them together (a real document's are a few KB).
RELATIONSHIPS_MOST_BYTES = 1024 * 1024
RELATIONSHIPS_TOTAL_MOST_BYTES = 4 * 1024 * 1024
# A part smaller than this cannot be a bomb, and small XML parts compress very well.
RATIO_CHECKED_FROM_BYTES = 1024 * 1024

# A zip's local file header (the 30 bytes before each part's name), and the data descriptor
# that may follow a part's data when the header's bit 3 is set (APPNOTE 4.3.7 and 4.3.9).
LOCAL_HEADER = struct.Struct("<4s5H3L2H")
LOCAL_SIGNATURE = b"PK\x03\x04"
DESCRIPTOR_SIGNATURE = b"PK\x07\x08"
SIZES_IN_DESCRIPTOR = 0x08
UTF8_NAME = 0x800
ZIP64_SIZE = 0xFFFFFFFF


_OFFICE = "application/vnd.openxmlformats-officedocument."
_WORDML = _OFFICE + "wordprocessingml."
# Every content type a plain Word document uses (ECMA-376 part 1, and Word's own
# extensions); anything else (macros, ActiveX, OLE, an embedded workbook) is refused.
PLAIN_WORD_CONTENT_TYPES = frozenset(
    content_type.lower()
    for content_type in (
        _WORDML + "document.main+xml",
        _WORDML + "document.glossary+xml",
        *(
            _WORDML + f"{part}+xml"
            for part in (
                "styles",
                "settings",
                "webSettings",
                "fontTable",
                "numbering",
                "footnotes",
                "endnotes",
                "comments",
                "commentsExtended",
                "commentsIds",
                "commentsExtensible",
                "people",
                "header",
                "footer",
            )
        ),
        _WORDML + "printerSettings",
        "application/vnd.ms-word.stylesWithEffects+xml",
        _OFFICE + "theme+xml",
        _OFFICE + "themeOverride+xml",
        _OFFICE + "extended-properties+xml",
        _OFFICE + "custom-properties+xml",
        _OFFICE + "customXmlProperties+xml",
        _OFFICE + "vmlDrawing",
        _OFFICE + "obfuscatedFont",
        _OFFICE + "drawingml.chart+xml",
        _OFFICE + "drawingml.chartshapes+xml",
        _OFFICE + "drawingml.diagramData+xml",
        _OFFICE + "drawingml.diagramLayout+xml",
        _OFFICE + "drawingml.diagramStyle+xml",
        _OFFICE + "drawingml.diagramColors+xml",
        "application/vnd.ms-office.drawingml.diagramDrawing+xml",
        "application/vnd.ms-office.chartstyle+xml",
        "application/vnd.ms-office.chartcolorstyle+xml",
        "application/vnd.openxmlformats-package.relationships+xml",
        "application/vnd.openxmlformats-package.core-properties+xml",
        "application/vnd.openxmlformats-package.digital-signature-origin",
        "application/vnd.openxmlformats-package.digital-signature-xmlsignature+xml",
        "application/vnd.openxmlformats-package.digital-signature-certificate",
        "application/xml",
        "image/png",
        "image/jpeg",
        "image/jpg",
        "image/gif",
        "image/bmp",
        "image/tiff",
        "image/svg+xml",
        "image/emf",
        "image/x-emf",
        "image/wmf",
        "image/x-wmf",
    )
)
# In a content type or relationship type that carries code (lower case).
MACRO_MARKERS = ("macroenabled", "vbaproject", "vbadata", "keymapcustomizations", "attachedtoolbars")
# Relationship types, by their last segment (lower case), that carry code or another file.
EMBEDDING_RELATIONSHIPS = frozenset(
    ("oleobject", "package", "control", "activexcontrol", "activexcontrolbinary", "afchunk", "subdocument")
)
HYPERLINK_RELATIONSHIPS = frozenset(
    (
        "http://schemas.openxmlformats.org/officedocument/2006/relationships/hyperlink",
        "http://purl.oclc.org/ooxml/officedocument/relationships/hyperlink",
    )
)
# A target that names a place outside the package: a scheme, a drive, or a network share.
OUTSIDE_TARGET = re.compile(r"[a-z][a-z0-9+.-]*:|[/\\]{2}|\\", re.IGNORECASE)
# Word records the template a document was made from as a path on its author's own drive
# (`file:///C:\Users\…\Report.dotx`): it cannot be fetched on any other computer, so it is
# allowed; a template on a server or a network share (remote template injection) is not.
ATTACHED_TEMPLATE = "attachedtemplate"
AUTHORS_OWN_DRIVE = re.compile(r"file:///[a-z]:[/\\]", re.IGNORECASE)
MACROS = (
    "This Word file contains macros, which can run code on the reader's computer. "
    "Save it as an ordinary Word document (.docx) or as a PDF, and upload that."
)
EMBEDDED_CODE = (
    "This Word file contains embedded objects or controls (ActiveX, OLE, or other files inside it), "
    "which can run code. Remove them, or save the file as a PDF, and upload it again."
)
OUTSIDE_CONTENT = (
    "This Word file fetches a template or other content from outside the file when it is opened, "
    "which can be used to run code. Save it as a PDF and upload that."
)
REPEATED_PARTS = (
    "This Word file has two parts with the same name, so different programs could show different content. "
    "Save it again from Word, or as a PDF, and upload that."
)
HEADERS_DISAGREE = (
    "This Word file's list of parts does not match the parts themselves, so different programs "
    "could show different content. Save it again from Word, or as a PDF, and upload that."
)
UNREADABLE = "This Word file is damaged or packed in a way we cannot check. Save it again from Word, or as a PDF."


def _megabytes(size: int) -> str:
    return f"{size / 1_048_576:.0f} MB"


def _part_name(name: str) -> str:
    """The part a zip entry holds, as the package format compares them: without a leading
    slash, %-escapes decoded, case-insensitive (`Word/%64ocument.XML` is `word/document.xml`)."""
    return unquote(name.replace("\\", "/")).lstrip("/").casefold()


def _member(archive: zipfile.ZipFile, part: str) -> zipfile.ZipInfo | None:
    return next((member for member in archive.infolist() if _part_name(member.filename) == part), None)


def _part_carries_code(name: str) -> str | None:
    lowered = _part_name(name)
    if lowered.endswith(("vbaproject.bin", "vbadata.xml")):
        return MACROS
    if "/activex/" in f"/{lowered}" or (lowered.startswith("word/embeddings/") and lowered.endswith(".bin")):
        return EMBEDDED_CODE
    return None


def _read_bounded(archive: zipfile.ZipFile, member: zipfile.ZipInfo, most: int) -> bytes | None:
    """The member's bytes, or None if it declares more than `most` bytes.

    Never asks zlib for more than the declared size (zipfile checks the CRC at that size),
    so a part whose header lies cannot make us inflate more than it declares."""
    if member.file_size > most:
        return None
    with archive.open(member) as stream:
        data = stream.read(member.file_size + 1)
    return data if len(data) <= member.file_size else None


def _zip64_sizes(extra: bytes) -> tuple[int, int] | None:
    """The (uncompressed, compressed) sizes in a local header's ZIP64 extra field, if any."""
    position = 0
    while position + 4 <= len(extra):
        kind, length = struct.unpack_from("<2H", extra, position)
        if kind == 1 and length >= 16 and position + 20 <= len(extra):
            sizes: tuple[int, int] = struct.unpack_from("<2Q", extra, position + 4)
            return sizes
        position += 4 + length
    return None


def _descriptor_agrees(descriptor: bytes, member: zipfile.ZipInfo) -> bool:
    """Whether the data descriptor after a part's data says what the central directory says."""
    if descriptor.startswith(DESCRIPTOR_SIGNATURE) and len(descriptor) in (16, 24):
        descriptor = descriptor[4:]
    if len(descriptor) == 12:
        crc, packed, size = struct.unpack("<3L", descriptor)
    elif len(descriptor) == 20:
        crc, packed, size = struct.unpack("<L2Q", descriptor)
    else:
        return False
    return (crc, packed, size) == (member.CRC, member.compress_size, member.file_size)


def _local_header_agrees(upload: File[bytes], member: zipfile.ZipInfo) -> int | None:
    """Where the part's data ends, if its local header says what the central directory says."""
    upload.seek(member.header_offset)
    header = upload.read(LOCAL_HEADER.size)
    if len(header) < LOCAL_HEADER.size:
        return None
    signature, _, flags, method, _, _, crc, packed, size, name_length, extra_length = LOCAL_HEADER.unpack(header)
    name = upload.read(name_length)
    extra = upload.read(extra_length) if ZIP64_SIZE in (packed, size) else b""
    if ZIP64_SIZE in (packed, size):
        size, packed = _zip64_sizes(extra) or (size, packed)
    deferred = bool(flags & SIZES_IN_DESCRIPTOR)
    agrees = (
        signature == LOCAL_SIGNATURE
        and flags & SIZES_IN_DESCRIPTOR == member.flag_bits & SIZES_IN_DESCRIPTOR
        and name.decode("utf-8" if flags & UTF8_NAME else "cp437", errors="replace") == member.orig_filename
        and method == member.compress_type
        and all(
            local == central or (deferred and local == 0)
            for local, central in ((crc, member.CRC), (packed, member.compress_size), (size, member.file_size))
        )
    )
    return (
        member.header_offset + LOCAL_HEADER.size + name_length + extra_length + member.compress_size if agrees else None
    )


def _only_a_descriptor_between(upload: File[bytes], start: int, end: int, member: zipfile.ZipInfo | None) -> bool:
    """Whether the bytes from `start` to `end`, after `member`'s data, are nothing or its data descriptor."""
    if start == end:
        return True
    if member is None or not member.flag_bits & SIZES_IN_DESCRIPTOR or not 0 < end - start <= 24:
        return False
    upload.seek(start)
    return _descriptor_agrees(upload.read(end - start), member)


def _local_headers_problem(archive: zipfile.ZipFile, upload: File[bytes]) -> str | None:
    """Whether every part's local header agrees with the central directory, and the parts lie
    end to end from the first byte to the directory, so no reader can find another part.

    Reads 30 bytes and a name per part (and a data descriptor where there is one); the
    number of parts is bounded before this runs."""
    position, previous = 0, None
    for member in sorted(archive.infolist(), key=lambda member: member.header_offset):
        if member.header_offset < position or not _only_a_descriptor_between(
            upload, position, member.header_offset, previous
        ):
            return HEADERS_DISAGREE
        end = _local_header_agrees(upload, member)
        if end is None:
            return HEADERS_DISAGREE
        position, previous = end, member
    if archive.start_dir < position or not _only_a_descriptor_between(upload, position, archive.start_dir, previous):
        return HEADERS_DISAGREE
    return None


def _word_problem(archive: zipfile.ZipFile, upload: File[bytes]) -> str | None:
    """Why this Word package is refused, judged without expanding it; None if it is fine."""
    members = archive.infolist()
    if len(members) > settings.NURTURE_UPLOAD_ZIP_MAX_MEMBERS:
        return (
            f"This Word file is made of {len(members)} parts; the limit is "
            f"{settings.NURTURE_UPLOAD_ZIP_MAX_MEMBERS}. Save it as a PDF and upload that."
        )
    if len({_part_name(member.filename) for member in members}) < len(members):
        return REPEATED_PARTS
    if problem := _local_headers_problem(archive, upload):
        return problem
    expanded = sum(member.file_size for member in members)
    if expanded > settings.NURTURE_UPLOAD_ZIP_MAX_BYTES:
        return (
            f"This Word file would expand to {_megabytes(expanded)} when opened; the limit is "
            f"{_megabytes(settings.NURTURE_UPLOAD_ZIP_MAX_BYTES)}. Save it as a PDF and upload that."
        )
    ratio = settings.NURTURE_UPLOAD_ZIP_MAX_RATIO
    for member in members:
        if member.file_size >= RATIO_CHECKED_FROM_BYTES and member.file_size > ratio * member.compress_size:
            return (
                f"One part of this Word file would expand more than {ratio} times when opened, "
                "which real documents never do. Save it as a PDF and upload that."
            )
    for member in members:
        if problem := _part_carries_code(member.filename):
            return problem
    return _content_types_problem(archive) or _relationships_problem(archive)


class _RefusedXml(Exception):
    """XML we do not read: a DOCTYPE (so no entities), or an encoding Word does not read."""


def _xml_attributes(data: bytes) -> list[list[tuple[str, str]]] | None:
    """Each element's attributes as (local name, value), decoded by expat; None for XML we refuse.

    UTF-8 and UTF-16 are read as Word reads them, character references are resolved, and a
    DOCTYPE is refused outright, so no entity is ever declared, let alone expanded."""
    parser = expat.ParserCreate(namespace_separator=" ")
    elements: list[list[tuple[str, str]]] = []

    def start(name: str, attributes: dict[str, str]) -> None:
        elements.append([(key.rpartition(" ")[2], value) for key, value in attributes.items()])

    def declaration(version: str, encoding: str | None, standalone: int) -> None:
        if encoding is not None and encoding.lower() not in ("utf-8", "utf-16"):
            raise _RefusedXml

    def refuse(*args: object) -> None:
        raise _RefusedXml

    parser.StartElementHandler = start
    parser.XmlDeclHandler = declaration
    parser.StartDoctypeDeclHandler = refuse
    parser.EntityDeclHandler = refuse
    try:
        parser.Parse(data, True)
    except (expat.ExpatError, _RefusedXml):
        return None
    return elements


def _values(element: list[tuple[str, str]], name: str) -> list[str]:
    """Every value of attributes named `name`, in any namespace and any case."""
    return [value.strip().lower() for key, value in element if key.lower() == name]


def _content_types_problem(archive: zipfile.ZipFile) -> str | None:
    member = _member(archive, "[content_types].xml")
    content_types = None if member is None else _read_bounded(archive, member, CONTENT_TYPES_MOST_BYTES)
    elements = None if content_types is None else _xml_attributes(content_types)
    if elements is None:
        return UNREADABLE
    for element in elements:
        for content_type in _values(element, "contenttype"):
            if content_type in PLAIN_WORD_CONTENT_TYPES:
                continue
            return MACROS if any(marker in content_type for marker in MACRO_MARKERS) else EMBEDDED_CODE
    return None


def _relationship_problem(element: list[tuple[str, str]]) -> str | None:
    types = _values(element, "type")
    if any(marker in kind for kind in types for marker in MACRO_MARKERS):
        return MACROS
    if any(kind.rpartition("/")[2] in EMBEDDING_RELATIONSHIPS for kind in types):
        return EMBEDDED_CODE
    outside = any(mode != "internal" for mode in _values(element, "targetmode")) or any(
        OUTSIDE_TARGET.match(target) for target in _values(element, "target")
    )
    if outside and not (types and all(kind in HYPERLINK_RELATIONSHIPS for kind in types)):
        targets = _values(element, "target")
        own_template = (
            types
            and all(kind.rpartition("/")[2] == ATTACHED_TEMPLATE for kind in types)
            and targets
            and all(AUTHORS_OWN_DRIVE.match(target) and ".." not in target for target in targets)
        )
        if not own_template:
            return OUTSIDE_CONTENT
    return None


def _relationships_problem(archive: zipfile.ZipFile) -> str | None:
    """What a relationship points at: code, an embedded object, or outside the file."""
    parts = [member for member in archive.infolist() if _part_name(member.filename).endswith(".rels")]
    if sum(member.file_size for member in parts) > RELATIONSHIPS_TOTAL_MOST_BYTES:
        return UNREADABLE
    for member in parts:
        relationships = _read_bounded(archive, member, RELATIONSHIPS_MOST_BYTES)
        elements = None if relationships is None else _xml_attributes(relationships)
        if elements is None:
            return UNREADABLE
        for element in elements:
            if problem := _relationship_problem(element):
                return problem
    return None


def _word_checked(upload: File[bytes]) -> str | None:
    """WORD if the zip is a Word document we accept; None if it is not a Word document at all.

    Raises ValidationError with a plain message for a Word document we refuse."""
    upload.seek(0)
    try:
        with zipfile.ZipFile(upload) as archive:
            names = {_part_name(name) for name in archive.namelist()}
            if "[content_types].xml" not in names or "word/document.xml" not in names:
                return None
            try:
                problem = _word_problem(archive, upload)
            except (zipfile.BadZipFile, zlib.error, EOFError, NotImplementedError, RuntimeError, ValueError):
                problem = UNREADABLE
    except (zipfile.BadZipFile, EOFError, ValueError):
        return None
    finally:
        upload.seek(0)
    if problem:
        raise ValidationError(problem)
    return WORD


def sniff_content_type(upload: File[bytes]) -> str | None:
    """The file's real type, read from its first bytes (and the zip's parts for Word).

    Raises ValidationError for a Word file that carries code or would expand too far."""
    upload.seek(0)
    head = upload.read(8192)
    upload.seek(0)
    if head.startswith(b"PK\x03\x04"):
        return _word_checked(upload)
    kind = filetype.guess(head)
    if kind is not None and kind.mime in ALLOWED:
        return str(kind.mime)
    return None


def validate_upload(upload: UploadedFile) -> str:
    """Raise ValidationError with a plain message, or return the real content type.

    The upload is renamed to carry the extension of its real type (`report.html` holding a
    PDF becomes `report.pdf`), so it is stored and later served under that extension."""
    limit = settings.NURTURE_UPLOAD_MAX_BYTES
    if upload.size is None or upload.size == 0:
        raise ValidationError("The file is empty.")
    if upload.size > limit:
        raise ValidationError(f"The file is {upload.size / 1_048_576:.1f} MB; the limit is {limit / 1_048_576:.0f} MB.")
    content_type = sniff_content_type(upload)
    if content_type is None:
        raise ValidationError(f"This file is not a {HUMAN_NAMES} file, whatever its name says.")
    upload.name = name_for_type(upload.name or "file", content_type)
    return content_type


def name_for_type(name: str, content_type: str) -> str:
    """`name` with the extension of `content_type`: report.html holding a PDF is report.pdf."""
    if content_type not in ALLOWED:
        return name
    path = PurePosixPath(name)
    if path.suffix.lower().lstrip(".") in EXTENSIONS[content_type]:
        return name
    return f"{path.stem if path.suffix else name}.{ALLOWED[content_type]}"


def stored_suffix(filename: str) -> str:
    """The extension a stored file gets: one of the allowed types', or none at all."""
    suffix = PurePosixPath(filename).suffix.lower()
    return suffix if any(suffix.lstrip(".") in names for names in EXTENSIONS.values()) else ""


def private_upload_path(instance: Any, filename: str) -> str:
    """A random name in the owner's folder: the original name is kept in the database."""
    return f"uploads/{instance.owner_id}/{uuid.uuid4().hex}{stored_suffix(filename)}"


def _served_type(field: FieldFile, content_type: str) -> str:
    """The type recorded at upload; for a file stored without one, its type read from its bytes."""
    if content_type in ALLOWED:
        return content_type
    with field.storage.open(str(field.name), "rb") as stored:
        try:
            detected = sniff_content_type(stored)
        except ValidationError:
            detected = None
    return detected or "application/octet-stream"


def private_file_response(field: FieldFile, *, filename: str, content_type: str) -> FileResponse:
    """The file as an attachment named with the extension of its real type, never rendered."""
    served_type = _served_type(field, content_type)
    response = FileResponse(
        field.open("rb"),
        as_attachment=True,
        filename=name_for_type(filename or "file", served_type),
        content_type=served_type,
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    return response


# A stored file lives as long as its row ----------------------------------------------------

_REMEMBERED = "_stored_file_names"
_saved_here: ContextVar[list[FieldFile] | None] = ContextVar("files_saved_in_atomic_block", default=None)


@cache
def _file_fields(model: type[models.Model]) -> list[models.FileField]:
    return [field for field in model._meta.concrete_fields if isinstance(field, models.FileField)]


def _written(file: FieldFile) -> bool:
    """Whether the file is in storage already (Django marks a file not yet saved)."""
    return bool(getattr(file, "_committed", True))


def _name_in(value: Any) -> str:
    """The stored name behind a file field's raw value ('' for none, or a file not yet saved)."""
    if isinstance(value, FieldFile):
        return (value.name or "") if _written(value) else ""
    return value if isinstance(value, str) else ""


def _remove_after_commit(storage: Storage, name: str) -> None:
    def remove() -> None:
        storage.delete(name)
        logger.info("Removed stored file %s", name)

    transaction.on_commit(remove, robust=True)


def _remember(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    instance.__dict__[_REMEMBERED] = {
        field.attname: _name_in(instance.__dict__[field.attname])
        for field in _file_fields(sender)
        if field.attname in instance.__dict__
    }


def _saved_fields(sender: type[models.Model], instance: models.Model, kwargs: dict[str, Any]) -> list[models.FileField]:
    """The file fields this save writes: loaded or set, and among `update_fields` if given."""
    if kwargs.get("raw"):
        return []
    only = kwargs.get("update_fields")
    return [
        field
        for field in _file_fields(sender)
        if field.attname in instance.__dict__ and (only is None or field.name in only)
    ]


def _note_new_files(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    saved = _saved_here.get()
    if saved is None:
        return
    remembered = instance.__dict__.get(_REMEMBERED, {})
    for field in _saved_fields(sender, instance, kwargs):
        file = getattr(instance, field.attname)
        if file and (not _written(file) or file.name != remembered.get(field.attname)):
            saved.append(file)


def _remove_replaced(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    remembered = instance.__dict__.setdefault(_REMEMBERED, {})
    for field in _saved_fields(sender, instance, kwargs):
        old, new = remembered.get(field.attname, ""), _name_in(instance.__dict__[field.attname])
        if old and old != new:
            _remove_after_commit(field.storage, old)
        remembered[field.attname] = new


def _remove_deleted(sender: type[models.Model], instance: models.Model, **kwargs: Any) -> None:
    for field in _file_fields(sender):
        if name := _name_in(instance.__dict__.get(field.attname)):
            _remove_after_commit(field.storage, name)


def files_follow_their_rows() -> None:
    """For every model with a file field: deleting a row (a service, a cascade from its owner,
    the admin) removes its files, and replacing or clearing a file removes the old one, once
    the transaction commits (a rolled-back delete keeps them). Called from CoreConfig.ready,
    so core needs to know no domain app. QuerySet.update() and raw SQL pass it by."""
    for model in apps.get_models():
        if not _file_fields(model):
            continue
        uid = f"uploads.{model._meta.label}"
        post_init.connect(_remember, sender=model, dispatch_uid=uid)
        pre_save.connect(_note_new_files, sender=model, dispatch_uid=uid)
        post_save.connect(_remove_replaced, sender=model, dispatch_uid=uid)
        post_delete.connect(_remove_deleted, sender=model, dispatch_uid=uid)


@contextmanager
def atomic_with_files() -> Iterator[None]:
    """transaction.atomic() that also removes the files saved in it if it rolls back.

    Django has no hook for a rollback, so the rows saved in the block note their new
    files, and an exception leaving the block removes them. Use it, instead of
    transaction.atomic(), in every service that saves a file. Nested inside another
    atomic_with_files, the outer block answers for them once this one succeeds."""
    saved: list[FieldFile] = []
    outer = _saved_here.get()
    token = _saved_here.set(saved)
    try:
        with transaction.atomic():
            yield
    except BaseException:
        for file in saved:
            if _written(file) and file.name:
                file.storage.delete(file.name)
        raise
    finally:
        _saved_here.reset(token)
    if outer is not None:
        outer.extend(saved)
