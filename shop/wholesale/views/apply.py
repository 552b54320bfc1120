"""Buyer area: apply."""

urlpatterns = []
