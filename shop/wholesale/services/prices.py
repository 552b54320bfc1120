"""Office staff set volume tiers per product and companies' negotiated prices.

Every change moves the catalogue version after commit: product pages, cards
and the wholesale catalogue cache what buyers are offered under it.
"""

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from oscar.templatetags.currency_filters import currency

from shop.cache import product_versions_bump
from shop.wholesale.models import PriceListItem, PriceTier
from shop.wholesale.pricing import TIERS_CURRENCY, Tier

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class TiersChecked:
    tiers: tuple[Tier, ...]  # by threshold
    warnings: tuple[str, ...]  # saved anyway, but worth a second look


def _money(amount: Decimal) -> str:
    return currency(amount, TIERS_CURRENCY)


def price_tiers_check(*, tiers: Sequence[tuple[int, Decimal]]) -> TiersChecked:
    """Check a product's volume tiers; raise ValidationError saying what is refused.

    Refused: a threshold below 1 pack or given twice, a price not above zero,
    a price that goes up with volume. Warned: the same price at two volumes
    (the bigger one changes nothing) and no tier from 1 pack (smaller orders
    are then priced by hand in the quote).
    """
    errors = []
    ordered = sorted((Tier(int(m), Decimal(p)) for m, p in tiers), key=lambda t: t[0])
    for tier in ordered:
        if tier.min_packs < 1:
            errors.append(_("A volume price starts at 1 pack or more."))
        if tier.unit_price <= 0:
            errors.append(
                ngettext(
                    "The unit price from %(packs)s pack must be above zero.",
                    "The unit price from %(packs)s packs must be above zero.",
                    tier.min_packs,
                )
                % {"packs": tier.min_packs}
            )
    warnings = []
    for smaller, bigger in zip(ordered, ordered[1:], strict=False):
        values = {
            "small": smaller.min_packs,
            "big": bigger.min_packs,
            "small_price": _money(smaller.unit_price),
            "big_price": _money(bigger.unit_price),
        }
        if smaller.min_packs == bigger.min_packs:
            errors.append(
                ngettext(
                    "Two volume prices start at %(small)s pack: keep one.",
                    "Two volume prices start at %(small)s packs: keep one.",
                    smaller.min_packs,
                )
                % values
            )
        elif bigger.unit_price > smaller.unit_price:
            errors.append(
                ngettext(
                    "From %(big)s pack the unit price (%(big_price)s) is higher "
                    "than from %(small)s (%(small_price)s): prices must go down "
                    "as volumes go up.",
                    "From %(big)s packs the unit price (%(big_price)s) is higher "
                    "than from %(small)s (%(small_price)s): prices must go down "
                    "as volumes go up.",
                    bigger.min_packs,
                )
                % values
            )
        elif bigger.unit_price == smaller.unit_price:
            warnings.append(
                ngettext(
                    "From %(big)s pack the unit price is the same as from "
                    "%(small)s (%(small_price)s): that tier changes nothing.",
                    "From %(big)s packs the unit price is the same as from "
                    "%(small)s (%(small_price)s): that tier changes nothing.",
                    bigger.min_packs,
                )
                % values
            )
    if errors:
        raise ValidationError(list(dict.fromkeys(errors)))
    if ordered and ordered[0].min_packs > 1:
        warnings.append(
            ngettext(
                "No volume price below %(packs)s pack: smaller requests are "
                "priced by hand in the quote.",
                "No volume price below %(packs)s packs: smaller requests are "
                "priced by hand in the quote.",
                ordered[0].min_packs,
            )
            % {"packs": ordered[0].min_packs}
        )
    return TiersChecked(tiers=tuple(ordered), warnings=tuple(warnings))


def price_tiers_replace(
    *, product, tiers: Sequence[tuple[int, Decimal]], by
) -> TiersChecked:
    """Replace a product's volume tiers (an empty list removes them all)."""
    checked = price_tiers_check(tiers=tiers)
    with transaction.atomic():
        PriceTier.objects.filter(product=product).delete()
        PriceTier.objects.bulk_create(
            PriceTier(product=product, min_packs=t.min_packs, unit_price=t.unit_price)
            for t in checked.tiers
        )
        transaction.on_commit(partial(product_versions_bump, product_ids=[product.pk]))
    logger.info(
        "Volume prices of product %s set by user %s: %s",
        product.pk,
        by.pk,
        checked.tiers,
    )
    return checked


def price_list_item_set(
    *, company, product, unit_price: Decimal, by
) -> tuple[PriceListItem, bool]:
    """Give a company its own unit price for a product (in its currency);
    return the price and whether it is new."""
    if unit_price <= 0:
        raise ValidationError(_("A negotiated price must be above zero."))
    with transaction.atomic():
        item, created = PriceListItem.objects.update_or_create(
            company=company, product=product, defaults={"unit_price": unit_price}
        )
        transaction.on_commit(partial(product_versions_bump, product_ids=[product.pk]))
    logger.info(
        "Negotiated price of product %s for company %s set to %s %s by user %s",
        product.pk,
        company.pk,
        unit_price,
        company.currency,
        by.pk,
    )
    return item, created


def price_list_item_remove(*, company, product, by) -> bool:
    """Take a product off a company's price list; tell whether it was on it."""
    with transaction.atomic():
        deleted, _rows = PriceListItem.objects.filter(
            company=company, product=product
        ).delete()
        if deleted:
            transaction.on_commit(
                partial(product_versions_bump, product_ids=[product.pk])
            )
    if deleted:
        logger.info(
            "Negotiated price of product %s for company %s removed by user %s",
            product.pk,
            company.pk,
            by.pk,
        )
    return bool(deleted)
