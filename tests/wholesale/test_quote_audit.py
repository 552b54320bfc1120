"""The prices of each quote version the office sends are in the audit trail,
beside those of the version before."""

from decimal import Decimal

import pytest

from shop.audit.models import Action, AuditEntry, Source
from shop.wholesale.services.quotes import quote_revision_request
from tests.factories import ProductFactory
from tests.wholesale.test_quotes import sent, submitted

pytestmark = pytest.mark.django_db


def test_sending_a_version_records_its_prices_and_the_last_ones(chain, buyer, office):
    argan = ProductFactory(wholesale_pack_size=12, minimum_order_quantity=12)
    request = submitted(chain, buyer, (argan, 4))

    first = sent(request, office, {argan: Decimal("80.00")})
    request.refresh_from_db()
    quote_revision_request(request=request, message="Un meilleur prix ?", by=buyer)
    request.refresh_from_db()
    second = sent(request, office, {argan: Decimal("75.5")}, delivery=Decimal("350"))

    opening, revision = AuditEntry.objects.order_by("pk")
    assert (opening.action, opening.actor) == (Action.QUOTE_SENT, office)
    assert opening.source == Source.DASHBOARD
    assert opening.object_label == f"{request.number} v{first.version}"
    assert opening.before == {}
    assert opening.after["unit_prices"] == {str(argan.pk): "80.00"}
    assert revision.object_id == str(second.pk)
    assert revision.before["unit_prices"] == {str(argan.pk): "80.00"}
    assert revision.after["unit_prices"] == {str(argan.pk): "75.50"}
    assert revision.after["delivery_price"] == "350.00"
