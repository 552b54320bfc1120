"""Overrides oscar.apps.offer.applicator: site offers without a query per basket.

Every request that reads a shopper's basket applies the site offers to it,
and Oscar fetches them each time: one query, whose compilation alone cost as
much as the rest of an add to the basket. The open site offers (with their
condition and benefit) are kept in the cache, under a version that moves when
an offer, condition or benefit is saved or deleted (receivers.py); the dates are
checked per request, as Oscar's `active` manager does in SQL, so an offer starts
and ends on time. Ranges are not kept: an offer reads its range's products when
it is applied.
"""

from django.core.cache import cache
from django.utils import timezone
from oscar.apps.offer import applicator
from oscar.core.loading import get_model

from shop.cache import version_bump, version_or_seeded

ConditionalOffer = get_model("offer", "ConditionalOffer")

VERSION_KEY = "offers:site:version"
OFFERS_KEY = "offers:site:{}"
# A counter that moves without a signal (a queryset update) shows within this.
OFFERS_SECONDS = 300


def site_offers_version_bump() -> None:
    version_bump(VERSION_KEY)


def _open_site_offers() -> list:
    now = timezone.now()
    version = version_or_seeded(VERSION_KEY, cache.get(VERSION_KEY))
    # Keyed by the version read before the query: offers read just before a
    # change are stored under a version nobody reads any more.
    key = OFFERS_KEY.format(version)
    offers = cache.get(key)
    if offers is None:
        offers = list(
            ConditionalOffer.objects.filter(
                offer_type=ConditionalOffer.SITE, status=ConditionalOffer.OPEN
            )
            .exclude(end_datetime__lt=now)
            .select_related("condition", "benefit")
        )
        cache.set(key, offers, OFFERS_SECONDS)
    return offers


class Applicator(applicator.Applicator):
    def get_site_offers(self):
        now = timezone.now()
        return [
            offer
            for offer in _open_site_offers()
            if (offer.start_datetime is None or offer.start_datetime <= now)
            and (offer.end_datetime is None or offer.end_datetime >= now)
        ]
