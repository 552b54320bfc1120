"""Catalogue write services: idempotent upserts that keep the domain rules."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from catalog import services
from catalog.models import Cooperative, ProductAttribute, Region
from catalog.services import Outcome
from shop.partner.models import Partner
from tests.factories import (
    CooperativeFactory,
    PilotStoreFactory,
    ProductFactory,
    WarehouseFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_a_cooperative_is_created_then_left_alone_then_updated():
    """Upserting by slug creates once, reports no change, then applies a change."""
    values = {"slug": "coop-atlas", "name": "Coopérative Atlas", "region": "fes-meknes"}

    cooperative, first = services.cooperative_upsert(**values)
    _, second = services.cooperative_upsert(**values)
    _, third = services.cooperative_upsert(**values, members=12, women_members=9)

    assert (first, second, third) == (
        Outcome.CREATED,
        Outcome.UNCHANGED,
        Outcome.UPDATED,
    )
    cooperative.refresh_from_db()
    assert (cooperative.members, cooperative.women_members) == (12, 9)
    assert Cooperative.objects.filter(slug="coop-atlas").count() == 1


def test_a_cooperative_breaking_a_rule_is_not_saved():
    """More women members than members is refused with the model's message."""
    with pytest.raises(ValidationError, match="Women members cannot outnumber"):
        services.cooperative_upsert(
            slug="coop-x", name="X", region=Region.ORIENTAL, members=3, women_members=5
        )
    assert not Cooperative.objects.filter(slug="coop-x").exists()


def test_product_attributes_must_belong_to_its_class():
    """A value for an attribute the product class lacks is refused by name."""
    product_class, _ = services.product_class_upsert(
        name="Huile",
        attributes=[
            services.AttributeSpec("volume_ml", "Contenance", ProductAttribute.INTEGER)
        ],
    )
    category = services.category_from_path(path="Huiles > Huile d'olive")

    with pytest.raises(ValidationError, match="has no attribute weight_g"):
        services.product_upsert(
            sku="OLV-1",
            title="Huile d'olive 1 l",
            cooperative=CooperativeFactory(),
            product_class=product_class,
            category=category,
            attributes={"weight_g": 1000},
        )


def test_a_product_upsert_by_sku_updates_in_place():
    """The SKU (UPC) finds the product again; a new title updates it."""
    product_class, _ = services.product_class_upsert(name="Huile", attributes=[])
    category = services.category_from_path(path="Huiles")
    cooperative = CooperativeFactory(region=Region.MARRAKECH_SAFI)
    values = {
        "sku": "OLV-2",
        "title": "Huile d'olive 1 l",
        "cooperative": cooperative,
        "product_class": product_class,
        "category": category,
    }

    product, created = services.product_upsert(**values)
    again, unchanged = services.product_upsert(**values)
    _, updated = services.product_upsert(**{**values, "title": "Huile d'olive 75 cl"})

    assert (created, unchanged, updated) == (
        Outcome.CREATED,
        Outcome.UNCHANGED,
        Outcome.UPDATED,
    )
    assert again.pk == product.pk
    assert product.origin_region == Region.MARRAKECH_SAFI


def test_cold_chain_products_only_go_where_they_stay_cold():
    """A cold-chain product is refused by a dry warehouse, accepted by a store."""
    cheese = ProductFactory(cold_chain=True, upc="JBEN-1", stockrecords=None)

    with pytest.raises(ValidationError, match="has no cold storage"):
        services.stockrecord_upsert(
            product=cheese,
            partner=WarehouseFactory(),
            price=Decimal("32.00"),
            num_in_stock=5,
        )
    record, outcome = services.stockrecord_upsert(
        product=cheese,
        partner=PilotStoreFactory(),
        price=Decimal("32.00"),
        num_in_stock=5,
    )
    assert outcome is Outcome.CREATED
    assert (record.price_currency, record.partner_sku) == ("MAD", "JBEN-1")


def test_opening_hours_are_replaced_only_when_they_change():
    """Store hours are set from the given periods; the same periods change nothing."""
    hours = [
        services.OpeningHours(day, datetime.time(9, 30), datetime.time(20))
        for day in range(6)
    ]
    values = {"code": "boutique-x", "name": "Boutique X", "kind": "pilot_store"}

    store, created = services.stock_location_upsert(**values, opening_hours=hours)
    _, unchanged = services.stock_location_upsert(**values, opening_hours=hours)

    assert (created, unchanged) == (Outcome.CREATED, Outcome.UNCHANGED)
    assert store.opening_periods.count() == 6
    assert Partner.objects.get(code="boutique-x").is_store


def test_a_certification_only_covers_its_cooperatives_products():
    """Covering another cooperative's product is refused."""
    holder, other = CooperativeFactory(), CooperativeFactory()
    foreign = ProductFactory(cooperative=other, upc="FOREIGN-1")

    with pytest.raises(ValidationError, match="FOREIGN-1"):
        services.certification_upsert(
            cooperative=holder,
            scheme="igp",
            certificate_number="IGP-1",
            name="Huile d'argane",
            certifying_body="Normacert",
            valid_from=datetime.date(2024, 1, 1),
            valid_until=datetime.date(2030, 1, 1),
            products=[foreign],
        )


def test_outcomes_combine_to_the_strongest():
    """Created beats updated, which beats unchanged."""
    assert Outcome.UNCHANGED | Outcome.UPDATED is Outcome.UPDATED
    assert Outcome.CREATED | Outcome.UPDATED is Outcome.CREATED
    assert Outcome.UNCHANGED | Outcome.UNCHANGED is Outcome.UNCHANGED
