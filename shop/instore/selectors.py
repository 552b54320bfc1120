"""Reads of the counter: finding products as staff type or scan, and sales."""

from dataclasses import dataclass
from decimal import Decimal

from django.contrib.auth import get_user_model
from django.db.models import Prefetch, Q

from catalog.models import Product
from search.selectors import ranked_product_ids_get, title_words_match
from shop.cache import catalogue_cached, stock_figures_shown
from shop.instore.models import CounterSale
from shop.partner.models import StockRecord
from shop.partner.strategy import Selector
from shop.sales.context import in_store
from shop.sales.models import CustomerPhone
from shop.sales.phones import phone_normalise

LOOKUP_LIMIT = 8


@dataclass(frozen=True)
class LookupHit:
    product_id: int
    title: str
    upc: str
    sku: str
    price: Decimal | None
    currency: str
    shelf: int  # free units on this store's shelf
    warehouses: int  # free units in the warehouses
    cold_chain: bool

    @property
    def available(self) -> bool:
        return self.price is not None and (self.shelf > 0 or self.warehouses > 0)


@dataclass(frozen=True)
class Lookup:
    text: str
    hits: list[LookupHit]
    exact: bool = False  # the text was a product's barcode or SKU
    degraded: bool = False  # the search engine did not answer: titles only

    @property
    def looks_like_code(self) -> bool:
        """Scanners type digits; SKUs have no spaces and hold digits."""
        return " " not in self.text and any(char.isdigit() for char in self.text)


def _sellable():
    return Product.objects.filter(is_public=True).exclude(structure=Product.PARENT)


def counter_lookup(*, store, text: str, limit: int = LOOKUP_LIMIT) -> Lookup:
    """Find products for a store's counter: exactly by barcode (UPC) or SKU, else
    as the shop's search ranks them (typos, synonyms, Arabic).

    Answers are kept per store and text until the catalogue changes (any price
    or stock change moves its version), so staff typing the same name again,
    or a colleague at the next till, get it without asking the engine; a sale
    of a product listed moves its stock figures, so the answer is found again.
    """
    text = " ".join(text.split())[:100]
    if not text:
        return Lookup(text=text, hits=[])
    return catalogue_cached(
        "counter-lookup",
        text.casefold(),
        limit,
        compute=lambda: _lookup(store, text, limit),
        sales_context=in_store(store),
        keep=lambda found: not found.degraded,
    )


def _lookup(store, text: str, limit: int) -> Lookup:
    exact = list(
        _sellable()
        .filter(
            Q(upc__iexact=text)
            | Q(
                pk__in=StockRecord.objects.filter(partner_sku__iexact=text).values(
                    "product_id"
                )
            )
        )
        .values_list("pk", flat=True)[:limit]
    )
    if exact:
        return Lookup(text=text, hits=_hits(store, exact), exact=True)
    ranked = ranked_product_ids_get(text=text, limit=limit * 2)
    degraded = ranked is None
    if degraded:
        ranked = list(
            _sellable()
            .filter(title_words_match(text))
            .order_by("title")
            .values_list("pk", flat=True)[:limit]
        )
    return Lookup(text=text, hits=_hits(store, ranked)[:limit], degraded=degraded)


def _hits(store, product_ids: list[int]) -> list[LookupHit]:
    # No ORDER BY (the ids give the order): compiling Oscar's default ordering
    # cost more CPU than the query.
    records = StockRecord.objects.select_related("partner").order_by()
    products = {
        product.pk: product
        for product in _sellable()
        .filter(pk__in=product_ids)
        .select_related("product_class", "parent__product_class")
        .prefetch_related(Prefetch("stockrecords", queryset=records))
        .order_by()
    }
    strategy = Selector().strategy(context=in_store(store))
    # The hits say how many units are on the shelf and in the warehouses.
    stock_figures_shown(*product_ids)
    hits = []
    for pk in product_ids:
        product = products.get(pk)
        if product is None:
            continue
        records = list(product.stockrecords.all())
        shelf = next((r for r in records if r.partner_id == store.pk), None)
        info = strategy.fetch_for_product(product)
        hits.append(
            LookupHit(
                product_id=product.pk,
                title=product.get_title(),
                upc=product.upc or "",
                sku=(shelf or info.stockrecord).partner_sku
                if (shelf or info.stockrecord)
                else "",
                price=info.price.incl_tax if info.price.exists else None,
                currency=info.price.currency if info.price.exists else "",
                shelf=max(shelf.net_stock_level, 0) if shelf else 0,
                warehouses=sum(
                    max(r.net_stock_level, 0) for r in records if not r.partner.is_store
                ),
                cold_chain=product.cold_chain,
            )
        )
    return hits


