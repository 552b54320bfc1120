import datetime

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from django.utils import timezone, translation
from oscar.apps.catalogue.categories import create_from_breadcrumbs
from oscar.test.factories import ProductClassFactory

from catalog.dashboard.forms import MAX_CERTIFICATE_BYTES
from catalog.models import Category, Certification, Cooperative, Product, Region
from tests.factories import (
    CertificationFactory,
    CooperativeFactory,
    CustomerFactory,
    OfficeStaffFactory,
    ProductFactory,
    StoreStaffFactory,
)

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("english")]


PDF_BYTES = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


@pytest.fixture
def office(client):
    client.force_login(OfficeStaffFactory())
    return client


def certification_data(**overrides):
    today = timezone.localdate()
    return {
        "scheme": Certification.Scheme.IGP,
        "name": "Huile d'argane",
        "certificate_number": "MA-IGP-0042",
        "certifying_body": "Normacert",
        "valid_from": today.isoformat(),
        "valid_until": (today + datetime.timedelta(days=365)).isoformat(),
        **overrides,
    }


def dashboard_urls():
    cooperative = CooperativeFactory()
    certification = CertificationFactory(cooperative=cooperative)
    return [
        reverse("dashboard:cooperative-list"),
        reverse("dashboard:cooperative-create"),
        reverse("dashboard:cooperative-update", kwargs={"pk": cooperative.pk}),
        reverse("dashboard:certification-create", kwargs={"pk": cooperative.pk}),
        reverse("dashboard:certification-update", kwargs={"pk": certification.pk}),
        reverse("dashboard:certification-delete", kwargs={"pk": certification.pk}),
        reverse("dashboard:certification-expiring-list"),
    ]


def test_anonymous_visitors_are_sent_to_the_login_page(client):
    """Nobody reaches cooperative management without logging in."""
    for url in dashboard_urls():
        response = client.get(url)
        assert response.status_code == 302, url
        assert reverse("dashboard:login") in response["Location"]


@pytest.mark.parametrize("role", [CustomerFactory, StoreStaffFactory])
def test_customers_and_store_staff_are_refused(client, role):
    """Shoppers and pilot-store staff cannot manage cooperatives."""
    client.force_login(role())
    for url in dashboard_urls():
        assert client.get(url).status_code == 403, url
    before = Cooperative.objects.count()

    response = client.post(
        reverse("dashboard:cooperative-create"),
        {
            "name": "Intruse",
            "region": Region.ORIENTAL,
            "members": 1,
            "status": "active",
        },
    )

    assert response.status_code == 403
    assert Cooperative.objects.count() == before


def test_office_staff_reach_every_cooperative_page(office):
    """Office staff open the list, forms, deletion and expiring pages."""
    for url in dashboard_urls():
        assert office.get(url).status_code == 200, url


def test_dashboard_navigation_offers_cooperatives_to_office_staff(office):
    """The dashboard menu has a Cooperatives entry with its expiring list."""
    content = office.get(reverse("dashboard:index")).content.decode()

    assert reverse("dashboard:cooperative-list") in content
    assert reverse("dashboard:certification-expiring-list") in content


def test_list_searches_name_city_and_registration_number(office):
    """One search box finds a cooperative by name, city or registration number."""
    CooperativeFactory(name="Tighanimine", city="Agadir", legal_number="AG-111")
    CooperativeFactory(name="Ajddigue", city="Essaouira", legal_number="ES-222")
    url = reverse("dashboard:cooperative-list")

    for query in ["tighan", "agadir", "AG-111"]:
        content = office.get(url, {"q": query}).content.decode()
        assert "Tighanimine" in content, query
        assert "Ajddigue" not in content, query


def test_list_filters_by_region(office):
    """Choosing a region shows only that region's cooperatives."""
    CooperativeFactory(name="Dattes d'Erfoud", region=Region.DRAA_TAFILALET)
    CooperativeFactory(name="Safran Souktana", region=Region.SOUSS_MASSA)

    content = office.get(
        reverse("dashboard:cooperative-list"), {"region": Region.DRAA_TAFILALET}
    ).content.decode()

    assert "Dattes d&#x27;Erfoud" in content
    assert "Safran Souktana" not in content


