"""Write services of the catalogue: idempotent upserts keyed by natural keys.

Both `load_demo` and `import_catalogue` go through these functions, so a
cooperative, product or stock record is found by its slug, SKU or code (never
by primary key), changed only when a value differs, and validated with the
model's own rules before it is saved.
"""

import datetime
import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from dataclasses import field as dataclass_field
from decimal import Decimal

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils import translation
from django.utils.translation import gettext as _
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.core.utils import slugify

from catalog.models import (
    Category,
    Certification,
    Cooperative,
    Product,
    ProductAttribute,
    ProductClass,
)
from catalog.sanitising import html_sanitise, rich_text_columns
from shop.partner.models import OpeningPeriod, Partner, StockRecord

CURRENCY = "MAD"


class Outcome(enum.StrEnum):
    CREATED = "created"
    UPDATED = "updated"
    UNCHANGED = "unchanged"

    def __or__(self, other: "Outcome") -> "Outcome":
        """Combine outcomes of related writes: created wins, then updated."""
        order = [Outcome.UNCHANGED, Outcome.UPDATED, Outcome.CREATED]
        return max(self, other, key=order.index)


@dataclass(frozen=True)
class AttributeSpec:
    code: str
    name: str  # French
    type: str = ProductAttribute.TEXT
    # {"name_ar": …, "name_en": …}: see translated_fields
    translations: Mapping[str, str] = dataclass_field(default_factory=dict)


def translation_languages() -> list[str]:
    """Return the languages catalogue texts are translated into, besides French."""
    default = settings.LANGUAGE_CODE
    return [code for code, _name in settings.LANGUAGES if code != default]


def translated_fields(
    fields: Sequence[str],
    french: Mapping[str, object],
    translations: Mapping[str, str | None] | None,
) -> dict[str, object]:
    """Return the values to set on a model's language columns.

    ``french`` names plain fields ({"title": …}), ``translations`` language
    columns ({"title_ar": …}). Writing the plain field would write the active
    language's column (catalog/translation.py), so each value goes to its own.
    """
    default = settings.LANGUAGE_CODE
    values = {f"{name}_{default}": value for name, value in french.items()}
    allowed = {f"{name}_{code}" for name in fields for code in translation_languages()}
    for column, value in (translations or {}).items():
        if column not in allowed:
            raise ValueError(f"{column} is not one of {sorted(allowed)}")
        values[column] = value or None
    return values


@dataclass(frozen=True)
class OpeningHours:
    weekday: int
    opens: datetime.time
    closes: datetime.time


def _assign(instance: models.Model, values: Mapping[str, object]) -> bool:
    """Set the given values (None means "keep") and tell whether any changed."""
    changed = False
    rich_text = rich_text_columns(type(instance))
    for field, value in values.items():
        if value is not None and field in rich_text:
            # Compared as it will be stored: re-importing a file changes nothing.
            value = html_sanitise(value)
        if value is not None and getattr(instance, field) != value:
            setattr(instance, field, value)
            changed = True
    return changed


def _save(instance: models.Model, *, changed: bool) -> Outcome:
    """Validate and save a new or changed instance; leave an unchanged one alone.

    Uniqueness and constraint checks are skipped: every upsert first looks the
    record up by its natural key, the models' clean() repeats the rules behind
    the check constraints, and the database still enforces both. Skipping them
    halves the time of a catalogue import.
    """
    if not (instance._state.adding or changed):
        return Outcome.UNCHANGED
    outcome = Outcome.CREATED if instance._state.adding else Outcome.UPDATED
    instance.full_clean(validate_unique=False, validate_constraints=False)
    instance.save()
    return outcome


