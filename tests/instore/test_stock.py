"""A store's shelf at its counter: units in stock, reserved and free, low stock
flagged, and goods received (logged for the office's audit)."""

import pytest
from django.contrib.admin.models import CHANGE, LogEntry
from django.contrib.contenttypes.models import ContentType

from shop.partner.models import StockRecord
from tests.factories import ProductFactory, StockRecordFactory
from tests.instore.test_collect import collect_order_place, signed_in, text, url

pytestmark = pytest.mark.django_db


@pytest.fixture
def shelf(store_a, store_b, argan_oil, saffron):
    """Store A: 5 argan oil (3 reserved by a click & collect order), 10
    saffron; store B: its own honey."""
    collect_order_place(store=store_a, product=argan_oil, quantity=3)
    honey = ProductFactory(title="Miel de thym de l'Atlas 250 g")
    StockRecordFactory(
        product=honey, partner=store_b, num_in_stock=8, partner_sku="MIEL-MAR"
    )
    return {
        "argan": argan_oil.stockrecords.get(partner=store_a),
        "saffron": saffron.stockrecords.get(partner=store_a),
    }


def rows(page: str) -> dict[str, list[str]]:
    """Each shelf row's cells by SKU (second column)."""
    import re

    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", page, flags=re.S):
        cells = [
            " ".join(re.sub(r"<[^>]+>", " ", cell).split())
            for cell in re.findall(r"<td[^>]*>(.*?)</td>", row, flags=re.S)
        ]
        if len(cells) > 2:
            found[cells[1]] = cells
    return found


def test_the_shelf_shows_free_and_reserved_units_and_low_stock(store_a, staff_a, shelf):
    """Each of the store's products with units in stock, reserved and free;
    2 free argan oils (below the threshold of 3) are flagged; nothing from
    another store or the warehouses."""
    page = text(signed_in(staff_a).get(url("instore:stock", store_a)))

    found = rows(page)
    assert set(found) == {"ARG-100-CAS", "SAF-1-CAS"}
    argan = found["ARG-100-CAS"]
    assert argan[0] == "Huile d'argane cosmétique 100 ml Low stock"
    assert argan[2:6] == ["6111245590013", "5", "3", "2"]
    assert found["SAF-1-CAS"][0] == "Safran de Taliouine 1 g"
    assert found["SAF-1-CAS"][3:6] == ["10", "0", "10"]
    assert "MIEL-MAR" not in page


def test_the_shelf_is_searched_by_title_sku_or_barcode(store_a, staff_a, shelf):
    """Part of a title, a SKU or a scanned barcode finds the product; "low
    stock only" keeps the flagged ones."""
    staff = signed_in(staff_a)

    def skus(**params):
        return set(rows(text(staff.get(url("instore:stock", store_a), params))))

    assert skus(q="safran") == {"SAF-1-CAS"}
    assert skus(q="arg-100") == {"ARG-100-CAS"}
    assert skus(q="6111245590020") == {"SAF-1-CAS"}
    assert skus(low="1") == {"ARG-100-CAS"}
    assert "No product of this shelf matches." in text(
        staff.get(url("instore:stock", store_a), {"q": "fromage"})
    )


def test_goods_received_are_added_and_logged(store_a, staff_a, shelf):
    """Scanning a product's barcode and entering the units and delivery note
    adds them to the shelf, says so, and leaves an audit entry for the office."""
    staff = signed_in(staff_a)

    response = staff.post(
        url("instore:stock", store_a),
        {"code": "6111245590013", "quantity": "12", "note": "BL 2024-118"},
        follow=True,
    )

    assert "12 × Huile d'argane cosmétique 100 ml received: 17 in stock." in text(
        response
    )
    record = shelf["argan"]
    record.refresh_from_db()
    assert (record.num_in_stock, record.num_allocated) == (17, 3)
    entry = LogEntry.objects.get()
    assert entry.user == staff_a
    assert entry.action_flag == CHANGE
    assert entry.content_type == ContentType.objects.get_for_model(StockRecord)
    assert entry.object_id == str(record.pk)
    assert entry.get_change_message() == (
        "12 unités reçues à Boutique Casablanca (5 → 17 en stock) : BL 2024-118"
    )


def test_the_receive_link_prefills_the_product(store_a, staff_a, shelf):
    """ "Receive" on a row puts its SKU in the form, ready for the quantity."""
    page = text(
        signed_in(staff_a).get(url("instore:stock", store_a), {"receive": "SAF-1-CAS"})
    )

    assert 'value="SAF-1-CAS"' in page
    assert 'name="quantity" id="id_quantity" min="1" max="10000"' in page
    assert "autofocus" in page.split('name="quantity"')[1].split(">")[0]


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (
            {"code": "ARG-100-CAS", "quantity": "0", "note": "BL 1"},
            "Ensure this value is greater than or equal to 1.",
        ),
        (
            {"code": "ARG-100-CAS", "quantity": "douze", "note": "BL 1"},
            "Enter a whole number.",
        ),
        (
            {"code": "ARG-100-CAS", "quantity": "100000", "note": "BL 1"},
            "Ensure this value is less than or equal to 10000.",
        ),
        (
            {"code": "ARG-100-CAS", "quantity": "3", "note": " "},
            "This field is required.",
        ),
        (
            {"code": "MIEL-MAR", "quantity": "3", "note": "BL 1"},
            "No product with this SKU or barcode on this shelf.",
        ),
        (
            {"code": "ARG-100", "quantity": "3", "note": "BL 1"},
            "No product with this SKU or barcode on this shelf.",
        ),
    ],
)
def test_bad_receipts_are_refused_and_change_nothing(
    store_a, staff_a, shelf, data, message
):
    """Zero, words, absurd quantities, no note, another store's or a
    warehouse's SKU: the form says what is wrong; no stock moves."""
    response = signed_in(staff_a).post(url("instore:stock", store_a), data)

    assert response.status_code == 400
    assert message in text(response)
    assert StockRecord.objects.get(pk=shelf["argan"].pk).num_in_stock == 5
    assert not LogEntry.objects.exists()


def test_only_the_stores_staff_see_or_change_its_shelf(
    store_a, store_b, staff_b, customer, office, shelf
):
    """Store B's staff and customers are refused store A's shelf (403), and
    cannot add to it; office staff may look."""
    data = {"code": "ARG-100-CAS", "quantity": "3", "note": "BL 1"}

    assert signed_in(staff_b).get(url("instore:stock", store_a)).status_code == 403
    assert signed_in(staff_b).post(url("instore:stock", store_a), data).status_code == (
        403
    )
    assert signed_in(customer).post(
        url("instore:stock", store_a), data
    ).status_code == (403)
    assert signed_in(office).get(url("instore:stock", store_a)).status_code == 200
    assert StockRecord.objects.get(pk=shelf["argan"].pk).num_in_stock == 5


def test_the_shelf_costs_the_same_queries_for_40_products(
    store_a, staff_a, django_assert_max_num_queries
):
    """Forty products on the shelf are listed in a fixed number of queries."""
    for number in range(40):
        StockRecordFactory(
            product=ProductFactory(stockrecords=None),
            partner=store_a,
            partner_sku=f"CAS-{number:03d}",
        )
    staff = signed_in(staff_a)
    staff.get(url("instore:stock", store_a))

    with django_assert_max_num_queries(10):
        response = staff.get(url("instore:stock", store_a))

    assert len(rows(text(response))) == 40