def test_list_is_paginated(office):
    """Long lists are split into pages of twenty."""
    CooperativeFactory.create_batch(25)
    url = reverse("dashboard:cooperative-list")

    first = office.get(url)
    second = office.get(url, {"page": 2})

    assert len(first.context["cooperatives"]) == 20
    assert len(second.context["cooperatives"]) == 5


def test_office_staff_create_a_cooperative_with_a_generated_slug(office):
    """A new cooperative is saved and its web address derived from its name."""
    response = office.post(
        reverse("dashboard:cooperative-create"),
        {
            "name_fr": "Coopérative Amal",
            "slug": "",
            "legal_number": "TZ-2004-17",
            "region": Region.SOUSS_MASSA,
            "city": "Tamanar",
            "members": 60,
            "women_members": 60,
            "status": Cooperative.Status.ACTIVE,
        },
        follow=True,
    )

    cooperative = Cooperative.objects.get(name_fr="Coopérative Amal")
    assert cooperative.slug == "cooperative-amal"
    assert "Coopérative Amal" in response.content.decode()


def test_cooperative_form_rerenders_with_a_clear_error(office):
    """More women members than members is refused with an explanation."""
    response = office.post(
        reverse("dashboard:cooperative-create"),
        {
            "name_fr": "Coopérative Nour",
            "region": Region.FES_MEKNES,
            "members": 10,
            "women_members": 12,
            "status": Cooperative.Status.ACTIVE,
        },
    )

    assert response.status_code == 200
    assert not Cooperative.objects.filter(name_fr="Coopérative Nour").exists()
    assert response.context["form"].errors["women_members"]


def test_office_staff_edit_a_cooperative(office):
    """Changing a cooperative's city is saved."""
    cooperative = CooperativeFactory(city="Taliouine")
    data = {
        "name_fr": cooperative.name,
        "slug": cooperative.slug,
        "region": cooperative.region,
        "city": "Taznakht",
        "members": cooperative.members,
        "women_members": cooperative.women_members,
        "status": cooperative.status,
    }

    office.post(
        reverse("dashboard:cooperative-update", kwargs={"pk": cooperative.pk}), data
    )

    cooperative.refresh_from_db()
    assert cooperative.city == "Taznakht"


def test_certification_covers_only_products_of_its_cooperative(office):
    """The form offers the cooperative's products and refuses another's."""
    cooperative = CooperativeFactory()
    own = ProductFactory(cooperative=cooperative, title="Huile d'argane 250 ml")
    other = ProductFactory(title="Miel d'euphorbe")
    url = reverse("dashboard:certification-create", kwargs={"pk": cooperative.pk})

    page = office.get(url).content.decode()
    refused = office.post(url, certification_data(products=[other.pk]))
    accepted = office.post(url, certification_data(products=[own.pk]))

    assert "Huile d&#x27;argane 250 ml" in page
    assert "Miel d&#x27;euphorbe" not in page
    assert refused.context["form"].errors["products"]
    assert accepted.status_code == 302
    certification = Certification.objects.get(certificate_number="MA-IGP-0042")
    assert certification.cooperative == cooperative
    assert list(certification.products.all()) == [own]


def test_certification_dates_must_be_in_order(office):
    """A certification cannot end before it starts."""
    cooperative = CooperativeFactory()
    today = timezone.localdate()

    response = office.post(
        reverse("dashboard:certification-create", kwargs={"pk": cooperative.pk}),
        certification_data(
            valid_from=today.isoformat(),
            valid_until=(today - datetime.timedelta(days=1)).isoformat(),
        ),
    )

    assert response.status_code == 200
    assert response.context["form"].errors["valid_until"] == [
        "The end of validity must follow its start."
    ]
    assert not Certification.objects.exists()


@pytest.mark.parametrize(
    ("upload", "expected"),
    [
        (SimpleUploadedFile("certificat.pdf", PDF_BYTES, "application/pdf"), None),
        (
            SimpleUploadedFile(
                "certificat.pdf", b"GIF89a not a pdf", "application/pdf"
            ),
            "not a PDF",
        ),
        (SimpleUploadedFile("certificat.txt", PDF_BYTES, "text/plain"), "“txt”"),
        (
            SimpleUploadedFile(
                "enorme.pdf",
                PDF_BYTES + b"0" * MAX_CERTIFICATE_BYTES,
                "application/pdf",
            ),
            "too large",
        ),
    ],
    ids=["pdf", "fake-pdf", "wrong-extension", "too-large"],
)
def test_certificate_upload_must_be_a_reasonable_pdf(office, upload, expected):
    """Only a real PDF of at most 5 MB is stored as the certificate."""
    cooperative = CooperativeFactory()
    url = reverse("dashboard:certification-create", kwargs={"pk": cooperative.pk})

    response = office.post(url, {**certification_data(), "document": upload})

    if expected is None:
        assert response.status_code == 302
        assert Certification.objects.get().document.name.endswith(".pdf")
    else:
        assert response.status_code == 200
        assert expected in " ".join(response.context["form"].errors["document"])
        assert not Certification.objects.exists()


