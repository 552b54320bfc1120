"""A counter sale's receipt: what is printed (80 mm) and what is emailed."""

from dataclasses import dataclass
from decimal import Decimal

from django.conf import settings
from django.core.mail import EmailMultiAlternatives
from django.template.loader import render_to_string
from django.utils import translation

from shop.instore.models import CounterSale


@dataclass(frozen=True)
class ReceiptLine:
    title: str
    sku: str
    quantity: int
    unit_price: Decimal
    price_before_discount: Decimal
    discount: Decimal
    discount_reason: str
    total: Decimal


def receipt_context_get(*, sale: CounterSale) -> dict:
    """What a receipt shows, read in a fixed number of queries."""
    sale = (
        CounterSale.objects.select_related(
            "store", "order", "customer", "updated_by", "order__shipping_address"
        )
        .prefetch_related("order__lines__counter_discount", "order__surcharges")
        .get(pk=sale.pk)
    )
    order = sale.order
    lines = []
    for line in order.lines.all():
        discount = getattr(line, "counter_discount", None)
        lines.append(
            ReceiptLine(
                title=line.title,
                sku=line.partner_sku,
                quantity=line.quantity,
                unit_price=line.unit_price_incl_tax,
                price_before_discount=line.line_price_before_discounts_incl_tax,
                discount=line.line_price_before_discounts_incl_tax
                - line.line_price_incl_tax,
                discount_reason=discount.reason if discount else "",
                total=line.line_price_incl_tax,
            )
        )
    return {
        "sale": sale,
        "order": order,
        "store": sale.store,
        "lines": lines,
        "items": sum(line.quantity for line in lines),
        "discount_total": sum((line.discount for line in lines), Decimal("0.00")),
        "surcharges": list(order.surcharges.all()),
        "payment_method": order.checkout_payment.get_method_display(),
        "served_by": sale.updated_by,
        "receipt_language": sale.language,
    }


def receipt_email(*, sale: CounterSale) -> EmailMultiAlternatives:
    """The receipt as an email to the sale's customer, in the sale's language."""
    with translation.override(sale.language):
        context = receipt_context_get(sale=sale)
        subject = render_to_string(
            "instore/emails/receipt_subject.txt", context
        ).strip()
        body = render_to_string("instore/emails/receipt_body.txt", context)
        html = render_to_string("instore/emails/receipt_body.html", context)
    message = EmailMultiAlternatives(
        subject=subject,
        body=body,
        from_email=settings.DEFAULT_FROM_EMAIL,
        to=[sale.customer.email],
    )
    message.attach_alternative(html, "text/html")
    return message
