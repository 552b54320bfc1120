"""Staff HTML (descriptions, stories) keeps a rich-text subset: no script reaches
shoppers, whether it came through the dashboard, the spreadsheet import or a
row written before cleaning existed."""

import io

import pytest
from django.conf import settings
from django.contrib.flatpages.models import FlatPage
from django.core.management import call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader
from django.test import Client
from django.urls import reverse
from django.utils import translation
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.test.factories import (
    ConditionalOfferFactory,
    ProductClassFactory,
    RangeFactory,
)

from catalog import services
from catalog.models import Category, Cooperative, Product, Region
from catalog.sanitising import html_sanitise
from search import services as search_services
from shop.partner.models import Partner
from tests.factories import (
    CooperativeFactory,
    OfficeStaffFactory,
    ProductFactory,
    StockRecordFactory,
)

pytestmark = pytest.mark.django_db

HOSTILE = (
    "<p>Miel de <strong>thym</strong> du Haut Atlas.</p>"
    "<script>alert(1)</script>"
    '<img src="x" onerror="alert(2)">'
    '<p onclick="alert(3)"><a href="javascript:alert(4)">ici</a></p>'
)


def assert_harmless(html: str):
    """None of HOSTILE's script, handlers, image or javascript: link is left."""
    for trace in (
        "<script>alert",
        "onerror=",
        "onclick=",
        "javascript:",
        '<img src="x"',
    ):
        assert trace not in html


@pytest.fixture
def office(client):
    client.force_login(OfficeStaffFactory())
    return client


def product_created(client, **fields) -> Product:
    """Create a product through the dashboard form, as office staff do."""
    product_class = ProductClassFactory(name="Miels", slug="miels", track_stock=False)
    url = reverse(
        "dashboard:catalogue-product-create",
        kwargs={"product_class_slug": product_class.slug},
    )
    response = client.post(
        url,
        {
            "title_fr": "Miel de thym 250 g",
            "structure": Product.STANDALONE,
            "is_public": "on",
            "cooperative": CooperativeFactory().pk,
            "wholesale_pack_size": 1,
            "minimum_order_quantity": 1,
            "stockrecords-TOTAL_FORMS": 0,
            "stockrecords-INITIAL_FORMS": 0,
            "productcategory_set-TOTAL_FORMS": 1,
            "productcategory_set-INITIAL_FORMS": 0,
            "productcategory_set-0-category": create_from_breadcrumbs("Miels").pk,
            "images-TOTAL_FORMS": 0,
            "images-INITIAL_FORMS": 0,
            "primary_recommendations-TOTAL_FORMS": 0,
            "primary_recommendations-INITIAL_FORMS": 0,
            **fields,
        },
    )
    assert response.status_code == 302
    return Product.objects.get(title_fr="Miel de thym 250 g")


def test_the_allowed_subset_is_kept_and_links_are_made_safe():
    """Paragraphs, emphasis, lists, headings and web or mail links stay; links
    get rel="noopener noreferrer"."""
    html = (
        "<h2>Origine</h2><p><em>Récolté</em> à la main<br>en été.</p>"
        "<ul><li>Bio</li></ul><blockquote>Un goût rare</blockquote>"
        '<a href="https://terroir.ma/" target="_blank" style="color:red">site</a>'
        '<a href="mailto:office@terroir.ma">écrire</a>'
        '<iframe src="https://evil.example"></iframe><form action="x"></form>'
    )

    cleaned = html_sanitise(html)

    assert cleaned == (
        "<h2>Origine</h2><p><em>Récolté</em> à la main<br>en été.</p>"
        "<ul><li>Bio</li></ul><blockquote>Un goût rare</blockquote>"
        '<a href="https://terroir.ma/" rel="noopener noreferrer">site</a>'
        '<a href="mailto:office@terroir.ma" rel="noopener noreferrer">écrire</a>'
    )
    assert html_sanitise(cleaned) == cleaned


def test_a_description_saved_in_the_dashboard_shows_no_script_anywhere(office):
    """Staff paste a description with a script and an image error handler: the
    product page, its category page and the search results show the text and
    keep neither."""
    product = product_created(office, description_fr=HOSTILE, description_ar=HOSTILE)

    for stored in (product.description_fr, product.description_ar):
        assert_harmless(stored)
        assert "<strong>thym</strong>" in stored
    StockRecordFactory(product=product, num_in_stock=5)
    search_services.index_rebuild()
    urls = {
        "product": product.get_absolute_url(),
        "category": product.get_categories().first().get_absolute_url(),
        "search": reverse("search:search") + "?q=thym",
        "product in Arabic": product.get_absolute_url().replace("/fr/", "/ar/", 1),
    }
    pages = {name: Client().get(url) for name, url in urls.items()}
    for name, page in pages.items():
        assert page.status_code == 200, name
        assert_harmless(page.content.decode())
    assert "<strong>thym</strong>" in pages["product"].content.decode()
    assert "Miel de <mark>thym</mark> 250 g" in pages["search"].content.decode()


