"""Wholesale demo: two approved companies (a Casablanca retail chain, a French
importer quoted in euros), a pending application, volume prices, a negotiated
price list and requests in several states, made through the wholesale
services (what buyers and office staff would do).

Idempotent: a company that exists is left as it is, with its requests.
"""

import datetime
from dataclasses import dataclass, field
from decimal import ROUND_HALF_UP, Decimal

from django.contrib.auth import get_user_model
from django.db import transaction
from django.utils import timezone, translation
from django.utils.translation import ngettext
from oscar.core.loading import get_model

from shop.partner.models import Partner, StockRecord
from shop.wholesale.models import (
    Application,
    Company,
    Membership,
    PaymentTerms,
    PriceTier,
)
from shop.wholesale.services.accounts import application_approve, application_submit
from shop.wholesale.services.orders import quote_accept
from shop.wholesale.services.prices import price_list_item_set, price_tiers_replace
from shop.wholesale.services.quotes import quote_revision_request, quote_send
from shop.wholesale.services.requests import (
    request_create,
    request_details_set,
    request_line_set,
    request_submit,
)

Country = get_model("address", "Country")
CENT = Decimal("0.01")
OFFICE = "office@terroir.ma"
# Volume prices as a share of the retail price: 1–9 packs, 10–49, 50 and more.
TIER_SHARES = ((1, Decimal("0.85")), (10, Decimal("0.80")), (50, Decimal("0.75")))
DELIVERY = {"MAD": Decimal("450.00"), "EUR": Decimal("180.00")}
# Euros per dirham for the importer's negotiated prices (rounded, for the demo).
EUR_PER_MAD = Decimal("0.092")


@dataclass(frozen=True)
class DemoCompany:
    admin: str
    details: dict
    language: str
    colleagues: tuple[str, ...] = ()
    terms: str = PaymentTerms.PREPAID
    credit_limit: Decimal = Decimal("0")
    negotiated: int = 0  # how many products get a price of their own
    requests: tuple[str, ...] = field(default=())


COMPANIES = (
    DemoCompany(
        admin="achats@soukmoderne.ma",
        colleagues=("logistique@soukmoderne.ma",),
        language="fr",
        details={
            "name": "Souk Moderne SA",
            "kind": "retail_chain",
            "ice": "002345678000012",
            "country_id": "MA",
            "trade_register": "RC Casablanca 334455",
            "address_line1": "Boulevard Abdelmoumen, 210",
            "city": "Casablanca",
            "postcode": "20360",
            "phone": "+212522998877",
            "email": "achats@soukmoderne.ma",
            "contact_name": "Meryem Alaoui",
            "expected_volumes": "200 cartons par mois pour 12 supermarchés",
        },
        terms=PaymentTerms.NET_30,
        credit_limit=Decimal("50000.00"),
        requests=("submitted", "quoted", "converted"),
    ),
    DemoCompany(
        admin="import@saveurs-atlas.fr",
        language="fr",
        details={
            "name": "Saveurs de l'Atlas SARL",
            "kind": "importer",
            "ice": "",
            "country_id": "FR",
            "vat_number": "FR40123456789",
            "trade_register": "RCS Lyon 812 345 678",
            "address_line1": "14 quai Saint-Antoine",
            "city": "Lyon",
            "postcode": "69002",
            "phone": "+33478000000",
            "email": "import@saveurs-atlas.fr",
            "contact_name": "Julien Martin",
            "expected_volumes": "Une palette par trimestre (huiles, safran)",
        },
        negotiated=3,
        requests=("revision_requested", "draft"),
    ),
)
PENDING = {
    "applicant": "contact@riad-essaouira.ma",
    "language": "fr",
    "details": {
        "name": "Riad Mogador",
        "kind": "hotel_restaurant",
        "ice": "003456789000023",
        "country_id": "MA",
        "trade_register": "RC Essaouira 1122",
        "address_line1": "Derb Laâlouj, 9",
        "city": "Essaouira",
        "postcode": "44000",
        "phone": "+212524470000",
        "email": "contact@riad-essaouira.ma",
        "contact_name": "Amal Benjelloun",
        "expected_volumes": "Amlou, miel et huile d'argane pour 20 chambres",
    },
}