def cooperative_upsert(
    *,
    slug: str,
    name: str | None = None,
    region: str | None = None,
    legal_number: str | None = None,
    city: str | None = None,
    founded_year: int | None = None,
    members: int | None = None,
    women_members: int | None = None,
    convention_signed_on: datetime.date | None = None,
    story: str | None = None,
    translations: Mapping[str, str | None] | None = None,
) -> tuple[Cooperative, Outcome]:
    """Create or update the cooperative with this slug; None leaves a field as is.

    ``name`` and ``story`` are French; ``translations`` holds the other
    languages' ({"name_ar": …, "story_en": …}).
    """
    cooperative = Cooperative.objects.filter(slug=slug).first() or Cooperative(
        slug=slug
    )
    changed = _assign(
        cooperative,
        {
            **translated_fields(
                ("name", "story"), {"name": name, "story": story}, translations
            ),
            "region": region,
            "legal_number": legal_number,
            "city": city,
            "founded_year": founded_year,
            "members": members,
            "women_members": women_members,
            "convention_signed_on": convention_signed_on,
        },
    )
    return cooperative, _save(cooperative, changed=changed)


def product_class_upsert(
    *, name: str, attributes: Sequence[AttributeSpec]
) -> tuple[ProductClass, Outcome]:
    """Create or update a product class (found by its slug) and its attributes."""
    slug = slugify(name)
    product_class = ProductClass.objects.filter(slug=slug).first() or ProductClass(
        slug=slug
    )
    outcome = _save(product_class, changed=_assign(product_class, {"name": name}))
    existing = {
        attribute.code: attribute for attribute in product_class.attributes.all()
    }
    for spec in attributes:
        attribute = existing.get(spec.code) or ProductAttribute(
            product_class=product_class, code=spec.code
        )
        changed = _assign(
            attribute,
            {
                **translated_fields(("name",), {"name": spec.name}, spec.translations),
                "type": spec.type,
            },
        )
        outcome |= _save(attribute, changed=changed)
    return product_class, outcome


def category_from_path(
    *,
    path: str,
    description: str | None = None,
    translations: Mapping[str, str | None] | None = None,
) -> Category:
    """Return the category at a "Parent > Child" path, creating missing levels.

    The path names French categories; ``translations`` ({"name_ar": …,
    "description_en": …}) applies to its last level.
    """
    names = [name.strip() for name in path.split(">")]
    if not all(names):
        raise ValidationError(
            _("Invalid category path “%(path)s”: a level has no name.") % {"path": path}
        )
    # Oscar finds and creates the levels by ``name``: the French one, whatever
    # language the staff member reads the dashboard in.
    with translation.override(settings.LANGUAGE_CODE):
        category = create_from_breadcrumbs(path)
    values = translated_fields(
        ("name", "description"), {"description": description}, translations
    )
    if _assign(category, values):
        category.save()
    return category


def product_upsert(
    *,
    sku: str,
    title: str,
    cooperative: Cooperative,
    product_class: ProductClass,
    category: Category,
    description: str | None = None,
    origin_region: str | None = None,
    cold_chain: bool | None = None,
    hs_code: str | None = None,
    wholesale_pack_size: int | None = None,
    minimum_order_quantity: int | None = None,
    attributes: Mapping[str, object] | None = None,
    translations: Mapping[str, str | None] | None = None,
) -> tuple[Product, Outcome]:
    """Create or update the standalone product whose UPC is this SKU.

    The SKU is stored as the product's UPC (unique across the catalogue) and as
    the partner SKU of its stock records. Attribute values must belong to the
    product class; a None value leaves the stored one unchanged. ``title`` and
    ``description`` are French, ``translations`` holds the other languages'
    ({"title_ar": …, "description_en": …}).
    """
    product = Product.objects.filter(upc=sku).first() or Product(
        upc=sku, structure=Product.STANDALONE
    )
    creating = product._state.adding
    changed = _assign(
        product,
        {
            **translated_fields(
                ("title", "description"),
                {"title": title, "description": description},
                translations,
            ),
            "cooperative_id": cooperative.pk,
            "product_class_id": product_class.pk,
            "origin_region": origin_region or cooperative.region,
            "cold_chain": cold_chain,
            "hs_code": hs_code,
            "wholesale_pack_size": wholesale_pack_size,
            "minimum_order_quantity": minimum_order_quantity,
        },
    )
    if not product.slug:
        product.slug = slugify(title)
    changed |= _set_attributes(product, product_class, attributes or {}, creating)
    outcome = _save(product, changed=changed)
    if {category.pk} != set(product.categories.values_list("pk", flat=True)):
        product.categories.set([category])
        outcome |= Outcome.UPDATED
    return product, outcome


