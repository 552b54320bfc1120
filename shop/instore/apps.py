from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InStoreConfig(AppConfig):
    name = "shop.instore"
    label = "instore"
    verbose_name = _("Pilot-store counters")
