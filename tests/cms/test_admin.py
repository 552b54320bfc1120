"""Editors build showcase pages in the Wagtail admin; shoppers cannot get in."""

import pytest
from django.contrib.auth.models import Group, Permission
from oscar.test.factories import UserFactory
from wagtail.models import GroupPagePermission
from wagtail.test.utils.form_data import nested_form_data, rich_text, streamfield

from cms.models import (
    ArticleIndexPage,
    ArticlePage,
    CooperativeIndexPage,
    CooperativePage,
    HomePage,
    StandardPage,
    StoreIndexPage,
    StorePage,
)
from tests.cms.builders import locales, root_page, site_home
from tests.factories import (
    CooperativeFactory,
    PilotStoreFactory,
    ProductFactory,
    WarehouseFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor():
    """A member of the office's editors: admin access, may add and publish pages."""
    group = Group.objects.create(name="Éditeurs Terroir")
    group.permissions.add(Permission.objects.get(codename="access_admin"))
    root = root_page()
    for codename in ("add_page", "change_page", "publish_page"):
        GroupPagePermission.objects.create(
            group=group, page=root, permission=Permission.objects.get(codename=codename)
        )
    user = UserFactory(email="office@terroir.ma")
    user.groups.add(group)
    return user


def test_anonymous_visitor_is_sent_to_the_admin_login(client):
    """An anonymous visitor asking for /cms/ lands on the login form."""
    response = client.get("/cms/", follow=True)
    assert response.redirect_chain[0][0].startswith("/cms/login/")
    assert b'name="password"' in response.content


def test_customer_cannot_reach_the_admin(client):
    """A signed-in customer is refused the admin and told why."""
    client.force_login(UserFactory(email="client@terroir.ma"))
    response = client.get("/cms/", follow=True)
    assert response.redirect_chain, "the customer was let into the admin"
    assert response.redirect_chain[-1][0].startswith("/cms/login/")
    assert (
        "Vous n’avez pas l’autorisation d’accéder à l’administration."
        in response.content.decode()
    )


def test_customer_cannot_open_the_page_editor(client):
    """A customer is sent to the admin's sign-in from the add-page form, and
    posting it creates no page."""
    home = site_home(title="Accueil")
    client.force_login(UserFactory())
    add_page = f"/cms/pages/add/cms/standardpage/{home.pk}/"

    response = client.get(add_page)
    assert response.status_code == 302
    assert response["Location"].startswith("/cms/login/")

    client.post(
        add_page,
        nested_form_data(
            {
                "title": "Page pirate",
                "slug": "page-pirate",
                "body": streamfield([]),
                "action-publish": "publish",
            }
        ),
    )
    assert not StandardPage.objects.filter(title="Page pirate").exists()


def post_new_page(client, parent, model, **fields):
    """Submit the admin's add-page form for ``model`` under ``parent`` and publish."""
    data = nested_form_data(
        {
            "slug": fields["title"].lower().replace(" ", "-"),
            "action-publish": "action-publish",
            "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0},
            **fields,
        }
    )
    url = f"/cms/pages/add/cms/{model._meta.model_name}/{parent.pk}/"
    return client.post(url, data, follow=True)


def test_editor_creates_and_publishes_every_page_type(client, editor):
    """An editor builds a whole showcase tree, choosing a store and a cooperative."""
    store = PilotStoreFactory()
    cooperative = CooperativeFactory()
    product = ProductFactory(cooperative=cooperative)
    client.force_login(editor)
    root = root_page()

    post_new_page(
        client,
        root,
        HomePage,
        title="Accueil test",
        hero_title="Bienvenue",
        body=streamfield([]),
    )
    home = HomePage.objects.get(title="Accueil test")
    body = streamfield(
        [
            ("paragraph", rich_text("<p>Des produits de nos coopératives.</p>")),
            ("product", {"product": product.pk}),
        ]
    )
    post_new_page(client, home, StandardPage, title="A propos", body=body)
    post_new_page(client, home, StoreIndexPage, title="Boutiques")
    post_new_page(
        client,
        StoreIndexPage.objects.get(),
        StorePage,
        title="Casablanca",
        partner=store.pk,
        body=streamfield([]),
    )
    post_new_page(client, home, CooperativeIndexPage, title="Cooperatives")
    post_new_page(
        client,
        CooperativeIndexPage.objects.get(),
        CooperativePage,
        title="Souktana",
        cooperative=cooperative.pk,
        body=streamfield([]),
    )
    post_new_page(client, home, ArticleIndexPage, title="Articles")
    response = post_new_page(
        client,
        ArticleIndexPage.objects.get(),
        ArticlePage,
        title="Amlou maison",
        kind="recipe",
        date="2026-11-20",
        body=body,
    )

    assert "Page «\xa0Amlou maison\xa0» créée et publiée." in response.content.decode()
    for model in (
        HomePage,
        StandardPage,
        StoreIndexPage,
        StorePage,
        CooperativeIndexPage,
        CooperativePage,
        ArticleIndexPage,
        ArticlePage,
    ):
        assert model.objects.live().count() == 1, model
    assert StorePage.objects.get().partner == store
    assert CooperativePage.objects.get().cooperative == cooperative
    assert list(ArticlePage.objects.get().body.raw_data)[1]["value"] == {
        "product": product.pk
    }


def test_store_page_refuses_a_warehouse(client, editor):
    """Choosing a warehouse instead of a pilot store shows the form with an error."""
    home = site_home(title="Accueil")
    index = home.add_child(instance=StoreIndexPage(title="Boutiques", slug="boutiques"))
    client.force_login(editor)
    response = post_new_page(
        client,
        index,
        StorePage,
        title="Entrepot",
        partner=WarehouseFactory().pk,
        body=streamfield([]),
    )
    assert not StorePage.objects.exists()
    assert "Sélectionnez un choix valide" in response.content.decode()


def test_editor_previews_a_draft_before_publishing(client, editor):
    """The preview shows the editor's unsaved changes in the storefront layout."""
    home = site_home(title="Accueil", hero_title="Bienvenue")
    page = home.add_child(
        instance=StandardPage(title="Livraison", slug="livraison", intro="Ancien texte")
    )
    client.force_login(editor)
    url = f"/cms/pages/{page.pk}/edit/preview/"
    data = nested_form_data(
        {
            "title": "Livraison",
            "slug": "livraison",
            "intro": "Livraison offerte dès 500 MAD.",
            "body": streamfield([]),
            "comments": {"TOTAL_FORMS": 0, "INITIAL_FORMS": 0},
        }
    )
    response = client.post(url, data)
    assert response.json()["is_valid"] is True

    preview = client.get(url).content.decode()
    assert "Livraison offerte dès 500 MAD." in preview
    assert 'class="site-footer"' in preview
    page.refresh_from_db()
    assert page.intro == "Ancien texte"


def test_editor_translates_a_page_into_arabic(client, editor):
    """An editor with the translate permission copies a French page into Arabic."""
    editor.user_permissions.add(Permission.objects.get(codename="submit_translation"))
    home = site_home(title="Accueil")
    ar = locales()["ar"]
    client.force_login(editor)

    response = client.post(
        f"/cms/translation/submit/page/{home.pk}/", {"locales": [ar.pk]}, follow=True
    )

    translation = home.get_translation(ar)
    assert translation.title == "Accueil"
    assert not translation.live  # a draft the editor now translates and publishes
    assert response.redirect_chain[-1][0] == f"/cms/pages/{translation.pk}/edit/"
    assert "La page &#x27;Accueil&#x27; a été crée avec succès en Arabe" in (
        response.content.decode()
    )
