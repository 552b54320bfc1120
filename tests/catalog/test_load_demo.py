"""The demo loader builds a realistic catalogue, the same on every run."""

import io
import re

import pytest
from django.contrib.auth import authenticate, get_user_model
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.urls import reverse
from django.utils import translation

from catalog.demo.builder import demo_counts
from catalog.models import Certification, Product, Region
from shop.management.commands.demo_server import DEMO_LOGINS
from shop.partner.models import Partner, StockRecord

# Every test declares the database, so pytest-django sets up the test database
# before the module fixture below loads into it (even with -k selecting one).
pytestmark = pytest.mark.django_db


@pytest.fixture(scope="module")
def demo(django_db_setup, django_db_blocker, tmp_path_factory):
    """Run load_demo twice (slow, so once per module) and roll it all back after."""
    media = tmp_path_factory.mktemp("demo-media")
    with (
        django_db_blocker.unblock(),
        override_settings(MEDIA_ROOT=media),
        translation.override("en"),
        transaction.atomic(),
    ):
        runs = []
        for _ in range(2):
            output = io.StringIO()
            call_command("load_demo", stdout=output)
            runs.append({"output": output.getvalue(), "counts": demo_counts()})
        yield runs
        transaction.set_rollback(True)


def test_a_second_load_changes_nothing(demo):
    """Re-running load_demo creates no duplicates: every count stays the same."""
    first, second = demo
    assert first["counts"] == second["counts"]
    assert "Products (products.csv): 184 (184 created)" in first["output"]
    assert "Products (products.csv): 184 (184 unchanged)" in second["output"]
    assert "Demo users: 10 (10 unchanged)" in second["output"]
    assert "Wholesale: 0 companies created" in second["output"]
    steps = re.findall(r"^  (.+): \d+ \((.+)\) in ", second["output"], re.MULTILINE)
    assert len(steps) == 8
    assert all(re.fullmatch(r"\d+ unchanged", outcomes) for _, outcomes in steps), steps


def test_the_summary_lists_counts_and_time(demo):
    """The command ends with counts per kind and the time it took."""
    output = demo[1]["output"]
    assert "cooperatives                35" in output
    assert "Demo data loaded in" in output


def test_the_catalogue_is_big_and_varied(demo):
    """At least 30 cooperatives in 8 regions, 150 products in 10 categories."""
    counts = demo[1]["counts"]
    assert counts["cooperatives"] >= 30
    assert counts["regions"] >= 8
    assert counts["products"] >= 150
    top_level = Product.objects.values("categories__path").distinct()
    assert len({row["categories__path"][:4] for row in top_level}) >= 10
    assert counts["product images"] == counts["products"]


def test_geographical_indications_and_expired_certifications(demo):
    """Real Moroccan IGP/AOP are present; some certifications are expired."""
    names = set(Certification.objects.values_list("name", flat=True))
    assert {
        "Safran de Taliouine",
        "Huile d'argane",
        "Dattes Majhoul de Tafilalet",
        "Rose de Kelâat M'Gouna-Dadès",
        "Miel d'euphorbe Tadla-Azilal",
    } <= names
    expired = Certification.objects.exclude(pk__in=Certification.objects.valid_today())
    assert expired.exists()
    saffron = Product.objects.get(upc="SAFPIS-SKT-1")
    assert {c.name for c in saffron.valid_certifications()} == {
        "Agriculture biologique",
        "Safran de Taliouine",
    }
    expired_argan = Product.objects.get(upc="ARGALI-AJD-250")
    assert not expired_argan.valid_certifications().exists()


def test_cold_chain_products_stay_refrigerated(demo):
    """Cold-chain products exist and are stocked only in cold storage or stores."""
    cold = StockRecord.objects.filter(product__cold_chain=True)
    assert cold.exists()
    kinds = set(cold.values_list("partner__kind", flat=True))
    assert kinds <= {Partner.Kind.COLD_WAREHOUSE, Partner.Kind.PILOT_STORE}


def test_warehouses_and_pilot_stores(demo):
    """4 warehouses (one cold) and 2 pilot stores with hours and a subset of stock."""
    warehouses = Partner.objects.exclude(kind=Partner.Kind.PILOT_STORE)
    assert warehouses.count() == 4
    assert warehouses.filter(kind=Partner.Kind.COLD_WAREHOUSE).exists()
    stores = Partner.objects.filter(kind=Partner.Kind.PILOT_STORE).order_by("city")
    assert [store.city for store in stores] == ["Casablanca", "Marrakech"]
    for store in stores:
        assert store.phone.startswith("+212")
        assert store.opening_periods.count() == 7
        carried = store.stockrecords.count()
        assert 0 < carried < Product.objects.count()
    prices = StockRecord.objects.values_list("price_currency", flat=True).distinct()
    assert list(prices) == ["MAD"]
    assert Region.DRAA_TAFILALET in set(
        Product.objects.values_list("origin_region", flat=True)
    )