def test_a_category_description_saved_in_the_dashboard_is_cleaned(office):
    category = ProductFactory().get_categories().first()
    url = reverse("dashboard:catalogue-category-update", kwargs={"pk": category.pk})

    response = office.post(
        url,
        {
            "name_fr": category.name_fr,
            "description_fr": HOSTILE,
            "is_public": "on",
            "treebeard_position": "first-child",
            "treebeard_ref_node": "",
        },
    )

    assert response.status_code == 302
    category.refresh_from_db()
    assert_harmless(category.description_fr)
    response = Client().get(category.get_absolute_url())
    page = response.content.decode()
    assert response.status_code == 200
    assert "Miel de <strong>thym</strong> du Haut Atlas." in page
    assert_harmless(page)


def test_a_cooperative_story_saved_in_the_dashboard_is_cleaned(office):
    cooperative = CooperativeFactory(name="Coopérative Amal")

    office.post(
        reverse("dashboard:cooperative-update", kwargs={"pk": cooperative.pk}),
        {
            "name_fr": "Coopérative Amal",
            "slug": cooperative.slug,
            "story_fr": HOSTILE,
            "story_en": "<p>Founded in 2004.</p><script>alert(1)</script>",
            "region": Region.SOUSS_MASSA,
            "members": 60,
            "women_members": 60,
            "status": Cooperative.Status.ACTIVE,
        },
    )

    cooperative.refresh_from_db()
    assert_harmless(cooperative.story_fr)
    assert cooperative.story_en == "<p>Founded in 2004.</p>"


def test_the_catalogue_import_cleans_descriptions_and_a_reimport_changes_nothing(
    tmp_path,
):
    services.product_class_upsert(name="Épicerie fine", attributes=[])
    services.stock_location_upsert(
        code="entrepot-agadir", name="Entrepôt d'Agadir", kind=Partner.Kind.WAREHOUSE
    )
    path = tmp_path / "catalogue.csv"
    path.write_text(
        "sku;title;description;description_en;category;product_class;"
        "cooperative_slug;cooperative_name;cooperative_region;price_mad;stock;"
        "warehouse\n"
        f'X-1;Miel de thym 250 g;"{HOSTILE.replace(chr(34), chr(34) * 2)}";'
        "<p>Thyme & honey</p><script>alert(1)</script>;Miels;Épicerie fine;"
        "coop-miel;Coopérative Miel;Béni Mellal-Khénifra;90;3;entrepot-agadir\n",
        encoding="utf-8",
    )

    def run_import():
        out = io.StringIO()
        with translation.override("en"):
            call_command(
                "import_catalogue", str(path), stdout=out, stderr=io.StringIO()
            )
        return out.getvalue()

    run_import()
    again = run_import()

    product = Product.objects.get(upc="X-1")
    assert_harmless(product.description_fr)
    assert "<strong>thym</strong>" in product.description_fr
    assert product.description_en == "<p>Thyme &amp; honey</p>"
    assert "1 rows: 0 created, 0 updated, 1 unchanged, 0 errors" in again


def test_a_row_written_without_saving_is_cleaned_when_shown(client):
    """A bulk update sends no signal: the page still prints the cleaned text."""
    product = ProductFactory()
    category = product.get_categories().first()
    Product.objects.filter(pk=product.pk).update(description_fr=HOSTILE)
    Category.objects.filter(pk=category.pk).update(description_fr=HOSTILE)

    product_page = client.get(product.get_absolute_url()).content.decode()
    category_page = client.get(category.get_absolute_url()).content.decode()

    assert "Miel de <strong>thym</strong> du Haut Atlas." in product_page
    assert "Miel de <strong>thym</strong> du Haut Atlas." in category_page
    assert_harmless(product_page)
    assert_harmless(category_page)


def test_the_migration_cleans_rows_saved_before():
    """Descriptions stored raw before sanitising existed are cleaned once."""
    migration = MigrationLoader(connection).get_migration(
        "catalogue", "0036_sanitise_staff_html"
    )
    product = ProductFactory()
    Product.objects.filter(pk=product.pk).update(
        description_fr=HOSTILE, description_ar="<script>alert(1)</script>عسل"
    )
    state = MigrationLoader(connection).project_state(
        ("catalogue", "0036_sanitise_staff_html")
    )

    migration.operations[0].code(state.apps, None)

    product.refresh_from_db()
    assert_harmless(product.description_fr)
    assert product.description_ar == "عسل"


def test_offer_and_range_descriptions_are_cleaned_when_saved():
    """Oscar prints them as they are on the offers pages shoppers see."""
    offer = ConditionalOfferFactory(description=HOSTILE)
    product_range = RangeFactory(description=HOSTILE)

    offer.refresh_from_db()
    product_range.refresh_from_db()
    assert_harmless(offer.description)
    assert_harmless(product_range.description)
    assert "<strong>thym</strong>" in offer.description


def test_a_page_saved_in_the_dashboard_is_cleaned(office):
    response = office.post(
        reverse("dashboard:page-create"),
        {"title": "Conditions", "url": "/conditions/", "content": HOSTILE},
    )

    assert response.status_code == 302
    page = FlatPage.objects.get(url="/conditions/")
    assert_harmless(page.content)
    assert "<strong>thym</strong>" in page.content


def test_a_page_written_without_saving_is_cleaned_when_shown(client):
    page = FlatPage.objects.create(url="/conditions/", title="Conditions")
    page.sites.add(settings.SITE_ID)
    FlatPage.objects.filter(pk=page.pk).update(content=HOSTILE)

    response = client.get("/conditions/", follow=True)

    assert response.status_code == 200
    html = response.content.decode()
    assert "<strong>thym</strong>" in html
    assert_harmless(html)
