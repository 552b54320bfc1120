"""Attachments of requests for quote: a PDF or a spreadsheet, at most 5 MB.

The content decides, not the name: a file is accepted only when what
`filetype` reads in its first bytes matches its extension (a CSV, which has no
signature, must be text in UTF-8). A renamed executable or a zip called
"list.xlsx" is refused.
"""

from dataclasses import dataclass
from pathlib import PurePath

import filetype
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

MAX_BYTES = 5 * 1024 * 1024


@dataclass(frozen=True)
class AttachmentKind:
    extension: str
    content_type: str


KINDS = {
    kind.extension: kind
    for kind in (
        AttachmentKind("pdf", "application/pdf"),
        AttachmentKind(
            "xlsx", "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
        ),
        AttachmentKind("xls", "application/vnd.ms-excel"),
        AttachmentKind("ods", "application/vnd.oasis.opendocument.spreadsheet"),
        AttachmentKind("csv", "text/csv"),
    )
}


def attachment_kind_get(*, name: str) -> AttachmentKind | None:
    """What a stored attachment is, from its (already checked) extension."""
    return KINDS.get(PurePath(name).suffix.lower().lstrip("."))


def attachment_check(*, upload) -> AttachmentKind:
    """Return the kind of an uploaded attachment, or refuse it saying why."""
    kind = attachment_kind_get(name=upload.name or "")
    if kind is None:
        raise ValidationError(
            _("Attach a PDF or a spreadsheet (.xlsx, .xls, .ods or .csv)."),
            code="extension",
        )
    if upload.size > MAX_BYTES:
        raise ValidationError(
            _("The file is larger than %(max)s: attach a smaller one.")
            % {"max": filesizeformat(MAX_BYTES)},
            code="size",
        )
    if upload.size == 0:
        raise ValidationError(_("The file is empty."), code="empty")
    if not _content_matches(upload=upload, kind=kind):
        raise ValidationError(
            _(
                "This file's content is not a %(extension)s file, whatever its "
                "name says: attach a PDF or a spreadsheet."
            )
            % {"extension": kind.extension.upper()},
            code="content",
        )
    return kind


def _content_matches(*, upload, kind: AttachmentKind) -> bool:
    upload.seek(0)
    try:
        if kind.extension == "csv":
            return _is_text(upload.read())
        guessed = filetype.guess(upload.read(8192))
        return guessed is not None and guessed.mime == kind.content_type
    finally:
        upload.seek(0)


def _is_text(data: bytes) -> bool:
    # A binary file sniffed as anything is no CSV, whatever its encoding.
    if filetype.guess(data[:8192]) is not None or b"\x00" in data:
        return False
    try:
        data.decode("utf-8-sig")
    except UnicodeDecodeError:
        return False
    return True
