from django import template

from shop.checkout.statuses import OrderForDisplay, status_label

register = template.Library()

register.filter("status_label", status_label)


@register.filter
def for_display(order):
    return OrderForDisplay(order)
