"""The customer's address book."""

import re

import pytest
from django.test import Client

from tests.factories import CustomerFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("shipping_reference_data")]


def test_a_new_address_starts_in_morocco():
    """The country list offers the shipping countries, Morocco chosen, with no
    empty "---------" entry to pick by mistake."""
    client = Client()
    client.force_login(CustomerFactory())
    page = client.get("/fr/shop/accounts/addresses/add/").content.decode()
    select = re.search(r'<select name="country".*?</select>', page, re.S).group(0)
    assert re.search(r'<option value="MA"[^>]*selected', select), select
    assert "---------" not in select


@pytest.mark.parametrize(
    ("language", "morocco", "france"),
    [("fr", "Maroc", "France"), ("ar", "المغرب", "فرنسا"), ("en", "Morocco", "France")],
)
def test_countries_are_named_in_the_shoppers_language(language, morocco, france):
    """Oscar stores English names; the address form names them in the page's
    language."""
    client = Client()
    client.force_login(CustomerFactory())
    page = client.get(f"/{language}/shop/accounts/addresses/add/").content.decode()
    select = re.search(r'<select name="country".*?</select>', page, re.S).group(0)
    assert re.search(rf'value="MA"[^>]*>{morocco}<', select), select
    assert f">{france}<" in select
