"""Overrides oscar.apps.shipping.admin: staff edit the cold-chain cities here."""

from django.contrib import admin
from oscar.apps.shipping.admin import *  # noqa: F403

from shop.shipping.models import ColdChainCity


@admin.register(ColdChainCity)
class ColdChainCityAdmin(admin.ModelAdmin):
    list_display = ["name", "is_active"]
    list_editable = ["is_active"]
    search_fields = ["name"]
