"""Overrides oscar.apps.partner.strategy: the sales context picks the stock.

Online shoppers buy from our warehouses: pilot stores sell their shelf stock in
person only, so the online strategy never offers it; cold-chain products ship
only from a warehouse with cold storage. At a store's counter the store's own
shelf comes first, then the warehouses (for a delivery).
"""

from django.utils.functional import SimpleLazyObject
from oscar.apps.partner import availability
from oscar.apps.partner.strategy import NoTax, StockRequired, Structured

from shop.cache import products_shown, stock_figures_shown
from shop.partner.models import Partner, StockRecord
from shop.sales.context import Channel, SalesContext
from shop.sales.selectors import sales_context_get

COLD_KINDS = frozenset({Partner.Kind.COLD_WAREHOUSE})
WAREHOUSE_KINDS = frozenset({Partner.Kind.WAREHOUSE, Partner.Kind.COLD_WAREHOUSE})


class Selector:
    def strategy(
        self, request=None, user=None, context: SalesContext | None = None, **kwargs
    ):
        """Return the strategy of a sales context (by default the request's).

        The request's is resolved when first used: Oscar's basket middleware
        asks for it on every request, and pages that never price anything (or
        price in their own context, like a store's counter) need not pay for
        finding out who is buying.
        """
        if context is not None:
            return strategy_for(context=context, request=request)
        if request is None:
            return strategy_for(context=sales_context_get(user=user))
        return SimpleLazyObject(
            lambda: strategy_for(
                context=sales_context_get(request=request, user=user), request=request
            )
        )


def strategy_for(*, context: SalesContext, request=None):
    if context.channel == Channel.IN_STORE:
        return StoreCounter(context=context, request=request)
    return OnlineWarehouses(context=context, request=request)


class UnitsLeft(availability.StockRequired):
    """Oscar's stock availability, telling the caches when its figure is printed.

    Its message says how many units are left ("In stock (12 available)"), which
    every sale changes: a page or fragment printing it follows the product's
    stock figure version, the rest (cards, "In stock") only its version.
    """

    def __init__(self, num_available, product_id):
        super().__init__(num_available)
        self.product_id = product_id

    @property
    def message(self):
        stock_figures_shown(self.product_id)
        return super().message


class WarehouseStockRecord:
    """Pick the eligible warehouse stock record with the most free stock.

    Uses prefetched stock records when a listing prefetched them (learning
    partner kinds with one query per strategy, one strategy per request), else
    loads the product's records with their partners in one query.
    """

    _partner_kinds = None

    def __init__(self, *, context: SalesContext, request=None):
        super().__init__(request)
        self.context = context

    def partner_kind(self, partner_id: int) -> str | None:
        if self._partner_kinds is None:
            self._partner_kinds = dict(Partner.objects.values_list("id", "kind"))
        return self._partner_kinds.get(partner_id)

    @staticmethod
    def _stockrecords(product):
        if "stockrecords" in getattr(product, "_prefetched_objects_cache", {}):
            return product.stockrecords.all()
        return product.stockrecords.select_related("partner")

    def _record_partner_kind(self, record) -> str | None:
        if StockRecord.partner.is_cached(record):
            return record.partner.kind
        return self.partner_kind(record.partner_id)

    def warehouse_stockrecord(self, product, records=None):
        cold_chain = product.cold_chain or (
            product.is_child and product.parent.cold_chain
        )
        kinds = COLD_KINDS if cold_chain else WAREHOUSE_KINDS
        eligible = [
            record
            for record in (self._stockrecords(product) if records is None else records)
            if self._record_partner_kind(record) in kinds
        ]
        if not eligible:
            return None
        return max(eligible, key=lambda record: record.net_stock_level)

    def select_stockrecord(self, product):
        return self.warehouse_stockrecord(product)

    def availability_policy(self, product, stockrecord):
        policy = super().availability_policy(product, stockrecord)
        if type(policy) is availability.StockRequired:
            return UnitsLeft(policy.num_available, stockrecord.product_id)
        return policy

    def fetch_for_product(self, product, stockrecord=None):
        # Whatever shows a price or a stock level shows this product: a
        # cached page or fragment must follow its changes (shop.cache).
        products_shown(product.pk, product.parent_id)
        return super().fetch_for_product(product, stockrecord)


class OnlineWarehouses(WarehouseStockRecord, StockRequired, NoTax, Structured):
    """Online shopping: warehouse stock, prices in MAD as stored, tax included.

    Moroccan consumer law (loi 31-08) requires retail prices shown all taxes
    included (TTC), and the office sets its retail prices TTC with VAT rates that
    differ by product. Stock records therefore store the TTC price, and Oscar's
    NoTax policy passes it through unchanged: the shopper pays exactly the
    displayed price, and no second VAT is added on top.
    """


class StoreCounter(WarehouseStockRecord, StockRequired, NoTax, Structured):
    """A pilot store's counter: its own shelf while it has the product in stock,
    else the warehouses (the sale is then delivered). Prices as online."""

    def select_stockrecord(self, product):
        records = list(self._stockrecords(product))
        shelf = next(
            (r for r in records if r.partner_id == self.context.store.pk), None
        )
        if shelf is not None and shelf.net_stock_level > 0:
            return shelf
        return self.warehouse_stockrecord(product, records) or shelf
