"""The strategy of an accepted quote's basket: the quoted prices, warehouse stock.

The order of a quote is placed through the one placement service, which takes
an Oscar basket priced by a strategy. This one prices each product at the
unit price the office quoted (whatever the catalogue says today) in the
quote's currency, and takes the goods from the warehouses as online orders do.
"""

from decimal import Decimal

from oscar.apps.partner.prices import FixedPrice, Unavailable
from oscar.apps.partner.strategy import StockRequired, Structured

from shop.partner.strategy import WarehouseStockRecord
from shop.sales.context import EUROPE, MOROCCO, Channel, SalesContext

ZERO = Decimal("0.00")


class QuotedPrices(WarehouseStockRecord, StockRequired, Structured):
    """Prices from a quote (`prices`: product id → unit price), warehouse stock.

    Quoted prices are what the buyer pays: no tax is added on top (as with the
    retail strategy's NoTax). `delivery_price` is the quote's delivery, charged
    by the wholesale delivery method (shop.wholesale.shipping).
    """

    def __init__(
        self,
        *,
        prices: dict[int, Decimal],
        currency: str,
        delivery_price: Decimal = ZERO,
        context: SalesContext | None = None,
        request=None,
    ):
        market = EUROPE if currency == EUROPE.currency else MOROCCO
        super().__init__(
            context=context or SalesContext(channel=Channel.WHOLESALE, market=market),
            request=request,
        )
        self.prices = prices
        self.currency = currency
        self.delivery_price = delivery_price

    def pricing_policy(self, product, stockrecord):
        price = self.prices.get(product.pk)
        if stockrecord is None or price is None:
            return Unavailable()
        return FixedPrice(currency=self.currency, excl_tax=price, tax=ZERO)

    def parent_pricing_policy(self, product, children_stock):
        # Quotes name the variant bought, never its parent.
        return Unavailable()
