from django.contrib import admin
from oscar.apps.partner import admin as oscar_admin
from oscar.apps.partner.admin import *

from shop.partner.models import OpeningPeriod, Partner


class OpeningPeriodInline(admin.TabularInline):
    model = OpeningPeriod
    extra = 0


# Opening hours are edited with their store (the partner dashboard has no form
# for them): Oscar's partner admin, plus the kind and the hours.
admin.site.unregister(Partner)


@admin.register(Partner)
class PartnerAdmin(oscar_admin.PartnerAdmin):
    list_display = ("name", "code", "kind", "city")
    list_filter = ("kind",)
    inlines = [OpeningPeriodInline]
