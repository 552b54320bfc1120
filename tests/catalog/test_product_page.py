import datetime
import io
import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from PIL import Image

from catalog.models import Certification, ProductImage, Region
from tests.factories import (
    CertificationFactory,
    CooperativeFactory,
    ProductFactory,
    StockRecordFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


@pytest.fixture
def saffron():
    cooperative = CooperativeFactory(
        name="Coopérative Souktana du Safran",
        region=Region.SOUSS_MASSA,
        city="Taliouine",
    )
    return ProductFactory(
        title="Safran de Taliouine 1 g",
        cooperative=cooperative,
        origin_region=Region.SOUSS_MASSA,
    )


def test_product_page_shows_its_cooperative_and_origin(client, saffron):
    """A shopper sees who made the product, where the cooperative is, and its origin."""
    response = client.get(saffron.get_absolute_url())

    assert response.status_code == 200
    content = response.content.decode()
    assert "Coopérative Souktana du Safran" in content
    assert "Taliouine, Souss-Massa" in content
    assert "Origin: Souss-Massa" in " ".join(content.split())


def test_product_page_shows_the_price_all_taxes_included(client, saffron):
    """The price table shows one price, tax included, without a fake pre-tax line."""
    content = client.get(saffron.get_absolute_url()).content.decode()

    assert "<th>Price (incl. tax)</th><td>MAD120.00</td>" in content
    assert "Price (excl. tax)" not in content


def test_product_page_shows_only_labels_valid_today(client, saffron):
    """Expired and not-yet-valid certifications never appear as labels."""
    today = timezone.localdate()
    CertificationFactory(
        cooperative=saffron.cooperative,
        products=[saffron],
        scheme=Certification.Scheme.AOP,
        name="Safran de Taliouine",
    )
    CertificationFactory(
        cooperative=saffron.cooperative,
        products=[saffron],
        scheme=Certification.Scheme.ORGANIC,
        name="Bio expiré",
        valid_from=today - datetime.timedelta(days=800),
        valid_until=today - datetime.timedelta(days=1),
    )
    CertificationFactory(
        cooperative=saffron.cooperative,
        products=[saffron],
        scheme=Certification.Scheme.LABEL_AGRICOLE,
        name="Label futur",
        valid_from=today + datetime.timedelta(days=1),
        valid_until=today + datetime.timedelta(days=400),
    )

    content = client.get(saffron.get_absolute_url()).content.decode()

    labels = content.split('class="list-inline quality-labels"', 1)[1]
    labels = labels.split("</ul>", 1)[0]
    assert "Safran de Taliouine" in labels
    assert "Bio expiré" not in content
    assert "Label futur" not in content


def test_label_expiring_today_still_shows_and_one_ended_yesterday_does_not(
    client, saffron
):
    """A certification is valid through its last day, not a day longer."""
    today = timezone.localdate()
    CertificationFactory(
        cooperative=saffron.cooperative,
        products=[saffron],
        name="Dernier jour",
        valid_until=today,
    )
    CertificationFactory(
        cooperative=saffron.cooperative,
        products=[saffron],
        name="Fini hier",
        valid_until=today - datetime.timedelta(days=1),
    )

    content = client.get(saffron.get_absolute_url()).content.decode()

    assert "Dernier jour" in content
    assert "Fini hier" not in content


def test_cold_chain_product_page_warns_about_refrigerated_delivery(client):
    """A fresh cheese page tells the shopper it travels refrigerated; oil does not."""
    cheese = ProductFactory(title="Fromage de chèvre de Chefchaouen", cold_chain=True)
    oil = ProductFactory(title="Huile d'argane 250 ml", cold_chain=False)

    cheese_page = client.get(cheese.get_absolute_url()).content.decode()
    oil_page = client.get(oil.get_absolute_url()).content.decode()

    assert 'class="alert alert-info cold-chain"' in cheese_page
    assert 'class="alert alert-info cold-chain"' not in oil_page


def page_queries(product) -> int:
    """Count the queries of a product page for a fresh visitor (no history)."""
    client = Client()
    url = product.get_absolute_url()
    client.get(url)  # warm the session and site caches
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_product_page_query_count_does_not_grow_with_labels_and_stock(
    client, saffron, django_assert_max_num_queries
):
    """Ten labels and six stock locations cost no more queries than one of each."""
    single = ProductFactory()
    CertificationFactory(cooperative=single.cooperative, products=[single])
    for number in range(10):
        CertificationFactory(
            cooperative=saffron.cooperative,
            products=[saffron],
            name=f"Label {number}",
        )
    StockRecordFactory.create_batch(5, product=saffron)

    assert page_queries(saffron) == page_queries(single)
    with django_assert_max_num_queries(20):
        response = client.get(saffron.get_absolute_url())
    assert response.content.decode().count('class="badge badge-success"') == 10


def test_product_page_shows_the_product_photo(client, saffron):
    """The product's photo appears on its page as a resized copy (WebP)."""
    photo = io.BytesIO()
    Image.new("RGB", (1200, 1200), "darkorange").save(photo, "JPEG")
    ProductImage.objects.create(
        product=saffron, original=SimpleUploadedFile("safran.jpg", photo.getvalue())
    )

    content = client.get(saffron.get_absolute_url()).content.decode()

    thumbnail = re.search(r'<img src="(/media/renditions/[^"]+\.webp)"', content)
    assert thumbnail, "no resized product photo on the page"


def test_product_page_shows_catalogue_changes_on_the_next_request(
    client, saffron, committed
):
    """Price, stock, labels, cooperative and categories show at once, though cached."""
    before = " ".join(client.get(saffron.get_absolute_url()).content.decode().split())
    assert "MAD120.00" in before
    assert "Safran bio" not in before

    def change():
        record = saffron.stockrecords.get()
        record.price = "99.50"
        record.num_in_stock = 0
        record.save()
        CertificationFactory(
            cooperative=saffron.cooperative, products=[saffron], name="Safran bio"
        )
        saffron.cooperative.name = "Coopérative Taliouine Safran"
        saffron.cooperative.save()
        category = saffron.get_categories().first()
        category.name = "Épices"
        category.save()

    committed(change)

    after = " ".join(client.get(saffron.get_absolute_url()).content.decode().split())
    assert "MAD99.50" in after
    assert "MAD120.00" not in after
    assert "Unavailable" in after
    assert "Safran bio" in after
    assert "Coopérative Taliouine Safran" in after
    assert re.search(r'class="breadcrumb-item"><a href="[^"]+">Épices<', after)


def test_back_button_follows_each_visitors_own_referrer(client, saffron):
    """Only a shopper coming from search results gets a link back to them."""
    from_search = {"HTTP_REFERER": "http://testserver/en/shop/search/?q=safran"}
    for _round in range(2):
        searcher = client.get(saffron.get_absolute_url(), **from_search)
        direct = Client().get(saffron.get_absolute_url())

        assert "Back to search results" in searcher.content.decode()
        assert "Back to search results" not in direct.content.decode()


@pytest.mark.parametrize(
    "cookie", ['["x"]', "[1e99]", "[99999999999999999999]", "[true, 4.5, -3]"]
)
def test_a_forged_recently_viewed_cookie_still_gets_the_page(
    client, saffron, settings, cookie
):
    """The history cookie comes from the browser: ids that are not product ids
    are dropped (Oscar passed them to a query, and the page answered 500)."""
    viewed = ProductFactory(title="Miel de thym 500 g")
    client.cookies[settings.OSCAR_RECENTLY_VIEWED_COOKIE_NAME] = cookie.replace(
        "[", f"[{viewed.pk}, ", 1
    )

    response = client.get(saffron.get_absolute_url())

    assert response.status_code == 200
    assert "Products you recently viewed" in response.content.decode()
    assert "Miel de thym 500 g" in response.content.decode()
