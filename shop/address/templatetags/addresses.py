from django import template

from shop.address.countries import address_lines

register = template.Library()

register.filter("address_lines", address_lines)
