"""Overrides oscar.apps.basket.apps: a lighter add-to-basket view.

Only the view is swapped (see shop/basket/views.py); models, templates and every
other basket view stay Oscar's, so this is not a fork of the basket app.
"""

from oscar.apps.basket import apps


class BasketConfig(apps.BasketConfig):
    def ready(self):
        super().ready()
        from shop.basket.views import BasketAddView

        self.add_view = BasketAddView
