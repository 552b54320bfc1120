"""Order statuses: stored as the stable English codes of OSCAR_ORDER_STATUS_PIPELINE,
shown to people in their own language."""

from django.utils.translation import pgettext_lazy

from shop.address.countries import AddressForDisplay

LABELS = {
    "Pending": pgettext_lazy("order status", "Pending"),
    "Awaiting payment": pgettext_lazy("order status", "Awaiting payment"),
    "Being processed": pgettext_lazy("order status", "Being processed"),
    "Ready for collection": pgettext_lazy("order status", "Ready for collection"),
    "Shipped": pgettext_lazy("order status", "Shipped"),
    "Complete": pgettext_lazy("order status", "Complete"),
    "Cancelled": pgettext_lazy("order status", "Cancelled"),
}


def status_label(status: str) -> str:
    """The translated label of a status code (an unknown code shows as is)."""
    return str(LABELS.get(status, status))


class OrderForDisplay:
    """An order whose ``status`` and addresses read in the visitor's language.

    Lets the account templates reuse Oscar's markup, which prints the raw
    status, without copying it; everything else is the order's own.
    """

    def __init__(self, order):
        self._order = order

    def __getattr__(self, name):
        return getattr(self._order, name)

    @property
    def status(self) -> str:
        return status_label(self._order.status)

    @property
    def shipping_address(self):
        address = self._order.shipping_address
        return AddressForDisplay(address) if address else None


class LineForDisplay:
    """An order line whose ``status`` reads in the visitor's language."""

    def __init__(self, line):
        self._line = line

    def __getattr__(self, name):
        return getattr(self._line, name)

    @property
    def status(self) -> str:
        return status_label(self._line.status)
