"""Stock writes: guarded allocation and what to tell a shopper when it is refused."""

from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from shop.partner.models import InsufficientStock, StockRecord


def stock_allocate(*, stockrecord: StockRecord, quantity: int) -> StockRecord:
    """Allocate stock for an order line, never taking free stock below zero.

    Raises InsufficientStock when fewer than ``quantity`` units are free; the
    stock record is left untouched then.
    """
    if quantity < 1:
        raise ValueError(f"Cannot allocate {quantity} units; allocate at least one.")
    stockrecord.allocate(quantity)
    return stockrecord


def stock_shortage_message(*, error: InsufficientStock) -> str:
    """Return the message a shopper sees when an allocation was refused."""
    stockrecord = error.stockrecord
    title = stockrecord.product.get_title()
    left = max(stockrecord.net_stock_level, 0)
    if not left:
        return _("Sorry, “%(title)s” has just sold out.") % {"title": title}
    return ngettext(
        "Sorry, only %(left)d “%(title)s” is left: lower the quantity.",
        "Sorry, only %(left)d “%(title)s” are left: lower the quantity.",
        left,
    ) % {"left": left, "title": title}
