"""Buyer area: quotes."""

urlpatterns = []