def sale_get(*, store, pk: int, joined: bool = True) -> CounterSale | None:
    """A sale of this store (None for another store's: staff see only their own),
    with what its page shows unless not `joined` (an action reads it again,
    locked: compiling the joins cost a quarter of adding a line)."""
    if joined:
        return (
            CounterSale.objects.select_related(
                "store", "customer", "opened_by", "updated_by"
            )
            .filter(store=store, pk=pk)
            .first()
        )
    sale = CounterSale.objects.filter(store=store, pk=pk).first()
    if sale is not None:
        sale.store = store
    return sale


def sale_current_get(*, store, user) -> CounterSale | None:
    """The sale this staff member has in progress at this store, if any."""
    return (
        CounterSale.objects.filter(
            store=store, status=CounterSale.Status.OPEN, updated_by=user
        )
        .order_by("-updated")
        .first()
    )


def sales_parked_list(*, store) -> list[CounterSale]:
    """The store's parked sales, oldest first, for any of its staff to resume."""
    return list(
        CounterSale.objects.filter(store=store, status=CounterSale.Status.PARKED)
        .select_related("customer", "updated_by", "basket")
        .order_by("updated")
    )


def sales_recent_list(*, store, limit: int = 10) -> list[CounterSale]:
    """The store's last completed sales (to reprint a receipt)."""
    return list(
        CounterSale.objects.filter(store=store, status=CounterSale.Status.PLACED)
        .select_related("order", "customer")
        .order_by("-updated")[:limit]
    )


@dataclass(frozen=True)
class SaleRow:
    """One line of a sale as the counter screen shows it."""

    line_id: int
    product_id: int
    title: str
    sku: str
    unit_price: Decimal
    quantity: int
    price_before_discount: Decimal
    discount: Decimal
    discount_percent: Decimal | None
    discount_reason: str
    total: Decimal
    shelf: int  # free units on this store's shelf

    @property
    def short_on_shelf(self) -> bool:
        return self.quantity > self.shelf


def sale_rows_get(*, priced) -> list[SaleRow]:
    """The lines of a priced sale (shop.instore.services.sales.sale_priced)."""
    lines = priced.lines
    shelf = {
        record.product_id: max(record.net_stock_level, 0)
        for record in StockRecord.objects.filter(
            partner=priced.sale.store,
            product_id__in=[line.product_id for line in lines],
        )
    }
    rows = []
    for line in lines:
        discount = priced.discounts.get(line.pk)
        before = line.line_price_incl_tax
        total = line.line_price_incl_tax_incl_discounts
        rows.append(
            SaleRow(
                line_id=line.pk,
                product_id=line.product_id,
                title=line.product.get_title(),
                sku=line.stockrecord.partner_sku if line.stockrecord else "",
                unit_price=line.unit_price_incl_tax,
                quantity=line.quantity,
                price_before_discount=before,
                discount=before - total,
                discount_percent=discount.percent if discount else None,
                discount_reason=discount.reason if discount else "",
                total=total,
                shelf=shelf.get(line.product_id, 0),
            )
        )
    return rows


CUSTOMER_MATCHES = 8


def customers_find(*, query: str) -> list:
    """Customers whose phone, email or name matches what staff typed."""
    user_model = get_user_model()
    number = phone_normalise(text=query)
    condition = Q(email__iexact=query.strip())
    if number:
        condition |= Q(
            pk__in=CustomerPhone.objects.filter(number=number).values("user")
        )
    words = query.split()
    if len(words) >= 1 and not number and "@" not in query:
        name = Q()
        for word in words:
            name &= Q(first_name__icontains=word) | Q(last_name__icontains=word)
        condition |= name
    return list(
        user_model.objects.filter(condition, is_active=True, is_staff=False)
        .select_related("phone")
        .order_by("last_name", "first_name")[:CUSTOMER_MATCHES]
    )
