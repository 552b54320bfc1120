"""PDF quotes and proforma invoices: what the buyer reads in them, in French,
English and Arabic (shaped, right to left), read back with pypdf."""

import datetime
import io
from decimal import Decimal

import pytest
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from pypdf import PdfReader

from shop.wholesale.documents import proforma_pdf, quote_pdf
from shop.wholesale.models import PaymentTerms
from shop.wholesale.services.orders import quote_accept
from tests.factories import ProductFactory
from tests.wholesale.journey import quote_for

pytestmark = pytest.mark.django_db

D = Decimal
ARGAN_AR = "زيت أركان للطبخ"


def pdf_text(data: bytes) -> str:
    """The PDF's text with the narrow and non-breaking spaces read as spaces."""
    assert data.startswith(b"%PDF")
    pages = PdfReader(io.BytesIO(data)).pages
    text = "\n".join(page.extract_text() for page in pages)
    return text.replace("\u202f", " ").replace("\xa0", " ")


def x_of(data: bytes, wanted: str, page: int = 0) -> float:
    """Where (points from the left edge) the first text run holding `wanted` starts."""
    runs = []

    def visit(text, cm, tm, font, size):
        if wanted in text:
            runs.append(tm[4])

    PdfReader(io.BytesIO(data)).pages[page].extract_text(visitor_text=visit)
    assert runs, f"{wanted!r} is not in the PDF"
    return runs[0]


@pytest.fixture
def argan(db):
    product = ProductFactory(
        title="Huile d'argane alimentaire 250 ml",
        wholesale_pack_size=12,
        minimum_order_quantity=24,
        hs_code="151590",
    )
    product.stockrecords.update(num_in_stock=500)
    return product


@pytest.fixture
def amlou(db):
    """A product whose title is Arabic, for shaping in every language."""
    return ProductFactory(title=ARGAN_AR, wholesale_pack_size=6, hs_code="200819")


@pytest.fixture
def quoted(chain, buyer, office, argan, amlou):
    """10 packs × 12 of argan oil at 85.00 and 5 × 6 of the Arabic-named
    product at 95.00, delivery 350.00: 10 200 + 2 850 + 350 = 13 400.00 MAD."""
    return quote_for(
        company=chain,
        buyer=buyer,
        office=office,
        lines=[(argan, 10, "85.00"), (amlou, 5, "95.00")],
        message="Prix valables pour une livraison groupée en une fois.",
    )


def in_language(language, function):
    with translation.override(language):
        return function()


def test_the_french_quote_has_the_company_lines_totals_and_terms(quoted, chain):
    """Company details, each line with its HS code, packs, units, unit price
    and total, then goods, delivery, total, validity, terms and the message."""
    request, quote = quoted
    # A label too long for its column wraps: read the page as running text.
    text = " ".join(pdf_text(quote_pdf(quote=quote, language="fr")).split())
    valid = in_language("fr", lambda: date_format(quote.valid_until, "DATE_FORMAT"))
    for expected in [
        "Terroir du Maroc",
        f"{request.number}, version 1",
        chain.name,
        "45 boulevard Zerktouni",
        "20000 Casablanca",
        f"{chain.ice}",
        "RC Casablanca 123456",
        "Huile d'argane alimentaire 250 ml 151590 10 × 12 120 85,00 MAD 10 200,00 MAD",
        f"{ARGAN_AR} 200819 5 × 6 30 95,00 MAD 2 850,00 MAD",
        "13 050,00 MAD",
        "Livraison 350,00 MAD",
        "Total 13 400,00 MAD",
        valid,
        in_language("fr", lambda: str(PaymentTerms.PREPAID.label)),
        "Casablanca, Morocco",
        "Prix valables pour une livraison groupée en une fois.",
    ]:
        assert expected in text


def test_the_english_quote_reads_in_english(quoted):
    request, quote = quoted
    text = pdf_text(quote_pdf(quote=quote, language="en"))
    assert f"Quote {request.number}, version 1" in text
    assert "Product HS code Packs Units Unit price Total" in text
    assert "MAD85.00 MAD10,200.00" in text
    assert "Total MAD13,400.00" in text
    assert "Bank transfer in advance" in text


def test_the_arabic_quote_is_shaped_and_right_to_left(quoted):
    """Arabic words come out of pypdf in reading order (they are reversed when
    written unshaped, letter by letter), the amounts are there, and the columns
    are mirrored: the product on the right, the total on the left."""
    _request, quote = quoted
    data = quote_pdf(quote=quote, language="ar")
    text = pdf_text(data)
    unit_price = in_language("ar", lambda: translation.gettext("Unit price"))
    product = in_language("ar", lambda: translation.gettext("Product"))
    total = in_language("ar", lambda: translation.gettext("Total"))
    assert unit_price == "سعر الوحدة"  # Arabic text to shape, not an English fallback
    for word in (ARGAN_AR, unit_price, total):
        assert word in text
        assert word[::-1] not in text
    for amount in ("85.00", "10,200.00", "13,050.00", "350.00", "13,400.00"):
        assert amount in text
    assert "د.م." in text
    assert x_of(data, product) > x_of(data, unit_price) > x_of(data, total)

    french = quote_pdf(quote=quote, language="fr")
    assert x_of(french, "Produit") < x_of(french, "Prix unitaire")