@pytest.mark.parametrize(
    ("email", "password"), [(email, password) for _, email, password in DEMO_LOGINS]
)
def test_demo_users_log_in_with_the_documented_passwords(demo, email, password):
    """Every demo login printed by demo_server works."""
    assert authenticate(username=email, password=password) is not None
    assert authenticate(username=email, password="wrong-password") is None


def test_office_staff_reach_the_dashboard_and_the_wagtail_admin(demo, client):
    """Office staff can open the Oscar dashboard and the Wagtail admin."""
    client.login(username="office@terroir.ma", password="terroir-office")
    assert client.get(reverse("dashboard:index")).status_code == 200
    response = client.get("/cms/")
    assert response.status_code == 200
    assert b"Wagtail" in response.content


def test_store_staff_belong_to_their_store_but_not_to_the_office(demo, client):
    """Store staff are linked to their own store and refused by the dashboard,
    with the way back to their counter."""
    casablanca = Partner.objects.get(code="boutique-casablanca")
    assert {u.email for u in casablanca.users.all()} == {
        "casablanca@terroir.ma",
        "gerant.casablanca@terroir.ma",
        "renfort@terroir.ma",
    }
    client.login(username="casablanca@terroir.ma", password="terroir-store")
    refused = client.get(reverse("dashboard:index"))
    assert refused.status_code == 403
    assert f'href="{reverse("instore:landing")}"' in refused.content.decode()
    assert client.get(reverse("instore:landing")).url == reverse(
        "instore:counter", kwargs={"store": "boutique-casablanca"}
    )
    wagtail = client.get("/cms/")
    assert wagtail.status_code == 302
    assert wagtail.url.startswith("/cms/login/")


def test_the_demo_has_each_role(demo, client):
    """Office staff, store staff and a store manager are in their role groups;
    the relief staff member of both stores picks a store."""
    from shop.roles import roles
    from shop.roles.selectors import user_role_get

    users = {u.email: u for u in get_user_model().objects.all()}
    assert user_role_get(user=users["office@terroir.ma"]) == roles.OFFICE_STAFF
    assert user_role_get(user=users["marrakech@terroir.ma"]) == roles.STORE_STAFF
    assert (
        user_role_get(user=users["gerant.casablanca@terroir.ma"]) == roles.STORE_MANAGER
    )
    assert user_role_get(user=users["client@terroir.ma"]) is None
    client.login(username="renfort@terroir.ma", password="terroir-store")
    picker = client.get(reverse("instore:landing"))
    assert picker.status_code == 200
    assert "Boutique Terroir Casablanca" in picker.content.decode()
    assert "Boutique Terroir Marrakech" in picker.content.decode()


def test_the_demo_has_wholesale_companies_in_every_state(demo):
    """Two approved companies (a Casablanca chain in MAD, a French importer in
    EUR), one application awaiting review, and requests in several states."""
    from shop.wholesale.models import Application, Company, QuoteRequest

    assert "Wholesale: 2 companies created" in demo[0]["output"]
    assert dict(Company.objects.values_list("name", "currency")) == {
        "Souk Moderne SA": "MAD",
        "Saveurs de l'Atlas SARL": "EUR",
    }
    assert Application.objects.filter(status="pending").count() == 1
    assert set(QuoteRequest.objects.values_list("status", flat=True)) == {
        "draft",
        "submitted",
        "quoted",
        "revision_requested",
        "converted",
    }


def test_every_demo_text_reads_in_arabic_and_english(demo):
    """Every demo product, category, attribute and cooperative has its Arabic and
    English name (and product descriptions, cooperative stories), composed like the
    French ones: "زيت أركان غذائي 250 مل – تيغانيمين"."""
    from catalog.models import Category, Cooperative, ProductAttribute

    for model, fields in [
        (Product, ["title", "description"]),
        (Category, ["name"]),
        (ProductAttribute, ["name"]),
        (Cooperative, ["name", "story"]),
    ]:
        for field in fields:
            for language in ("ar", "en"):
                missing = model.objects.filter(
                    **{f"{field}_{language}__isnull": True}
                ) | model.objects.filter(**{f"{field}_{language}": ""})
                assert not missing.exists(), (model.__name__, field, language)
    argan = Product.objects.get(upc="ARGALI-TGH-250")
    assert argan.title_fr == "Huile d'argane alimentaire 250 ml – Tighanimine"
    assert argan.title_ar == "زيت أركان غذائي 250 مل – تيغانيمين"
    assert argan.title_en == "Culinary argan oil 250 ml – Tighanimine"
    arabic = re.compile("[\u0600-\u06ff]")
    assert all(
        arabic.search(title)
        for title in Product.objects.values_list("title_ar", flat=True)
    )
    with translation.override("ar"):
        assert Category.objects.get(pk=argan.categories.get().pk).name == "زيت الأركان"
