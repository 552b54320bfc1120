"""French, Arabic and English: RTL markup, language switching, catalogues, prices."""

import gettext as gettext_module
import re
import shutil
import subprocess
from decimal import Decimal
from pathlib import Path

import oscar
import pytest
from django.core.management import call_command
from django.template import Context, Template
from django.utils import translation
from django.utils.translation import trans_real

from tests.cms.builders import showcase_tree

BASE_DIR = Path(__file__).resolve().parent.parent
LOCALE_DIR = BASE_DIR / "locale"


@pytest.fixture
def showcase(db):
    return showcase_tree()


def language_links(html: str) -> dict[str, str]:
    """Map each language code of the switcher to the URL it links to."""
    switcher = re.search(r'<nav class="language-switcher".*?</nav>', html, re.S)
    assert switcher, "the page has no language switcher"
    return {
        code: url
        for url, code in re.findall(r'href="([^"]+)" lang="(\w+)"', switcher.group())
    }


def test_arabic_pages_render_right_to_left(client, showcase):
    """Arabic pages declare lang="ar" and dir="rtl"; French ones are left-to-right."""
    arabic = client.get(showcase.ar["store_page"].url).content.decode()
    french = client.get(showcase.store_page.url).content.decode()
    assert '<html lang="ar" dir="rtl"' in arabic
    assert "متجر الدار البيضاء" in arabic
    assert "مفتوح الآن" in arabic
    assert '<html lang="fr" dir="ltr"' in french


def test_arabic_oscar_pages_render_right_to_left(client, db):
    """Oscar's pages use the same layout, right-to-left in Arabic."""
    html = client.get("/ar/shop/basket/").content.decode()
    assert '<html lang="ar" dir="rtl"' in html
    assert "سلة المشتريات" in html


def test_switcher_on_wagtail_page_goes_to_its_translation(client, showcase):
    """On a translated page the switcher links to the same page in each language."""
    links = language_links(client.get(showcase.store_page.url).content.decode())
    assert links["fr"] == "/fr/boutiques/casablanca/"
    assert links["ar"] == showcase.ar["store_page"].url == "/ar/boutiques/casablanca/"


def test_switcher_on_untranslated_page_goes_to_that_language_home(client, showcase):
    """A page with no English translation sends English readers to the English home."""
    links = language_links(client.get(showcase.article.url).content.decode())
    assert links["en"] == "/en/"
    assert links["fr"] == showcase.article.url


def test_switcher_on_oscar_page_keeps_the_path(client, db):
    """On a shop page the switcher keeps the path and query under the other prefix."""
    links = language_links(client.get("/fr/shop/basket/").content.decode())
    assert links == {
        "fr": "/fr/shop/basket/",
        "ar": "/ar/shop/basket/",
        "en": "/en/shop/basket/",
    }
    arabic = client.get(links["ar"]).content.decode()
    assert '<html lang="ar" dir="rtl"' in arabic


@pytest.mark.parametrize(
    ("language", "expected"),
    [("fr", "120,00\xa0MAD"), ("ar", "120.00\xa0د.م."), ("en", "MAD120.00")],
)
def test_prices_are_formatted_per_locale(language, expected):
    """Prices follow the active locale (CLDR via Babel, Western digits in Arabic)."""
    template = Template("{% load currency_filters %}{{ price|currency:'MAD' }}")
    with translation.override(language):
        rendered = template.render(Context({"price": Decimal("120.00")}))
    assert expected in rendered


def po_statistics(po_file: Path) -> str:
    result = subprocess.run(  # noqa: S603
        [shutil.which("msgfmt"), "--statistics", "-o", "/dev/null", str(po_file)],
        capture_output=True,
        text=True,
        check=True,
    )
    return result.stderr


NOT_SOURCES = {".venv", "var", "locale", "tests", "node_modules"}


def test_catalogues_translate_every_user_facing_string(tmp_path, settings, monkeypatch):
    """Every string of the project's code and templates is translated in fr and ar.

    The sources are re-extracted against a temporary copy of the catalogues, so
    a new string that nobody translated yet (or a fuzzy guess) fails this test.
    The copy keeps makemessages from writing into the real locale/ directory.
    """
    for entry in BASE_DIR.iterdir():
        if (
            entry.is_dir()
            and not entry.name.startswith(".")
            and entry.name not in NOT_SOURCES
        ):
            shutil.copytree(
                entry,
                tmp_path / entry.name,
                ignore=shutil.ignore_patterns("__pycache__"),
            )
    shutil.copytree(LOCALE_DIR, tmp_path / "locale")
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    monkeypatch.chdir(tmp_path)
    call_command("makemessages", locale=["fr", "ar"], verbosity=0)
    for language in ("fr", "ar"):
        po_file = tmp_path / "locale" / language / "LC_MESSAGES" / "django.po"
        stats = po_statistics(po_file)
        assert "untranslated" not in stats, f"{language}: {stats}"
        assert "fuzzy" not in stats, f"{language}: {stats}"


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_compiled_catalogues_match_their_sources(tmp_path, language):
    """The committed .mo files are compiled from the committed .po files."""
    source = LOCALE_DIR / language / "LC_MESSAGES" / "django.po"
    compiled = tmp_path / "django.mo"
    subprocess.run(  # noqa: S603
        [shutil.which("msgfmt"), "--check-format", "-o", str(compiled), str(source)],
        check=True,
    )
    assert compiled.read_bytes() == source.with_suffix(".mo").read_bytes()