def _set_attributes(
    product: Product,
    product_class: ProductClass,
    values: Mapping[str, object],
    creating: bool,
) -> bool:
    codes = set(product_class.attributes.values_list("code", flat=True))
    if unknown := sorted(
        code
        for code, value in values.items()
        if value is not None and code not in codes
    ):
        raise ValidationError(
            _("The product class “%(name)s” has no attribute %(codes)s.")
            % {"name": product_class.name, "codes": ", ".join(unknown)}
        )
    changed = False
    for code, value in values.items():
        if value is None:
            continue
        if creating or getattr(product.attr, code, None) != value:
            setattr(product.attr, code, value)
            changed = True
    return changed


def stock_location_upsert(
    *,
    code: str,
    name: str,
    kind: str,
    city: str = "",
    street_address: str = "",
    phone: str = "",
    opening_hours: Sequence[OpeningHours] = (),
) -> tuple[Partner, Outcome]:
    """Create or update a warehouse or pilot store (a partner found by its code)."""
    partner = Partner.objects.filter(code=code).first() or Partner(code=code)
    changed = _assign(
        partner,
        {
            "name": name,
            "kind": kind,
            "city": city,
            "street_address": street_address,
            "phone": phone,
        },
    )
    outcome = _save(partner, changed=changed)
    wanted = {(hours.weekday, hours.opens, hours.closes) for hours in opening_hours}
    current = set(partner.opening_periods.values_list("weekday", "opens", "closes"))
    if wanted != current:
        partner.opening_periods.all().delete()
        OpeningPeriod.objects.bulk_create(
            OpeningPeriod(partner=partner, weekday=day, opens=opens, closes=closes)
            for day, opens, closes in sorted(wanted)
        )
        outcome |= Outcome.UPDATED
    return partner, outcome


def stockrecord_upsert(
    *, product: Product, partner: Partner, price: Decimal, num_in_stock: int
) -> tuple[StockRecord, Outcome]:
    """Set the MAD price and stock of a product at a location.

    A cold-chain product can only be stocked where it stays refrigerated: a
    warehouse with cold storage or a pilot store.
    """
    if product.cold_chain and not (partner.has_cold_storage or partner.is_store):
        raise ValidationError(
            _(
                "The cold-chain product %(sku)s cannot be stocked in %(location)s, "
                "which has no cold storage."
            )
            % {"sku": product.upc, "location": partner.code}
        )
    if price <= 0:
        raise ValidationError(_("The price must be greater than zero."))
    stockrecord = StockRecord.objects.filter(
        product=product, partner=partner
    ).first() or StockRecord(product=product, partner=partner)
    changed = _assign(
        stockrecord,
        {
            "partner_sku": product.upc,
            "price": price,
            "price_currency": CURRENCY,
            "num_in_stock": num_in_stock,
        },
    )
    return stockrecord, _save(stockrecord, changed=changed)


def certification_upsert(
    *,
    cooperative: Cooperative,
    scheme: str,
    certificate_number: str,
    name: str,
    certifying_body: str,
    valid_from: datetime.date,
    valid_until: datetime.date,
    products: Iterable[Product],
) -> tuple[Certification, Outcome]:
    """Create or update a certification (found by scheme and number) and its cover.

    A certification only covers products of the cooperative that holds it.
    """
    products = list(products)
    if strangers := [p.upc for p in products if p.cooperative_id != cooperative.pk]:
        raise ValidationError(
            _("%(name)s cannot cover products of another cooperative: %(skus)s.")
            % {"name": name, "skus": ", ".join(strangers)}
        )
    certification = Certification.objects.filter(
        scheme=scheme, certificate_number=certificate_number
    ).first() or Certification(scheme=scheme, certificate_number=certificate_number)
    changed = _assign(
        certification,
        {
            "cooperative_id": cooperative.pk,
            "name": name,
            "certifying_body": certifying_body,
            "valid_from": valid_from,
            "valid_until": valid_until,
        },
    )
    outcome = _save(certification, changed=changed)
    wanted = {product.pk for product in products}
    if wanted != set(certification.products.values_list("pk", flat=True)):
        certification.products.set(wanted)
        outcome |= Outcome.UPDATED
    return certification, outcome
