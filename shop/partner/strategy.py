"""Overrides oscar.apps.partner.strategy: online shoppers buy from our warehouses.

Pilot stores sell their shelf stock in person only, so the online strategy never
offers it; cold-chain products ship only from a warehouse with cold storage.
"""

from oscar.apps.partner.strategy import NoTax, StockRequired, Structured

from shop.partner.models import Partner, StockRecord

COLD_KINDS = frozenset({Partner.Kind.COLD_WAREHOUSE})
WAREHOUSE_KINDS = frozenset({Partner.Kind.WAREHOUSE, Partner.Kind.COLD_WAREHOUSE})


class Selector:
    def strategy(self, request=None, user=None, **kwargs):
        return OnlineWarehouses(request)


class WarehouseStockRecord:
    """Pick the eligible warehouse stock record with the most free stock.

    Uses prefetched stock records when a listing prefetched them (learning
    partner kinds with one query per strategy, one strategy per request), else
    loads the product's records with their partners in one query.
    """

    _partner_kinds = None

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

    def select_stockrecord(self, product):
        cold_chain = product.cold_chain or (
            product.is_child and product.parent.cold_chain
        )
        kinds = COLD_KINDS if cold_chain else WAREHOUSE_KINDS
        eligible = [
            record
            for record in self._stockrecords(product)
            if self._record_partner_kind(record) in kinds
        ]
        if not eligible:
            return None
        return max(eligible, key=lambda record: record.net_stock_level)


class OnlineWarehouses(WarehouseStockRecord, StockRequired, NoTax, Structured):
    """Online shopping: warehouse stock, prices in MAD as stored, tax included.

    Moroccan consumer law (loi 31-08) requires retail prices shown all taxes
    included (TTC), and the office sets its retail prices TTC with VAT rates that
    differ by product. Stock records therefore store the TTC price, and Oscar's
    NoTax policy passes it through unchanged: the shopper pays exactly the
    displayed price, and no second VAT is added on top.
    """
