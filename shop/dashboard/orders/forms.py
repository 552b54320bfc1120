"""Overrides oscar.apps.dashboard.orders.forms: orders are found by channel and
store (shop.sales.models.OrderOrigin) too; statuses read in the staff's language."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.orders import forms as oscar_forms
from oscar.core.loading import get_model

from shop.checkout.statuses import status_label
from shop.partner.models import Partner
from shop.sales.context import Channel

Order = get_model("order", "Order")


class OrderSearchForm(oscar_forms.OrderSearchForm):
    channel = forms.ChoiceField(
        label=_("Channel"),
        required=False,
        choices=[("", "---------"), *Channel.choices],
    )
    store = forms.ModelChoiceField(
        label=_("Store"),
        required=False,
        queryset=Partner.objects.filter(kind=Partner.Kind.PILOT_STORE).order_by("name"),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["status"].choices = [
            ("", "---------"),
            *((code, status_label(code)) for code in Order.all_statuses()),
        ]


class OrderStatusForm(oscar_forms.OrderStatusForm):
    def __init__(self, order, *args, **kwargs):
        super().__init__(order, *args, **kwargs)
        self.fields["new_status"].choices = [
            (code, status_label(code)) for code in order.available_statuses()
        ]
