"""Shipping prices by weight and the delivery rules, at the selector level."""

from decimal import Decimal

import pytest
from oscar.apps.order.models import ShippingAddress
from oscar.test.factories import (
    BasketFactory,
    ProductAttributeFactory,
    ProductAttributeValueFactory,
)

from shop.partner.strategy import Selector
from shop.shipping.selectors import shipping_options_get
from tests.factories import ProductFactory

pytestmark = pytest.mark.django_db


def basket_with(product, quantity):
    basket = BasketFactory()
    basket.strategy = Selector().strategy()
    basket.add_product(product, quantity)
    return basket


def honey_jar(grams: int):
    product = ProductFactory(title="Miel d'euphorbe")
    attribute = ProductAttributeFactory(
        code="weight_g", type="integer", product_class=product.product_class
    )
    ProductAttributeValueFactory(
        attribute=attribute, product=product, value_integer=grams
    )
    return product


@pytest.mark.parametrize(
    ("country", "expected"),
    [("MA", Decimal("50.00")), ("FR", Decimal("380.00"))],
)
def test_standard_delivery_is_priced_by_net_weight(
    shipping_reference_data, country, expected
):
    """Two 1.5 kg jars weigh 3 kg: the 2–5 kg band, domestic or international."""
    basket = basket_with(honey_jar(1500), 2)
    address = ShippingAddress(country_id=country, line4="Casablanca")

    options = shipping_options_get(basket=basket, address=address)

    standard = next(o.method for o in options if o.method.code == "standard")
    assert standard.weight == Decimal("3")
    assert standard.calculate(basket).incl_tax == expected


def test_products_without_weight_count_half_a_kilo(shipping_reference_data):
    """Five items without a weight attribute are priced as 2.5 kg."""
    basket = basket_with(ProductFactory(), 5)
    options = shipping_options_get(basket=basket, address=None)
    standard = next(o.method for o in options if o.method.code == "standard")
    assert standard.calculate(basket).incl_tax == Decimal("50.00")


def test_heavy_baskets_pay_per_extra_kilo(shipping_reference_data):
    """Beyond 30 kg, each started kilogram adds its price."""
    basket = basket_with(honey_jar(10_200), 3)  # 30.6 kg
    options = shipping_options_get(basket=basket, address=None)
    standard = next(o.method for o in options if o.method.code == "standard")
    assert standard.calculate(basket).incl_tax == Decimal("155.00")


def test_office_staff_add_a_cold_chain_city_and_customers_cannot(client):
    """Cold-chain coverage is edited in the admin by staff holding the right."""
    from django.contrib.auth.models import Permission
    from oscar.test.factories import UserFactory

    from shop.shipping.models import ColdChainCity

    customer = UserFactory(email="client@example.ma")
    client.force_login(customer)
    denied = client.post("/django-admin/shipping/coldchaincity/add/", {"name": "Oujda"})
    assert denied.status_code == 302
    assert "/django-admin/login/" in denied["Location"]

    office = UserFactory(email="office@terroir.ma", is_staff=True)
    office.user_permissions.add(
        *Permission.objects.filter(codename__endswith="coldchaincity")
    )
    client.force_login(office)
    client.post(
        "/django-admin/shipping/coldchaincity/add/",
        {"name": "Oujda", "is_active": "on"},
    )
    assert ColdChainCity.objects.filter(name="Oujda", is_active=True).exists()
