"""Overrides oscar.apps.shipping.repository: methods depend on cold chain and stores."""

from oscar.apps.shipping import repository

from shop.shipping.selectors import shipping_options_get


class Repository(repository.Repository):
    def get_available_shipping_methods(self, basket, shipping_addr=None, **kwargs):
        return [
            option.method
            for option in shipping_options_get(basket=basket, address=shipping_addr)
            if option.available
        ]
