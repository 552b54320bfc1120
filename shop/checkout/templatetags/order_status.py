from django import template

from shop.checkout.statuses import LineForDisplay, OrderForDisplay, status_label
from shop.checkout.surcharges import surcharge_label

register = template.Library()

register.filter("status_label", status_label)
register.filter("surcharge_label", surcharge_label)


@register.filter
def for_display(order):
    return OrderForDisplay(order)


@register.filter
def lines_for_display(lines):
    return [LineForDisplay(line) for line in lines]