def test_an_export_quote_names_its_incoterm_and_currency(
    importer, importer_buyer, office, argan
):
    _request, quote = quote_for(
        company=importer,
        buyer=importer_buyer,
        office=office,
        lines=[(argan, 4, "7.90")],
        delivery_price="180.00",
        country="FR",
        incoterm="DAP",
    )
    text = pdf_text(quote_pdf(quote=quote, language="en"))
    assert "Incoterm: DAP — delivered at place" in text
    assert "Lyon" in text
    assert "FR40123456789" in text
    assert "€7.90 €379.20" in text  # 48 units
    assert "Total €559.20" in text


def test_a_long_quote_runs_over_pages_with_its_headings(chain, buyer, office):
    """Forty lines take two pages; the table's headings repeat, each page is
    numbered out of the total."""
    products = [
        ProductFactory(title=f"Savon beldi {n}", hs_code="340111") for n in range(40)
    ]
    _request, quote = quote_for(
        company=chain,
        buyer=buyer,
        office=office,
        lines=[(product, 2, "12.00") for product in products],
    )
    data = quote_pdf(quote=quote, language="en")
    pages = PdfReader(io.BytesIO(data)).pages
    assert len(pages) == 2
    second = pages[1].extract_text()
    assert "Product HS code Packs Units Unit price Total" in second
    assert "2 / 2" in second
    assert "Total MAD1,310.00" in pdf_text(data)  # 40 × 2 × 12.00 + 350.00


def test_the_fonts_travel_inside_the_pdf(quoted):
    """DejaVu Sans is embedded (from shop/wholesale/fonts), regular and bold:
    no reader or machine needs it installed."""
    _request, quote = quoted
    fonts = PdfReader(io.BytesIO(quote_pdf(quote=quote, language="ar"))).pages[0][
        "/Resources"
    ]["/Font"]
    names = set()
    for font in fonts.values():
        font = font.get_object()
        names.add(font["/BaseFont"].split("+")[-1])
        (descendant,) = font["/DescendantFonts"]
        assert "/FontFile2" in descendant.get_object()["/FontDescriptor"]
    assert names == {"DejaVuSansBook", "DejaVuSansBold"}


@override_settings(
    WHOLESALE_BANK_DETAILS="Banque Populaire, RIB 190 780 2111 1234567890 12 37"
)
def test_the_proforma_invoice_has_the_order_lines_totals_and_bank(quoted, buyer):
    """The order's number, lines and totals, the bank account to pay and the
    reference to give with the transfer."""
    request, _quote = quoted
    order = quote_accept(request=request, by=buyer)
    text = " ".join(pdf_text(proforma_pdf(order=order, language="fr")).split())
    for expected in [
        f"Facture proforma {order.number}",
        f"{request.number} v1",
        "Huile d'argane alimentaire 250 ml 151590 10 × 12 120 85,00 MAD 10 200,00 MAD",
        f"{ARGAN_AR} 200819 5 × 6 30 95,00 MAD 2 850,00 MAD",
        "Livraison 350,00 MAD",
        "Total 13 400,00 MAD",
        "Banque Populaire, RIB 190 780 2111 1234567890 12 37",
        f"Référence à indiquer avec votre virement : {order.number}",
        "Échéance de paiement : Avant l’expédition des marchandises",
    ]:
        assert expected in text


def test_a_proforma_on_terms_says_when_payment_is_due(chain, buyer, office, argan):
    chain.payment_terms = PaymentTerms.NET_60
    chain.credit_limit = D("50000.00")
    chain.save()
    request, _quote = quote_for(
        company=chain,
        buyer=buyer,
        office=office,
        lines=[(argan, 3, "90.00")],
        terms=PaymentTerms.NET_60,
    )
    order = quote_accept(request=request, by=buyer)
    due = timezone.localdate(order.date_placed) + datetime.timedelta(days=60)
    text = pdf_text(proforma_pdf(order=order, language="en"))
    assert in_language("en", lambda: date_format(due, "DATE_FORMAT")) in text
    assert "Bank transfer within 60 days" in text
    assert "Total MAD3,590.00" in text  # 36 × 90.00 + 350.00


def test_the_buyer_downloads_the_proforma_in_the_pages_language(client, quoted, buyer):
    """From the Arabic wholesale page the proforma comes in Arabic."""
    request, _quote = quoted
    order = quote_accept(request=request, by=buyer)
    client.force_login(buyer)
    with translation.override("ar"):
        url = reverse("wholesale:proforma-pdf", kwargs={"pk": request.pk})
    response = client.get(url)
    assert response["Content-Type"] == "application/pdf"
    text = pdf_text(response.content)
    assert order.number in text
    assert in_language("ar", lambda: translation.gettext("Order number")) in text
