"""Read-side queries of the catalogue: product pages, cooperatives, certifications."""

import datetime

from django.conf import settings
from django.db.models import CharField, Count, F, Prefetch, Q, QuerySet, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import get_language

from catalog.models import Certification, Cooperative, Product


def translated(name: str) -> Coalesce:
    """Return an expression reading a translated field ("title",
    "cooperative__name") in the active language, or in French while it has none.

    ``values()`` reads only the active language's column: this is the fallback
    that reading ``product.title`` gives.
    """
    default = settings.LANGUAGE_CODE
    language = (get_language() or default).split("-")[0]
    if language == default or language not in dict(settings.LANGUAGES):
        return Coalesce(F(f"{name}_{default}"), Value(""), output_field=CharField())
    return Coalesce(
        NullIf(F(f"{name}_{language}"), Value("")),
        F(f"{name}_{default}"),
        Value(""),
        output_field=CharField(),
    )


def product_detail_queryset() -> QuerySet[Product]:
    """Return products with everything their page shows, in a fixed number of queries.

    Only the certifications valid today are prefetched (as ``valid_labels``), so a
    template cannot show an expired or future label by accident.
    """
    today = timezone.localdate()
    valid_labels = Certification.objects.valid_on(today).order_by("scheme", "name")
    return Product.objects.select_related(
        "cooperative",
        "product_class",
        "parent__cooperative",
        "parent__product_class",
    ).prefetch_related(
        Prefetch("certifications", queryset=valid_labels, to_attr="valid_labels"),
        Prefetch(
            "parent__certifications", queryset=valid_labels, to_attr="valid_labels"
        ),
        "stockrecords__partner",
        "images",
        "categories",
    )


def product_labels_list(*, product: Product) -> list[Certification]:
    """Return the quality labels shown for a product: certifications valid today.

    A variant shows its parent's labels. Uses the prefetch of
    ``product_detail_queryset`` when present, else queries.
    """
    holder = product.parent if product.is_child else product
    if hasattr(holder, "valid_labels"):
        return holder.valid_labels
    return list(holder.certifications.valid_today().order_by("scheme", "name"))


def cooperative_list(*, query: str = "", region: str = "") -> QuerySet[Cooperative]:
    """Return cooperatives matching a name/city/registration search and a region."""
    cooperatives = Cooperative.objects.annotate(
        product_count=Count("products", distinct=True)
    ).order_by("name")
    if query:
        cooperatives = cooperatives.filter(
            Q(name__icontains=query)
            | Q(city__icontains=query)
            | Q(legal_number__icontains=query)
        )
    if region:
        cooperatives = cooperatives.filter(region=region)
    return cooperatives


def certification_expiring_list(*, within_days: int) -> QuerySet[Certification]:
    """Return certifications valid today whose validity ends within the given days."""
    today = timezone.localdate()
    return (
        Certification.objects.valid_on(today)
        .filter(valid_until__lte=today + datetime.timedelta(days=within_days))
        .select_related("cooperative")
        .order_by("valid_until", "cooperative__name")
    )


def certification_list_for_cooperative(
    *, cooperative: Cooperative
) -> QuerySet[Certification]:
    """Return a cooperative's certifications, latest validity first."""
    return cooperative.certifications.annotate(
        product_count=Count("products")
    ).order_by("-valid_until")
