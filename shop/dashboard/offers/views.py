"""Overrides oscar.apps.dashboard.offers.views: a post to an offer's page that
neither suspends nor reinstates it shows the page again (Oscar answered
nothing, a 500)."""

from django.shortcuts import redirect
from oscar.apps.dashboard.offers import views


class OfferDetailView(views.OfferDetailView):
    def post(self, request, *args, **kwargs):
        return super().post(request, *args, **kwargs) or redirect(
            "dashboard:offer-detail", pk=self.offer.pk
        )
