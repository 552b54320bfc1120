"""Buyer area: catalogue."""

urlpatterns = []
