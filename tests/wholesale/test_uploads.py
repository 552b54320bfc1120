"""Attachments of requests for quote: PDFs and spreadsheets up to 5 MB, told
apart by their content, not their names."""

import io
import zipfile

import openpyxl
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile

from shop.wholesale.uploads import MAX_BYTES, attachment_check

PDF = b"%PDF-1.4\n1 0 obj<</Type/Catalog>>endobj\ntrailer<</Root 1 0 R>>\n%%EOF\n"


def xlsx_bytes() -> bytes:
    book = openpyxl.Workbook()
    book.active.append(["SKU", "Packs"])
    book.active.append(["ARG-250", 10])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        # OpenDocument: an uncompressed "mimetype" entry first.
        archive.writestr(
            zipfile.ZipInfo("mimetype"),
            "application/vnd.oasis.opendocument.spreadsheet",
        )
        archive.writestr("content.xml", "<office:document-content/>")
    return out.getvalue()


def xls_bytes() -> bytes:
    """The start of an Excel 97 workbook: an OLE2 header and a BIFF8 record."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 504
    return header + b"\x09\x08\x10\x00\x00\x06\x05\x00" + b"\x00" * 600


def zip_bytes() -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("list.txt", "ARG-250;10")
    return out.getvalue()


def upload(name: str, content: bytes) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content)


@pytest.mark.parametrize(
    ("name", "content", "extension"),
    [
        ("devis.pdf", PDF, "pdf"),
        ("commande.xlsx", xlsx_bytes(), "xlsx"),
        ("Commande.XLSX", xlsx_bytes(), "xlsx"),
        ("ancienne.xls", xls_bytes(), "xls"),
        ("libre.ods", ods_bytes(), "ods"),
        ("liste.csv", "SKU;Colis\nARG-250;10\nمنتج;5\n".encode(), "csv"),
        ("excel.csv", "\ufeffSKU;Colis\nARG-250;10\n".encode(), "csv"),
    ],
)
def test_pdfs_and_spreadsheets_are_accepted(name, content, extension):
    """A PDF, an Excel workbook (new or old), an OpenDocument sheet or a UTF-8
    CSV (with or without BOM) is accepted for what its content says."""
    assert attachment_check(upload=upload(name, content)).extension == extension


@pytest.mark.parametrize(
    ("name", "content"),
    [
        ("devis.pdf", b"MZ\x90\x00\x03\x00\x00\x00" + b"\x00" * 200),  # an .exe
        ("devis.pdf", b"<html><script>alert(1)</script></html>"),
        ("commande.xlsx", zip_bytes()),  # a zip, not a workbook
        ("commande.xlsx", PDF),  # a PDF named as a workbook
        ("libre.ods", xlsx_bytes()),
        ("liste.csv", "SKU;Qté\nARG;10\n".encode("latin-1")),  # not UTF-8
        ("liste.csv", PDF),  # a PDF named .csv
        ("liste.csv", b"SKU\x00;10"),
    ],
)
def test_content_that_does_not_match_the_name_is_refused(name, content, english):
    """The content decides: an executable, a web page or a zip renamed to a
    document's extension, or a CSV not in UTF-8, is refused with a message."""
    with pytest.raises(ValidationError) as refused:
        attachment_check(upload=upload(name, content))
    assert "whatever its name says" in refused.value.messages[0]


@pytest.mark.parametrize("name", ["lettre.docx", "photo.jpg", "script.sh", "sans-nom"])
def test_other_kinds_of_file_are_refused(name, english):
    with pytest.raises(ValidationError) as refused:
        attachment_check(upload=upload(name, PDF))
    assert refused.value.messages == [
        "Attach a PDF or a spreadsheet (.xlsx, .xls, .ods or .csv)."
    ]


def test_files_over_5_mb_are_refused(english):
    """Size is checked before the content is read."""
    big = upload("gros.pdf", PDF + b"0" * MAX_BYTES)
    with pytest.raises(ValidationError) as refused:
        attachment_check(upload=big)
    assert refused.value.messages == [
        "The file is larger than 5.0\xa0MB: attach a smaller one."
    ]
    assert attachment_check(upload=upload("juste.pdf", PDF.ljust(MAX_BYTES, b" ")))


def test_an_empty_file_is_refused(english):
    with pytest.raises(ValidationError, match="empty"):
        attachment_check(upload=upload("vide.csv", b""))
