"""Overrides oscar.apps.basket.apps: a lighter add-to-basket view, and a basket
page that takes any post.

Only views are swapped (see shop/basket/views.py); models, templates and every
other basket view stay Oscar's, so this is not a fork of the basket app.
"""

from oscar.apps.basket import apps


class BasketConfig(apps.BasketConfig):
    def ready(self):
        super().ready()
        from shop.basket.views import BasketAddView, BasketView

        self.add_view = BasketAddView
        self.summary_view = BasketView
