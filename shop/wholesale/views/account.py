"""Buyer area: account."""

urlpatterns = []
