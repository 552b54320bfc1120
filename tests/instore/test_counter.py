"""The counter through its pages, as store staff use it."""

import html
from decimal import Decimal

import pytest
from django.core import mail
from django.urls import reverse
from django.utils import translation

from search.services import index_rebuild
from shop.instore.models import CounterSale
from shop.instore.services import sales
from shop.instore.services.drawer import drawer_session_open

pytestmark = pytest.mark.django_db


def url(name, **kwargs):
    with translation.override("en"):
        return reverse(f"instore:{name}", kwargs=kwargs)


def text(response) -> str:
    """The page, unescaped, as a reader sees its words."""
    return html.unescape(response.content.decode())


@pytest.fixture
def drawer(store_a, staff_a):
    return drawer_session_open(
        store=store_a, opening_float=Decimal("300.00"), by=staff_a
    )


@pytest.fixture
def counter(client, staff_a, store_a):
    client.force_login(staff_a)
    return client


@pytest.fixture
def free_port():
    """A loopback port nothing listens on: the engine refuses at once."""
    from search.local_engine import free_port

    return free_port()


def sell_two(store, staff, product, committed):
    """Two units sold for cash at the store's counter, committed."""
    sale = sales.sale_open(store=store, by=staff)
    sales.sale_line_add(sale=sale, product=product, quantity=2, by=staff)
    committed(
        lambda: sales.sale_place(
            sale=sale,
            payment=sales.CounterPayment("cash", cash_tendered=Decimal("240")),
            by=staff,
        )
    )


def new_sale(counter, store, **data):
    response = counter.post(url("sale-new", store=store.code), data)
    sale = CounterSale.objects.latest("pk")
    return sale, response


def test_store_staff_land_on_their_counter(counter, store_a):
    """One store: straight to its counter; the counter offers a new sale."""
    response = counter.get(url("landing"))
    assert response.status_code == 302
    assert response["Location"] == url("counter", store=store_a.code)
    page = counter.get(response["Location"])
    assert "New sale" in text(page)


def test_staff_of_several_stores_pick_one(client, store_a, store_b):
    """Someone linked to two stores chooses which counter to open."""
    from tests.factories import StoreStaffFactory

    client.force_login(StoreStaffFactory(store=[store_a, store_b]))
    page = client.get(url("landing"))
    assert page.status_code == 200
    assert store_a.name in text(page)
    assert store_b.name in text(page)


def test_a_scanned_barcode_adds_its_product(counter, store_a, argan_oil):
    """A scanner types the code and Enter: the product is in the sale."""
    sale, response = new_sale(counter, store_a, code=argan_oil.upc, quantity=1)
    assert response.status_code == 302
    page = counter.get(response["Location"])
    assert argan_oil.title in text(page)
    assert sale.basket.lines.get().quantity == 1


def test_an_unknown_barcode_says_so(counter, store_a, argan_oil):
    """A code nobody has: the message names it and the sale is kept."""
    sale, _ = new_sale(counter, store_a)
    response = counter.post(
        url("sale-add", store=store_a.code, pk=sale.pk),
        {"code": "9999999999999", "quantity": 1},
    )
    assert response.status_code == 400
    assert "No product has the barcode or SKU “9999999999999”" in text(response)
    assert sale.basket.lines.count() == 0


def test_words_show_what_the_search_finds(counter, store_a, argan_oil, saffron):
    """Typed words (not a code) list what the shop's search finds, typos
    included, with price and stock."""
    index_rebuild()
    sale, _ = new_sale(counter, store_a)
    response = counter.post(
        url("sale-add", store=store_a.code, pk=sale.pk),
        {"code": "safarn", "quantity": 1},
        follow=True,
    )
    page = text(response)
    assert saffron.title in page
    assert "Shelf: 10 · Warehouses: 30" in page


def test_the_lookup_answers_as_staff_type(counter, store_a, argan_oil):
    """The search box's JSON: price, shelf units and warehouse units."""
    response = counter.get(url("lookup", store=store_a.code), {"q": argan_oil.upc})
    data = response.json()
    assert data["exact"] is True
    assert data["hits"][0]["price"] == "120.00"
    assert data["hits"][0]["shelf"] == 5
    assert data["hits"][0]["warehouses"] == 50


@pytest.mark.parametrize(
    ("quantity", "message"),
    [
        ("-1", "greater than or equal to 0"),
        ("1000", "less than or equal to 999"),
        ("x", "whole number"),
    ],
)
def test_bad_quantities_are_refused(counter, store_a, argan_oil, quantity, message):
    """A negative, huge or non-numeric quantity re-renders the sale with why."""
    sale, _ = new_sale(counter, store_a, code=argan_oil.upc, quantity=2)
    line = sale.basket.lines.get()
    response = counter.post(
        url("sale-line", store=store_a.code, pk=sale.pk, line=line.pk),
        {"quantity": quantity},
    )
    assert response.status_code == 400
    assert message in text(response)
    line.refresh_from_db()
    assert line.quantity == 2


def test_a_zero_quantity_removes_the_line(counter, store_a, argan_oil):
    sale, _ = new_sale(counter, store_a, code=argan_oil.upc, quantity=2)
    line = sale.basket.lines.get()
    counter.post(
        url("sale-line", store=store_a.code, pk=sale.pk, line=line.pk), {"quantity": 0}
    )
    assert sale.basket.lines.count() == 0


def test_a_discount_above_the_cap_is_refused(counter, store_a, argan_oil, settings):
    """Store staff see the cap in the refusal; nothing is discounted."""
    settings.INSTORE_STAFF_DISCOUNT_CAP = Decimal("10")
    sale, _ = new_sale(counter, store_a, code=argan_oil.upc, quantity=1)
    line = sale.basket.lines.get()
    response = counter.post(
        url("sale-line-discount", store=store_a.code, pk=sale.pk, line=line.pk),
        {"percent": "15", "reason": "Client fidèle"},
    )
    assert response.status_code == 400
    assert "at most 10% off" in text(response)
    assert not sale.discounts.exists()