# The Oscar templates a shopper sees (basket, checkout, orders and their
# status, the account with its profile, addresses, emails, alerts, notifications,
# sign-in, registration and passwords, the catalogue with its reviews, wish
# lists, offers, search, the layout and its partials) and the emails sent to
# them: all but the dashboard. An override that extends the original renders
# both files; one that replaces it renders only ours.
SHOPPER_TEMPLATES = (
    "*.html",
    "partials/*.html",
    "basket/**/*.html",
    "checkout/**/*.html",
    "order/**/*.html",
    "customer/**/*.html",
    "communication/**/*.*",
    "registration/*.html",
    "catalogue/**/*.html",
    "wishlists/**/*.html",
    "offer/*.html",
    "search/**/*.html",
)
OSCAR_TEMPLATES = Path(oscar.__file__).parent / "templates" / "oscar"
OUR_TEMPLATES = BASE_DIR / "templates" / "oscar"


def shopper_template_msgids(workdir: Path) -> set:
    """Every message id of the Oscar templates shoppers see, as rendered here."""
    for pattern in SHOPPER_TEMPLATES:
        for source in OSCAR_TEMPLATES.glob(pattern):
            relative = source.relative_to(OSCAR_TEMPLATES)
            ours = OUR_TEMPLATES / relative
            target = workdir / "templates" / relative
            target.parent.mkdir(parents=True, exist_ok=True)
            if ours.exists():
                shutil.copy(ours, target.with_suffix(".ours.html"))
                extends = rf"{{%\s*extends\s+['\"]oscar/{relative.as_posix()}['\"]"
                if not re.search(extends, ours.read_text()):
                    continue  # the override replaces it: shoppers never see it
            shutil.copy(source, target)
    (workdir / "locale").mkdir()
    call_command("makemessages", locale=["fr"], verbosity=0)
    extracted = workdir / "locale" / "fr" / "LC_MESSAGES" / "django.po"
    compiled = workdir / "msgids.mo"
    filled = subprocess.run(  # noqa: S603
        [shutil.which("msgen"), str(extracted)],
        capture_output=True,
        check=True,
    ).stdout
    subprocess.run(  # noqa: S603
        [shutil.which("msgfmt"), "-o", str(compiled), "-"], input=filled, check=True
    )
    with compiled.open("rb") as mo:
        catalog = gettext_module.GNUTranslations(mo)._catalog
    return {
        key for key in catalog if key and (not isinstance(key, tuple) or key[1] == 0)
    }


def is_translated(language: str, key) -> bool:
    """Whether the language's catalogue, or a fallback in the same language (a
    catalogue with other plural rules, like Oscar's French), translates a
    message. Arabic pages falling back to French do not count."""
    catalogue = trans_real.translation(language)
    while catalogue is not None:
        own = getattr(catalogue, "_DjangoTranslation__language", None)
        if (own or catalogue.info().get("language", "")).split("_")[0] != language:
            return False
        if key in getattr(catalogue, "_catalog", ()):
            return True
        catalogue = getattr(catalogue, "_fallback", None)
    return False


@pytest.mark.parametrize("language", ["fr", "ar"])
def test_oscar_templates_shoppers_see_are_translated(
    tmp_path, monkeypatch, settings, language
):
    """Every message of the basket, checkout, account, order and catalogue
    templates has a translation, in our catalogue or in Oscar's."""
    monkeypatch.chdir(tmp_path)
    settings.LOCALE_PATHS = [tmp_path / "locale"]
    msgids = shopper_template_msgids(tmp_path)
    settings.LOCALE_PATHS = [LOCALE_DIR]
    missing = sorted(
        str(key[0] if isinstance(key, tuple) else key)
        for key in msgids
        if not is_translated(language, key)
    )
    assert not missing, f"{language}: {len(missing)} untranslated: {missing}"


def test_category_pages_name_the_catalogue_in_the_readers_language(
    client, db, settings
):
    """The menu, the category page and its product cards read in Arabic on /ar/
    and in English on /en/, even right after the French page filled the caches."""
    from oscar.apps.catalogue.categories import create_from_breadcrumbs

    from search import services
    from tests.factories import CooperativeFactory, ProductFactory

    settings.PAGE_CACHE_SECONDS = 60
    category = create_from_breadcrumbs("Safran")
    category.name_ar, category.name_en = "زعفران", "Saffron"
    category.save()
    product = ProductFactory(
        title="Safran de Taliouine en pistils 1 g – Souktana",
        title_ar="زعفران تالوين حرّ (خيوط) 1 غ – سوكتانة",
        title_en="Taliouine saffron threads 1 g – Souktana",
        cooperative=CooperativeFactory(
            name="Coopérative Souktana du safran", name_ar="تعاونية سوكتانة للزعفران"
        ),
    )
    product.categories.add(category)
    services.index_rebuild()

    pages = {}
    for language in ("fr", "ar", "en"):
        with translation.override(language):
            url = category.get_absolute_url()
        response = client.get(url)
        assert response.status_code == 200
        pages[language] = response.content.decode()

    assert "Safran de Taliouine en pistils 1 g – Souktana" in pages["fr"]
    assert "زعفران تالوين حرّ (خيوط) 1 غ – سوكتانة" in pages["ar"]
    assert "Safran de Taliouine" not in pages["ar"]
    assert ">زعفران<" in pages["ar"].replace("\n", "").replace("  ", "")
    assert "Taliouine saffron threads 1 g – Souktana" in pages["en"]
