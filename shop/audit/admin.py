"""The audit trail in the Django admin: to read and search, never to write."""

from django.contrib import admin

from shop.audit.models import AuditEntry


@admin.register(AuditEntry)
class AuditEntryAdmin(admin.ModelAdmin):
    list_display = [
        "created",
        "actor_name",
        "source",
        "action",
        "order_number",
        "object_label",
    ]
    list_filter = ["source", "action"]
    search_fields = ["order_number", "actor_name", "object_label"]
    date_hierarchy = "created"

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
