"""Overrides oscar.apps.checkout.apps: adds the card 3-D Secure and return URLs."""

import oscar.apps.checkout.apps as apps
from django.urls import path
from oscar.core.loading import get_class


class CheckoutConfig(apps.CheckoutConfig):
    name = "shop.checkout"

    def ready(self):
        super().ready()
        self.card_authenticate_view = get_class(
            "checkout.views", "CardAuthenticateView"
        )
        self.card_complete_view = get_class("checkout.views", "CardCompleteView")

    def get_urls(self):
        urls = [
            path(
                "card/authenticate/",
                self.card_authenticate_view.as_view(),
                name="card-authenticate",
            ),
            path(
                "card/complete/",
                self.card_complete_view.as_view(),
                name="card-complete",
            ),
        ]
        return urls + super().get_urls()
