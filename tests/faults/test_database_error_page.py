"""A request cut off by a lost database connection asks the shopper to try again."""

import pytest
from django.db import OperationalError
from django.test import Client
from django.urls import path

from shop import urls as shop_urls


def connection_lost(request):
    raise OperationalError("terminating connection due to administrator command")


def broken(request):
    raise RuntimeError("a bug")


handler500 = shop_urls.handler500
urlpatterns = [
    path("lost/", connection_lost),
    path("broken/", broken),
    *shop_urls.urlpatterns,
]


@pytest.mark.urls(__name__)
def test_lost_database_connection_is_a_try_again_page_not_an_error():
    """503 with Retry-After, in the shop's language, the error not shown."""
    response = Client(raise_request_exception=False).get("/lost/")
    page = response.content.decode()
    assert response.status_code == 503
    assert response.headers["Retry-After"] == "30"
    assert "Veuillez réessayer dans un instant" in page
    assert "administrator command" not in page


@pytest.mark.urls(__name__)
def test_other_failures_keep_the_error_page():
    response = Client(raise_request_exception=False).get("/broken/")
    assert response.status_code == 500
    assert "Une erreur est survenue" in response.content.decode()
