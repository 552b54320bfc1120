"""PDF quotes and proforma invoices, in the buyer's language.

fpdf2 writes the PDF and shapes text with HarfBuzz (uharfbuzz), both from
PyPI; the DejaVu Sans fonts it embeds are bundled in ./fonts, so a fresh
machine needs no system font. Arabic is shaped and laid out right to left:
columns, alignment and the reading order of mixed lines are mirrored.

Each document is loaded into a small dataclass first, then drawn.
"""

from dataclasses import dataclass, field
from decimal import Decimal
from functools import cache
from pathlib import Path

from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import get_language_info
from django.utils.translation import gettext as _
from fpdf import FPDF
from fpdf.fonts import FontFace
from oscar.templatetags.currency_filters import currency as currency_format

from shop.wholesale.models import Incoterm, PaymentTerms, Quote, QuoteRequest
from shop.wholesale.services.orders import payment_due_date, quote_ordered_get

FONTS_DIR = Path(__file__).resolve().parent / "fonts"
FONT = "DejaVu"
GREY = (90, 90, 90)
LIGHT = (235, 235, 235)
# Shown until settings.WHOLESALE_BANK_DETAILS gives the office's account.
BANK_DETAILS_PLACEHOLDER = (
    "Terroir du Maroc — bank, RIB and SWIFT to be set in WHOLESALE_BANK_DETAILS"
)


@dataclass(frozen=True)
class DocumentLine:
    title: str
    hs_code: str
    units: int
    unit_price: Decimal
    total: Decimal
    packs: int | None = None
    pack_size: int | None = None


@dataclass(frozen=True)
class Document:
    """What a quote or proforma says, in words of the buyer's language."""

    title: str
    facts: list[tuple[str, str]]
    buyer: list[str]
    lines: list[DocumentLine]
    currency: str
    totals: list[tuple[str, Decimal]]
    notes: list[tuple[str, str]] = field(default_factory=list)


def quote_pdf(*, quote: Quote, language: str) -> bytes:
    """Draw a quote version as the buyer downloads it."""
    quote = Quote.objects.select_related(
        "request__company__country", "request__delivery_country"
    ).get(pk=quote.pk)
    lines = list(quote.lines.select_related("product"))
    request = quote.request
    with translation.override(language):
        goods = sum((line.line_total for line in lines), Decimal("0.00"))
        facts = [
            (_("Date"), _date(timezone.localdate(quote.sent_at))),
            (_("Valid until"), _date(quote.valid_until)),
            (_("Payment terms"), str(PaymentTerms(quote.payment_terms).label)),
            (_("Incoterm"), _incoterm(request.incoterm)),
            (_("Delivery to"), _place(request.delivery_city, request.delivery_country)),
        ]
        if request.delivery_date:
            facts.append((_("Requested delivery date"), _date(request.delivery_date)))
        facts.append((_("Currency"), quote.currency))
        document = Document(
            title=_("Quote %(number)s, version %(version)s")
            % {"number": request.number, "version": quote.version},
            facts=facts,
            buyer=_company_lines(request.company),
            lines=[
                DocumentLine(
                    title=line.product.get_title(),
                    hs_code=line.product.hs_code,
                    packs=line.packs,
                    pack_size=line.pack_size,
                    units=line.units,
                    unit_price=line.unit_price,
                    total=line.line_total,
                )
                for line in lines
            ],
            currency=quote.currency,
            totals=[
                (_("Goods"), goods),
                (_("Delivery"), quote.delivery_price),
                (_("Total"), goods + quote.delivery_price),
            ],
            notes=[(_("Message from our office"), quote.message)]
            if quote.message.strip()
            else [],
        )
        return _render(document, language)


