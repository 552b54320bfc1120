from django.contrib import admin

from shop.payments.models import CheckoutPayment, StripeEvent


@admin.register(CheckoutPayment)
class CheckoutPaymentAdmin(admin.ModelAdmin):
    list_display = ["order_number", "method", "status", "amount", "currency", "created"]
    list_filter = ["method", "status"]
    search_fields = ["order_number", "reference"]
    list_select_related = ["store", "collect_store"]
    readonly_fields = ["delivery_address", "basket_lines"]


@admin.register(StripeEvent)
class StripeEventAdmin(admin.ModelAdmin):
    list_display = ["event_id", "type", "reference", "received"]
    search_fields = ["event_id", "reference"]