def test_editing_a_certification_keeps_its_certificate(office):
    """Extending a validity without re-uploading keeps the stored PDF."""
    certification = CertificationFactory(
        document=SimpleUploadedFile("certificat.pdf", PDF_BYTES)
    )
    stored = certification.document.name
    new_end = timezone.localdate() + datetime.timedelta(days=900)

    response = office.post(
        reverse("dashboard:certification-update", kwargs={"pk": certification.pk}),
        certification_data(
            certificate_number=certification.certificate_number,
            valid_until=new_end.isoformat(),
        ),
    )

    assert response.status_code == 302
    certification.refresh_from_db()
    assert certification.valid_until == new_end
    assert certification.document.name == stored


def test_deleting_a_certification_asks_for_confirmation(office):
    """Deletion shows a confirmation first and removes the label only on POST."""
    certification = CertificationFactory(name="Rose de Kelâat M'Gouna-Dadès")
    url = reverse("dashboard:certification-delete", kwargs={"pk": certification.pk})

    confirmation = office.get(url)
    assert Certification.objects.filter(pk=certification.pk).exists()
    assert "Rose de Kelâat M&#x27;Gouna-Dadès" in confirmation.content.decode()

    office.post(url)
    assert not Certification.objects.filter(pk=certification.pk).exists()


def test_expiring_list_shows_certifications_ending_within_sixty_days(office):
    """Staff see what to renew soon, not what is long valid or already over."""
    today = timezone.localdate()
    CertificationFactory(
        name="Expire bientôt", valid_until=today + datetime.timedelta(days=30)
    )
    CertificationFactory(
        name="Expire au jour 60", valid_until=today + datetime.timedelta(days=60)
    )
    CertificationFactory(
        name="Valide longtemps", valid_until=today + datetime.timedelta(days=61)
    )
    CertificationFactory(
        name="Déjà expiré",
        valid_from=today - datetime.timedelta(days=400),
        valid_until=today - datetime.timedelta(days=1),
    )

    content = office.get(
        reverse("dashboard:certification-expiring-list")
    ).content.decode()

    assert "Expire bientôt" in content
    assert "Expire au jour 60" in content
    assert "Valide longtemps" not in content
    assert "Déjà expiré" not in content


def test_dashboard_product_form_requires_and_saves_the_cooperative(client):
    """The dashboard product form asks for the cooperative and saves provenance."""
    client.force_login(OfficeStaffFactory())
    product_class = ProductClassFactory(name="Huiles", slug="huiles", track_stock=False)
    cooperative = CooperativeFactory()
    url = reverse(
        "dashboard:catalogue-product-create",
        kwargs={"product_class_slug": product_class.slug},
    )
    data = {
        "title_fr": "Amlou aux amandes 250 g",
        "structure": Product.STANDALONE,
        "is_public": "on",
        "origin_region": Region.SOUSS_MASSA,
        "hs_code": "200819",
        "wholesale_pack_size": 12,
        "minimum_order_quantity": 24,
        "stockrecords-TOTAL_FORMS": 0,
        "stockrecords-INITIAL_FORMS": 0,
        "productcategory_set-TOTAL_FORMS": 1,
        "productcategory_set-INITIAL_FORMS": 0,
        "productcategory_set-0-category": create_from_breadcrumbs("Huiles > Argane").pk,
        "images-TOTAL_FORMS": 0,
        "images-INITIAL_FORMS": 0,
        "primary_recommendations-TOTAL_FORMS": 0,
        "primary_recommendations-INITIAL_FORMS": 0,
    }

    form_page = client.get(url).content.decode()
    missing = client.post(url, data)
    created = client.post(url, {**data, "cooperative": cooperative.pk})

    assert 'name="cooperative"' in form_page
    assert 'name="cold_chain"' in form_page
    assert missing.status_code == 200
    assert missing.context["form"].errors["cooperative"] == [
        "Choose the producing cooperative."
    ]
    assert created.status_code == 302
    product = Product.objects.get(title_fr="Amlou aux amandes 250 g")
    assert product.cooperative == cooperative
    assert (product.hs_code, product.minimum_order_quantity) == ("200819", 24)