def wholesale_demo_load(*, stdout) -> None:
    """Create the demo's companies, prices and requests, once."""
    users = get_user_model().objects
    office = users.filter(email=OFFICE).first()
    if office is None:
        return
    products = _demo_products()
    with translation.override("fr"):
        tiers = _tiers_load(products, office)
        made = 0
        for spec in COMPANIES:
            admin = users.filter(email=spec.admin).first()
            if admin is None or Company.objects.filter(name=spec.details["name"]):
                continue
            with transaction.atomic():
                _company_make(spec, admin, office, products)
            made += 1
        _pending_load(users)
    stdout.write(
        "  "
        + ngettext(
            "Wholesale: %(count)d company created, %(tiers)d products with "
            "volume prices.",
            "Wholesale: %(count)d companies created, %(tiers)d products with "
            "volume prices.",
            made,
        )
        % {"count": made, "tiers": tiers}
    )


def _demo_products() -> list:
    """Warehouse products with the most units, title order: stable choices."""
    warehouses = Partner.objects.exclude(kind=Partner.Kind.PILOT_STORE)
    records = (
        StockRecord.objects.filter(
            partner__in=warehouses, num_in_stock__gte=20, product__cold_chain=False
        )
        .select_related("product")
        .order_by("product__title")
    )
    seen, products = set(), []
    for record in records:
        if record.product_id not in seen:
            seen.add(record.product_id)
            products.append((record.product, record.price))
    return products[:12]


def _tiers_load(products, office) -> int:
    for product, price in products:
        if PriceTier.objects.filter(product=product).exists():
            continue
        price_tiers_replace(
            product=product,
            tiers=[
                (packs, (price * share).quantize(CENT, ROUND_HALF_UP))
                for packs, share in TIER_SHARES
            ],
            by=office,
        )
    return PriceTier.objects.values("product").distinct().count()


def _company_make(spec: DemoCompany, admin, office, products) -> None:
    application = application_submit(
        applicant=admin, details=spec.details, language=spec.language
    )
    company = application_approve(application=application, by=office)
    company.payment_terms = spec.terms
    company.credit_limit = spec.credit_limit
    company.save(update_fields=["payment_terms", "credit_limit"])
    users = get_user_model().objects
    for email in spec.colleagues:
        colleague = users.filter(email=email).first()
        if colleague is not None:
            Membership.objects.get_or_create(user=colleague, company=company)
    for product, price in products[: spec.negotiated]:
        price_list_item_set(
            company=company,
            product=product,
            unit_price=(price * EUR_PER_MAD * Decimal("0.8")).quantize(CENT),
            by=office,
        )
    for index, state in enumerate(spec.requests):
        _request_make(
            company=company,
            buyer=admin,
            office=office,
            lines=products[index * 2 : index * 2 + 2],
            state=state,
        )


def _request_make(*, company, buyer, office, lines, state) -> None:
    today = timezone.localdate()
    request = request_create(company=company, by=buyer)
    request_details_set(
        request=request,
        by=buyer,
        delivery_date=today + datetime.timedelta(days=21),
        delivery_city=company.city,
        delivery_country=Country.objects.get(pk=company.country_id),
        incoterm="" if company.country_id == "MA" else "DAP",
        notes="Livraison sur palette filmée, étiquetage en français.",
    )
    # An order the warehouses can fill today: one pack of each; a request
    # may ask for more than the stock (the office sources it).
    packs = 1 if state == "converted" else 5
    for product, _price in lines:
        request_line_set(request=request, product=product, packs=packs, by=buyer)
    if state == "draft":
        return
    request_submit(request=request, by=buyer)
    if state == "submitted":
        return
    request_lines = {line.product_id: line for line in request.lines.all()}
    quote_send(
        request=request,
        lines=[
            (
                request_lines[product.pk],
                packs,
                _quoted_price(company, product, price),
            )
            for product, price in lines
        ],
        delivery_price=Decimal("450.00")
        if company.currency == "MAD"
        else Decimal("180.00"),
        valid_until=today + datetime.timedelta(days=14),
        payment_terms=company.payment_terms,
        message="Prix départ entrepôt d'Agadir, livraison comprise.",
        by=office,
    )
    if state == "converted":
        quote_accept(request=request, by=buyer)
    elif state == "revision_requested":
        quote_revision_request(
            request=request,
            message="Pouvez-vous revoir le prix du safran pour 10 cartons ?",
            by=buyer,
        )


def _quoted_price(company, product, retail: Decimal) -> Decimal:
    share = Decimal("0.78")
    if company.currency == "EUR":
        return (retail * EUR_PER_MAD * share).quantize(CENT)
    return (retail * share).quantize(CENT)


def _pending_load(users) -> None:
    applicant = users.filter(email=PENDING["applicant"]).first()
    if applicant is None or Application.objects.filter(applicant=applicant).exists():
        return
    application_submit(
        applicant=applicant, details=PENDING["details"], language=PENDING["language"]
    )
