"""Catalogue texts read in the shopper's language, French when not translated."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import translation
from oscar.apps.catalogue.categories import create_from_breadcrumbs

from tests.factories import CooperativeFactory, ProductFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def amlou():
    cooperative = CooperativeFactory(
        name="Coopérative Amal de Tiznit",
        name_ar="تعاونية أمل تيزنيت",
        name_en="Amal Cooperative of Tiznit",
    )
    product = ProductFactory(
        title="Amlou traditionnel aux amandes 250 g – Amal Tiznit",
        title_ar="أملو تقليدي باللوز 250 غ – أمل تيزنيت",
        title_en="Traditional almond amlou 250 g – Amal Tiznit",
        description="Amandes torréfiées, huile d'argane et miel.",
        description_ar="لوز محمّص وزيت أركان وعسل.",
        cooperative=cooperative,
    )
    category = create_from_breadcrumbs("Amlou et pâtes à tartiner")
    category.name_ar = "أملو ودهون حلوة"
    category.save()
    product.categories.add(category)
    return product


def _page(client, product, language):
    with translation.override(language):
        url = product.get_absolute_url()
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_arabic_page_shows_the_arabic_title_story_and_category(client, amlou):
    """On /ar/ the product reads in Arabic: title, description, cooperative and
    category."""
    html = _page(client, amlou, "ar")
    assert "أملو تقليدي باللوز 250 غ – أمل تيزنيت" in html
    assert "لوز محمّص وزيت أركان وعسل." in html
    assert "تعاونية أمل تيزنيت" in html
    assert "أملو ودهون حلوة" in html
    assert "Amlou traditionnel aux amandes" not in html


def test_the_english_page_falls_back_to_french_where_untranslated(client, amlou):
    """On /en/ the English title shows; the description, not translated, is French."""
    html = _page(client, amlou, "en")
    assert "Traditional almond amlou 250 g – Amal Tiznit" in html
    assert "Amandes torréfiées, huile d&#x27;argane et miel." in html
    assert "Amlou et pâtes à tartiner" in html


def test_the_french_page_is_unchanged(client, amlou):
    """French shoppers read the French texts."""
    html = _page(client, amlou, "fr")
    assert "Amlou traditionnel aux amandes 250 g – Amal Tiznit" in html
    assert "أملو تقليدي" not in html


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_the_current_texts_as_french():
    """Texts written before the translations existed become the French ones."""
    executor = MigrationExecutor(connection)
    before = [("catalogue", "0033_cooperative_certification_product_provenance")]
    after = [("catalogue", "0035_french_texts_from_current_values")]
    executor.migrate(before)
    try:
        old = executor.loader.project_state(before).apps
        cooperative = old.get_model("catalogue", "Cooperative").objects.create(
            name="Coopérative Souktana", slug="souktana", region="souss-massa",
            story="Doyenne des coopératives safranières.",
        )  # fmt: skip
        old.get_model("catalogue", "Product").objects.create(
            title="Safran de Taliouine 1 g", slug="safran", structure="standalone",
            description="Pistils entiers.", cooperative_id=cooperative.pk,
        )  # fmt: skip
        old.get_model("catalogue", "Category").objects.create(
            name="Safran", slug="safran", path="0009", depth=1, description="AOP."
        )
        executor = MigrationExecutor(connection)
        executor.migrate(after)
        new = executor.loader.project_state(after).apps
        product = new.get_model("catalogue", "Product").objects.get(slug="safran")
        category = new.get_model("catalogue", "Category").objects.get(path="0009")
        cooperative = new.get_model("catalogue", "Cooperative").objects.get(
            slug="souktana"
        )
        assert (product.title_fr, product.description_fr) == (
            "Safran de Taliouine 1 g",
            "Pistils entiers.",
        )
        assert product.title_ar is None
        assert (category.name_fr, category.description_fr) == ("Safran", "AOP.")
        assert cooperative.name_fr == "Coopérative Souktana"
        assert cooperative.story_fr == "Doyenne des coopératives safranières."
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        executor.migrate(executor.loader.graph.leaf_nodes())
