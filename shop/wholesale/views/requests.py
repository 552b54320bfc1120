"""Buyer area: requests."""

urlpatterns = []