def test_cash_below_the_total_is_refused(counter, store_a, argan_oil, drawer):
    sale, _ = new_sale(counter, store_a, code=argan_oil.upc, quantity=1)
    response = counter.post(
        url("sale-pay", store=store_a.code, pk=sale.pk),
        {"method": "cash", "cash_tendered": "100.00"},
    )
    assert response.status_code == 400
    assert "The cash tendered must cover 120.00" in text(response)
    sale.refresh_from_db()
    assert sale.status == CounterSale.Status.OPEN


def test_a_cash_sale_shows_the_change_and_the_receipt(
    counter, store_a, argan_oil, saffron, drawer, customer, committed
):
    """Pay 300 for 215: 85 change, a receipt with its number, emailed on request."""
    sale, _ = new_sale(counter, store_a, code=argan_oil.upc, quantity=1)
    counter.post(
        url("sale-add", store=store_a.code, pk=sale.pk),
        {"product": saffron.pk, "quantity": 1},
    )
    sales.sale_customer_set(sale=sale, customer=customer, by=sale.opened_by)
    responses = []
    committed(
        lambda: responses.append(
            counter.post(
                url("sale-pay", store=store_a.code, pk=sale.pk),
                {"method": "cash", "cash_tendered": "300.00"},
                follow=True,
            )
        )
    )
    page = text(responses[0])
    assert "Sale complete" in page
    assert "85.00" in page
    sale.refresh_from_db()
    receipt = counter.get(url("sale-receipt", store=store_a.code, pk=sale.pk))
    assert sale.receipt_number in text(receipt)
    assert "215.00" in text(receipt)
    assert len(mail.outbox) == 1  # sent after payment, to the named customer
    counter.post(url("sale-receipt-email", store=store_a.code, pk=sale.pk))
    assert len(mail.outbox) == 2
    assert sale.receipt_number in mail.outbox[1].subject


def test_a_double_submit_places_one_order(counter, store_a, argan_oil, drawer):
    sale, _ = new_sale(counter, store_a, code=argan_oil.upc, quantity=1)
    data = {"method": "cash", "cash_tendered": "120.00"}
    first = counter.post(url("sale-pay", store=store_a.code, pk=sale.pk), data)
    second = counter.post(url("sale-pay", store=store_a.code, pk=sale.pk), data)
    assert first.status_code == second.status_code == 302
    assert drawer.movements.count() == 1


def test_parked_sales_are_resumed_by_colleagues_only(
    client, counter, store_a, store_b, staff_a, staff_b, argan_oil
):
    """A colleague of the same store resumes a parked sale; staff of another
    store can neither open it under their store (404) nor under ours (403)."""
    from tests.factories import StoreStaffFactory

    sale, _ = new_sale(counter, store_a, code=argan_oil.upc, quantity=1)
    counter.post(
        url("sale-park", store=store_a.code, pk=sale.pk), {"label": "Mme Tazi"}
    )
    sale.refresh_from_db()
    assert sale.status == CounterSale.Status.PARKED

    client.force_login(staff_b)
    assert client.get(url("sale", store=store_a.code, pk=sale.pk)).status_code == 403
    assert client.get(url("sale", store=store_b.code, pk=sale.pk)).status_code == 404
    assert (
        client.post(url("sale-resume", store=store_b.code, pk=sale.pk)).status_code
        == 404
    )

    colleague = StoreStaffFactory(store=store_a)
    client.force_login(colleague)
    parked = client.get(url("parked", store=store_a.code))
    assert "Mme Tazi" in text(parked)
    client.post(url("sale-resume", store=store_a.code, pk=sale.pk))
    sale.refresh_from_db()
    assert sale.status == CounterSale.Status.OPEN
    assert sale.updated_by == colleague


def test_the_lookup_follows_stock_sold_since(
    counter, store_a, staff_a, argan_oil, drawer, committed
):
    """A lookup asked again after a sale shows the shelf's new count."""

    def shelf():
        response = counter.get(url("lookup", store=store_a.code), {"q": argan_oil.upc})
        return response.json()["hits"][0]["shelf"]

    assert shelf() == 5
    sell_two(store_a, staff_a, argan_oil, committed)
    assert shelf() == 3


def test_without_the_engine_each_word_finds_titles(
    counter, store_a, argan_oil, settings, free_port
):
    """Typed words need not be side by side in the title ("huile argane"
    for "Huile d'argane…"), and the lookup says it matched titles only."""
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port}"  # nothing there

    response = counter.get(url("lookup", store=store_a.code), {"q": "huile argane"})

    data = response.json()
    assert data["degraded"] is True
    assert [hit["id"] for hit in data["hits"]] == [argan_oil.pk]


def test_a_sale_does_not_send_the_lookup_back_to_the_engine(
    counter, store_a, staff_a, argan_oil, drawer, committed, settings, free_port
):
    """After a sale the counts are read again, the ranking is not: the till
    still finds products by words while the engine is out of reach."""
    index_rebuild()

    def lookup():
        response = counter.get(url("lookup", store=store_a.code), {"q": "argane"})
        return response.json()

    assert lookup()["hits"][0]["shelf"] == 5
    sell_two(store_a, staff_a, argan_oil, committed)
    settings.ELASTICSEARCH_URL = f"http://127.0.0.1:{free_port}"

    found = lookup()
    assert found["degraded"] is False
    assert found["hits"][0]["shelf"] == 3
