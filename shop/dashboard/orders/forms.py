"""Overrides oscar.apps.dashboard.orders.forms: orders are found by channel and
store (shop.sales.models.OrderOrigin) too."""

from django import forms
from django.utils.translation import gettext_lazy as _
from oscar.apps.dashboard.orders import forms as oscar_forms

from shop.partner.models import Partner
from shop.sales.context import Channel


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
