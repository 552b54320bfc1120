import datetime

import pytest
from django.db import IntegrityError
from django.utils import timezone

from catalog.models import Certification
from tests.factories import CertificationFactory, ProductFactory

pytestmark = pytest.mark.django_db


def test_product_without_cooperative_is_refused_by_the_database():
    """A standalone product cannot be saved without its cooperative."""
    with pytest.raises(IntegrityError):
        ProductFactory(cooperative=None)


def test_only_certifications_valid_today_are_shown():
    """An expired or not-yet-valid certification is not a label of the product."""
    product = ProductFactory()
    today = timezone.localdate()
    valid = CertificationFactory(cooperative=product.cooperative, products=[product])
    CertificationFactory(
        cooperative=product.cooperative,
        products=[product],
        valid_from=today - datetime.timedelta(days=800),
        valid_until=today - datetime.timedelta(days=1),
    )
    CertificationFactory(
        cooperative=product.cooperative,
        products=[product],
        valid_from=today + datetime.timedelta(days=1),
        valid_until=today + datetime.timedelta(days=400),
    )

    assert list(product.valid_certifications()) == [valid]
    assert Certification.objects.valid_today().count() == 1