def test_staff_write_a_product_in_three_languages(client):
    """The product form has a title and a description per language and saves
    them; a title left blank reads in French."""
    client.force_login(OfficeStaffFactory())
    product_class = ProductClassFactory(name="Huiles", slug="huiles", track_stock=False)
    url = reverse(
        "dashboard:catalogue-product-create",
        kwargs={"product_class_slug": product_class.slug},
    )
    data = {
        "title_fr": "Amlou aux amandes 250 g",
        "title_ar": "أملو باللوز 250 غ",
        "title_en": "",
        "description_fr": "Amandes, argan et miel.",
        "description_en": "Almonds, argan and honey.",
        "structure": Product.STANDALONE,
        "is_public": "on",
        "cooperative": CooperativeFactory().pk,
        "wholesale_pack_size": 12,
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
    }

    form_page = client.get(url).content.decode()
    created = client.post(url, data)

    for name in ("title_fr", "title_ar", "title_en", "description_ar"):
        assert f'name="{name}"' in form_page
    assert created.status_code == 302
    product = Product.objects.get(title_fr="Amlou aux amandes 250 g")
    assert product.title_ar == "أملو باللوز 250 غ"
    assert product.description_en == "Almonds, argan and honey."
    with translation.override("en"):
        assert product.title == "Amlou aux amandes 250 g"
    with translation.override("ar"):
        assert product.title == "أملو باللوز 250 غ"


def test_staff_name_a_category_in_three_languages(office):
    """The category form saves a name per language; the French one is required."""
    url = reverse("dashboard:catalogue-category-create")
    data = {"treebeard_position": "first-child", "treebeard_ref_node": ""}

    form_page = office.get(url).content.decode()
    missing = office.post(url, {**data, "name_ar": "عسل"})
    created = office.post(
        url, {**data, "name_fr": "Miels", "name_ar": "عسل", "name_en": "Honey"}
    )

    assert 'name="name_ar"' in form_page
    assert 'name="description_en"' in form_page
    assert missing.status_code == 200
    assert missing.context["form"].errors["name_fr"]
    assert created.status_code == 302
    category = Category.objects.get(name_fr="Miels")
    assert (category.name_ar, category.name_en) == ("عسل", "Honey")
    assert category.slug == "miels"


def test_office_staff_tell_a_cooperative_story_in_three_languages(office):
    """The cooperative form saves its name and story per language."""
    response = office.post(
        reverse("dashboard:cooperative-create"),
        {
            "name_fr": "Coopérative Amal",
            "name_ar": "تعاونية أمل",
            "name_en": "Amal Cooperative",
            "story_fr": "Fondée en 2004.",
            "story_ar": "تأسست سنة 2004.",
            "story_en": "Founded in 2004.",
            "slug": "",
            "region": Region.SOUSS_MASSA,
            "members": 60,
            "women_members": 60,
            "status": Cooperative.Status.ACTIVE,
        },
    )

    assert response.status_code == 302
    cooperative = Cooperative.objects.get(slug="cooperative-amal")
    assert cooperative.name_ar == "تعاونية أمل"
    assert cooperative.story_en == "Founded in 2004."
    form_page = office.get(
        reverse("dashboard:cooperative-update", kwargs={"pk": cooperative.pk})
    ).content.decode()
    assert "تأسست سنة 2004." in form_page


def test_staff_name_attributes_and_options_in_three_languages():
    """Product type attributes and option values have a field per language."""
    from oscar.core.loading import get_class

    attribute_form = get_class("dashboard.catalogue.forms", "ProductAttributesForm")
    option_form = get_class("dashboard.catalogue.forms", "AttributeOptionForm")
    form = attribute_form(
        data={"name_fr": "Poids net", "name_ar": "الوزن", "type": "integer"}
    )

    assert form.is_valid(), form.errors
    assert form.cleaned_data["code"] == "poids_net"
    assert {"option_fr", "option_ar", "option_en"} <= set(option_form().fields)
    assert option_form().fields["option_fr"].required
