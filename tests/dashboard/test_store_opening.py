"""Opening a store is configuration only, done by office staff in the dashboards."""

from decimal import Decimal

import pytest
from django.contrib.auth import get_user_model
from django.test import Client
from django.urls import reverse
from wagtail.test.utils.form_data import nested_form_data, streamfield

from cms.models import StoreIndexPage, StorePage
from shop.instore.models import CounterSale
from shop.partner.models import Partner
from tests.cms.builders import child, site_home
from tests.factories import ProductFactory, StockRecordFactory

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


def test_office_staff_open_a_store_from_the_dashboards(office, client):
    """Partner of kind pilot store, its showcase page in /cms/, its manager:
    the manager then opens the new store's drawer and completes a sale there."""
    store_index = child(site_home(title="Accueil"), StoreIndexPage(title="Boutiques"))
    client.force_login(office)

    client.post(
        reverse("dashboard:partner-create"),
        {
            "name": "Boutique Rabat",
            "kind": "pilot_store",
            "city": "Rabat",
            "street_address": "4 avenue Mohammed V",
            "phone": "+212537000000",
        },
    )
    rabat = Partner.objects.get(name="Boutique Rabat")
    page = client.post(
        f"/cms/pages/add/cms/storepage/{store_index.pk}/",
        nested_form_data(
            {
                "title": "Boutique de Rabat",
                "slug": "rabat",
                "partner": rabat.pk,
                "body": streamfield([]),
                "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0},
                "action-publish": "action-publish",
            }
        ),
    )
    client.post(
        reverse("dashboard:partner-user-create", args=[rabat.pk]),
        {
            "first_name": "Hind",
            "last_name": "Chraibi",
            "email": "hind@terroir.ma",
            "password1": "un-mot-de-passe-solide",
            "password2": "un-mot-de-passe-solide",
            "role": "Store manager",
        },
    )

    assert page.status_code == 302
    store_page = StorePage.objects.get(partner=rabat)
    assert store_page.live
    manage = client.get(reverse("dashboard:partner-manage", args=[rabat.pk]))
    assert "Boutique de Rabat" in manage.content.decode()
    manager = Client()
    manager.force_login(get_user_model().objects.get(email="hind@terroir.ma"))
    counter = reverse("instore:counter", kwargs={"store": rabat.code})
    assert manager.get(reverse("instore:landing")).url == counter
    assert manager.get(counter).status_code == 200

    # Goods arrive on the new shelf (a transfer from the warehouse, not
    # configuration); the manager opens the drawer and sells.
    oil = ProductFactory(title="Huile d'olive Tyout-Chiadma 50 cl", upc="6111245591119")
    StockRecordFactory(product=oil, partner=rabat, num_in_stock=6, price="89.00")
    manager.post(
        reverse("instore:drawer-open", kwargs={"store": rabat.code}),
        {"opening_float": "200.00"},
    )
    manager.post(
        reverse("instore:sale-new", kwargs={"store": rabat.code}),
        {"code": oil.upc, "quantity": 2},
    )
    sale = CounterSale.objects.get(store=rabat)
    paid = manager.post(
        reverse("instore:sale-pay", kwargs={"store": rabat.code, "pk": sale.pk}),
        {"method": "cash", "cash_tendered": "200.00"},
        follow=True,
    )
    sale.refresh_from_db()
    assert sale.status == CounterSale.Status.PLACED
    assert sale.receipt_number == f"RAB{rabat.pk}-000001"
    assert sale.order.total_incl_tax == Decimal("178.00")
    assert sale.order.origin.store == rabat
    assert sale.change_given == Decimal("22.00")
    assert sale.receipt_number in paid.content.decode()