def proforma_pdf(*, order, language: str) -> bytes:
    """Draw the proforma invoice of an order placed from a quote."""
    request = (
        QuoteRequest.objects.select_related("company__country", "delivery_country")
        .prefetch_related("quotes__lines")
        .get(order=order)
    )
    origin = getattr(order, "origin", None)
    quote = quote_ordered_get(request=request)
    pack_sizes = (
        {line.product_id: line.pack_size for line in quote.lines.all()} if quote else {}
    )
    lines = list(order.lines.select_related("product").order_by("pk"))
    with translation.override(language):
        terms = quote.payment_terms if quote else PaymentTerms.PREPAID
        due = payment_due_date(order=order, terms=terms)
        facts = [
            (_("Order number"), order.number),
            (_("Date"), _date(timezone.localdate(order.date_placed))),
            (_("Quote"), origin.quote_reference if origin else request.number),
            (_("Payment terms"), str(PaymentTerms(terms).label)),
            (
                _("Payment due"),
                _date(due) if due else _("Before the goods are shipped"),
            ),
            (_("Incoterm"), _incoterm(request.incoterm)),
            (_("Delivery to"), _place(request.delivery_city, request.delivery_country)),
            (_("Currency"), order.currency),
        ]
        document = Document(
            title=_("Proforma invoice %(number)s") % {"number": order.number},
            facts=facts,
            buyer=_company_lines(request.company),
            lines=[_order_line(line, pack_sizes) for line in lines],
            currency=order.currency,
            totals=[
                (_("Goods"), order.basket_total_incl_tax),
                (_("Delivery"), order.shipping_incl_tax),
                (_("Total"), order.total_incl_tax),
            ],
            notes=[
                (
                    _("Pay by bank transfer to"),
                    "\n".join(
                        [
                            _bank_details(),
                            _("Reference to give with your transfer: %(number)s")
                            % {"number": order.number},
                        ]
                    ),
                ),
                (
                    _("About this document"),
                    _(
                        "This proforma invoice is not a tax invoice: the invoice "
                        "comes with the goods."
                    ),
                ),
            ],
        )
        return _render(document, language)


def _order_line(line, pack_sizes: dict[int, int]) -> DocumentLine:
    pack_size = pack_sizes.get(line.product_id)
    whole = pack_size and line.quantity % pack_size == 0
    return DocumentLine(
        title=line.title,
        hs_code=line.product.hs_code if line.product else "",
        packs=line.quantity // pack_size if whole else None,
        pack_size=pack_size if whole else None,
        units=line.quantity,
        unit_price=line.unit_price_incl_tax,
        total=line.line_price_incl_tax,
    )


def _bank_details() -> str:
    return getattr(settings, "WHOLESALE_BANK_DETAILS", "") or BANK_DETAILS_PLACEHOLDER


def _labelled(label: str, value: str) -> str:
    # French puts a space before the colon: the format is translated.
    return _("%(label)s: %(value)s") % {"label": label, "value": value}


def _date(value) -> str:
    return date_format(value, "DATE_FORMAT")


def _incoterm(code: str) -> str:
    return str(Incoterm(code).label) if code else "—"


def _place(city: str, country) -> str:
    return ", ".join(part for part in (city, country.printable_name) if part)


def _company_lines(company) -> list[str]:
    identifiers = [
        (_("ICE"), company.ice),
        (_("VAT or company number"), company.vat_number),
        (_("Trade register"), company.trade_register),
    ]
    return [
        company.name,
        company.address_line1,
        company.address_line2,
        " ".join(part for part in (company.postcode, company.city) if part),
        company.country.printable_name,
        *(_labelled(label, value) for label, value in identifiers if value),
        " · ".join(part for part in (company.phone, company.email) if part),
    ]


# Drawing.


@cache
def _is_rtl(language: str) -> bool:
    try:
        return get_language_info(language)["bidi"]
    except KeyError:
        return False


