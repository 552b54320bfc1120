import json
import re
from decimal import Decimal

import pytest
from django.utils import translation

from tests.cms.builders import showcase_tree
from tests.factories import ProductFactory


@pytest.fixture
def showcase(db):
    tree = showcase_tree()
    category = tree.product.categories.get()
    category.name_fr, category.name_ar, category.name_en = "Huiles", "زيوت", "Oils"
    category.save()
    tree.category = category
    tree.hidden = ProductFactory(
        title="Produit retiré",
        cooperative=tree.cooperative,
        is_public=False,
        stockrecords__price=Decimal("10.00"),
    )
    return tree


def url_in(code, obj):
    with translation.override(code):
        return obj.get_absolute_url()


def head_links(html: str) -> dict[str, str]:
    return dict(
        re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html)
    )


def canonical(html: str) -> str:
    found = re.findall(r'<link rel="canonical" href="([^"]+)">', html)
    assert len(found) == 1
    return found[0]


def meta(html: str, name: str) -> str:
    found = re.findall(rf'<meta (?:name|property)="{name}" content="([^"]*)">', html)
    assert len(found) == 1, name
    return found[0]


def title(html: str) -> str:
    found = re.findall(r"<title>(.*?)</title>", html, flags=re.S)
    assert len(found) == 1
    return found[0]


def json_ld(html: str) -> list[dict]:
    blocks = re.findall(
        r'<script type="application/ld\+json">(.*?)</script>', html, flags=re.S
    )
    return [json.loads(block) for block in blocks]


def of_type(html: str, kind: str) -> dict:
    found = [data for data in json_ld(html) if data["@type"] == kind]
    assert len(found) == 1, kind
    assert found[0]["@context"] == "https://schema.org/"
    return found[0]
