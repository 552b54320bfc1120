"""Overrides oscar.apps.shipping.models: adds the cities with cold-chain coverage."""

import unicodedata

from django.db import models
from django.utils.translation import gettext_lazy as _


def normalise_city(name: str) -> str:
    """Compare city names without case, accents or stray spaces ("Fès" = "fes")."""
    decomposed = unicodedata.normalize("NFKD", name or "")
    plain = "".join(char for char in decomposed if not unicodedata.combining(char))
    return " ".join(plain.casefold().replace("-", " ").split())


class ColdChainCity(models.Model):
    """A Moroccan city our refrigerated trucks reach; staff edit the list."""

    name = models.CharField(_("city"), max_length=100, unique=True)
    is_active = models.BooleanField(_("covered"), default=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("city with cold-chain coverage")
        verbose_name_plural = _("cities with cold-chain coverage")

    def __str__(self):
        return self.name


from oscar.apps.shipping.models import *  # noqa: E402, F403
