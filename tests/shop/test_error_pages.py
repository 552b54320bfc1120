"""A page that does not exist, or a failure, in the shop's own look and language."""

import pytest
from django.test import Client
from django.urls import path

from shop import urls as shop_urls

pytestmark = pytest.mark.django_db


def test_a_missing_page_is_the_shops_page_with_search_and_a_way_home(client):
    response = client.get("/fr/shop/catalogue/produit-disparu_99999/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="fr" dir="ltr"' in page
    assert "Cette page n’existe pas" in page
    assert 'action="/fr/shop/search/"' in page
    assert page.count('name="q"') >= 2  # the header's box and the page's own
    assert 'id="not-found-home" href="/fr/"' in page


def test_a_missing_page_reads_right_to_left_in_arabic(client):
    response = client.get("/ar/nowhere-at-all/")
    page = response.content.decode()
    assert response.status_code == 404
    assert '<html lang="ar" dir="rtl"' in page
    assert 'id="not-found-home" href="/ar/"' in page


def failing_view(request):
    raise RuntimeError("the database went away")


urlpatterns = [path("boom/", failing_view), *shop_urls.urlpatterns]


@pytest.mark.urls(__name__)
def test_a_failure_is_a_page_of_the_shop_not_a_stack_trace():
    """The 500 page needs nothing that may have failed (no database, no
    request context): it says what happened and offers the home page."""
    client = Client(raise_request_exception=False)
    response = client.get("/boom/")
    page = response.content.decode()
    assert response.status_code == 500
    assert "the database went away" not in page
    assert "Terroir du Maroc" in page
    assert 'href="/"' in page
    assert "Une erreur est survenue" in page