class _Pdf(FPDF):
    """An A4 page in the document's direction, with the shop's header and footer."""

    def __init__(self, *, rtl: bool, title: str):
        super().__init__(format="A4")
        self.rtl = rtl
        self.doc_title = title
        self.start = "R" if rtl else "L"
        self.end = "L" if rtl else "R"
        self.add_font(FONT, "", str(FONTS_DIR / "DejaVuSans.ttf"))
        self.add_font(FONT, "B", str(FONTS_DIR / "DejaVuSans-Bold.ttf"))
        # In Arabic each paragraph takes the direction of its first letter
        # (the bidi algorithm's rule), so a company name or an office message
        # in French still reads left to right, aligned with the rest.
        self.direction = None if rtl else "ltr"
        self.set_text_shaping(use_shaping_engine=True, direction=self.direction)
        self.set_margins(15, 15, 15)
        self.set_auto_page_break(auto=True, margin=18)
        self.set_title(title)
        self.set_creator(settings.OSCAR_SHOP_NAME)
        self.set_font(FONT, size=9)

    def header(self):
        self.set_font(FONT, "B", 14)
        self.cell(0, 8, settings.OSCAR_SHOP_NAME, align=self.start)
        self.ln(8)
        self.set_font(FONT, "", 9)

    def footer(self):
        self.set_y(-12)
        self.set_font(FONT, "", 8)
        self.set_text_color(*GREY)
        self.cell(0, 6, self.doc_title, align=self.start)
        self.set_x(self.l_margin)
        # Only digits: fpdf2 fills in the page count ({nb}) after the text is
        # laid out, which shaped text would not survive.
        self.set_text_shaping(False)
        self.cell(0, 6, f"{self.page_no()} / {{nb}}", align=self.end)
        self.set_text_shaping(use_shaping_engine=True, direction=self.direction)
        self.set_text_color(0)

    def row(self, cells):
        """Cells in reading order; mirrored for a right-to-left document."""
        return list(reversed(cells)) if self.rtl else list(cells)

    def text_block(self, text: str, *, bold: bool = False, size: float = 9):
        self.set_font(FONT, "B" if bold else "", size)
        self.multi_cell(0, 5, text, align=self.start, new_x="LMARGIN", new_y="NEXT")
        self.set_font(FONT, "", 9)


def _render(document: Document, language: str) -> bytes:
    pdf = _Pdf(rtl=_is_rtl(language), title=document.title)
    pdf.add_page()
    pdf.text_block(document.title, bold=True, size=13)
    pdf.ln(3)
    _facts_and_buyer(pdf, document)
    pdf.ln(4)
    _lines_table(pdf, document)
    pdf.ln(2)
    _totals_table(pdf, document)
    for heading, text in document.notes:
        pdf.ln(4)
        pdf.text_block(heading, bold=True)
        pdf.text_block(text)
    return bytes(pdf.output())


def _facts_and_buyer(pdf: _Pdf, document: Document) -> None:
    """The document's facts beside the buyer's details, in two columns."""
    facts = "\n".join(_labelled(label, value) for label, value in document.facts)
    buyer = "\n".join(line for line in document.buyer if line)
    with pdf.table(
        borders_layout="NONE",
        v_align="TOP",
        first_row_as_headings=True,
        headings_style=FontFace(emphasis="BOLD"),
        text_align=pdf.start,
        line_height=5,
    ) as table:
        heading = table.row()
        for text in pdf.row([_("Details"), _("Customer")]):
            heading.cell(text)
        body = table.row()
        for text in pdf.row([facts, buyer]):
            body.cell(text)


def _money(amount: Decimal, currency: str) -> str:
    return currency_format(amount, currency)


def _lines_table(pdf: _Pdf, document: Document) -> None:
    widths = pdf.row([62, 20, 24, 18, 28, 28])
    aligns = pdf.row(["START", "START", "END", "END", "END", "END"])
    side = {"START": pdf.start, "END": pdf.end}
    with pdf.table(
        col_widths=widths,
        text_align=[side[align] for align in aligns],
        line_height=5,
        padding=1,
        headings_style=FontFace(emphasis="BOLD", fill_color=LIGHT),
        repeat_headings=1,
    ) as table:
        heading = table.row()
        for text in pdf.row(
            [
                _("Product"),
                _("HS code"),
                _("Packs"),
                _("Units"),
                _("Unit price"),
                _("Total"),
            ]
        ):
            heading.cell(text)
        for line in document.lines:
            row = table.row()
            packs = (
                f"{line.packs} × {line.pack_size}"
                if line.packs is not None and line.pack_size
                else "—"
            )
            for text in pdf.row(
                [
                    line.title,
                    line.hs_code or "—",
                    packs,
                    str(line.units),
                    _money(line.unit_price, document.currency),
                    _money(line.total, document.currency),
                ]
            ):
                row.cell(text)


def _totals_table(pdf: _Pdf, document: Document) -> None:
    with pdf.table(
        width=80,
        col_widths=pdf.row([40, 40]),
        align=pdf.end,
        text_align=pdf.row([pdf.start, pdf.end]),
        first_row_as_headings=False,
        borders_layout="HORIZONTAL_LINES",
        line_height=6,
    ) as table:
        for index, (label, amount) in enumerate(document.totals):
            last = index == len(document.totals) - 1
            style = FontFace(emphasis="BOLD") if last else None
            row = table.row()
            for text in pdf.row([label, _money(amount, document.currency)]):
                row.cell(text, style=style)
