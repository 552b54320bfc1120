"""Signals of the partner app."""

from django.dispatch import Signal

# Sent after stock was allocated for several stock records in one statement,
# instead of one post_save per record; args: stockrecords (list of StockRecord).
stock_allocated = Signal()


def sold_out(stockrecords) -> list[int]:
    """The products of these records (levels read after the sale) left with
    no free unit: they leave the listings' "in stock" and the index's."""
    return [record.product_id for record in stockrecords if record.net_stock_level <= 0]
