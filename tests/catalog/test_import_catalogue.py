"""The office imports its catalogue spreadsheet; bad rows are reported, not fatal."""

import io
from decimal import Decimal
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import translation

from catalog import services
from catalog.management.commands.import_catalogue import REFUSED_ROWS_STATUS
from catalog.models import Cooperative, Product, ProductAttribute, Region
from shop.partner.models import Partner, StockRecord

EXAMPLE = (
    Path(__file__).resolve().parents[2] / "catalog" / "demo" / "catalogue_example.csv"
)
HEADER = (
    "sku;title;category;product_class;cooperative_slug;cooperative_name;"
    "cooperative_region;cold_chain;hs_code;price_mad;stock;warehouse"
)

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalogue_setup(db):
    """Product classes and stock locations the office sets up before importing."""
    for name, codes in [
        ("Huile", ["volume_ml", "ingredients", "shelf_life_months"]),
        ("Épicerie fine", ["weight_g", "ingredients", "shelf_life_months"]),
        ("Produit frais", ["weight_g", "ingredients", "shelf_life_days"]),
    ]:
        services.product_class_upsert(
            name=name,
            attributes=[
                services.AttributeSpec(
                    code=code,
                    name=code,
                    type=ProductAttribute.TEXT
                    if code == "ingredients"
                    else ProductAttribute.INTEGER,
                )
                for code in codes
            ],
        )
    services.stock_location_upsert(
        code="entrepot-agadir", name="Entrepôt d'Agadir", kind=Partner.Kind.WAREHOUSE
    )
    services.stock_location_upsert(
        code="entrepot-casablanca",
        name="Entrepôt frigorifique de Casablanca",
        kind=Partner.Kind.COLD_WAREHOUSE,
    )


def run_import(path):
    """Run the import; refused rows end it with status 2, reported on stderr."""
    out, err = io.StringIO(), io.StringIO()
    with translation.override("en"):
        try:
            call_command("import_catalogue", str(path), stdout=out, stderr=err)
        except CommandError as exc:
            if exc.returncode != REFUSED_ROWS_STATUS:
                raise
            err.write(f"Exit {exc.returncode}: {exc}")
    return out.getvalue(), err.getvalue()


def write_csv(tmp_path, *rows, header=HEADER, encoding="utf-8"):
    path = tmp_path / "catalogue.csv"
    path.write_bytes("\n".join([header, *rows]).encode(encoding))
    return path


def test_the_example_file_creates_cooperatives_and_products():
    """Importing the shipped example creates its cooperatives, products and stock."""
    out, err = run_import(EXAMPLE)

    assert err == ""
    assert "5 rows: 5 created, 0 updated, 0 unchanged, 0 errors" in out
    assert "(3 new cooperatives)" in out
    cooperative = Cooperative.objects.get(slug="tamaynoute-argan")
    assert cooperative.region == Region.SOUSS_MASSA
    assert cooperative.city == "Taroudant"
    oil = Product.objects.get(upc="ARGALI-TMY-250")
    assert oil.cooperative == cooperative
    assert oil.origin_region == Region.SOUSS_MASSA
    assert oil.hs_code == "151590"
    assert oil.attr.volume_ml == 250
    assert [c.full_name for c in oil.categories.all()] == ["Huiles > Huile d'argane"]
    record = oil.stockrecords.get()
    assert (record.partner.code, record.partner_sku) == ("entrepot-agadir", oil.upc)
    assert (record.price, record.price_currency) == (Decimal("165.00"), "MAD")
    assert record.num_in_stock == 40
    cheese = Product.objects.get(upc="FROCHV-BTZ-250")
    assert cheese.cold_chain
    assert cheese.stockrecords.get().partner.code == "entrepot-casablanca"


def test_importing_the_same_file_again_changes_nothing():
    """A re-import reports every row unchanged and creates no duplicates."""
    run_import(EXAMPLE)
    counts = (Product.objects.count(), StockRecord.objects.count())

    out, _ = run_import(EXAMPLE)

    assert "5 rows: 0 created, 0 updated, 5 unchanged, 0 errors" in out
    assert (Product.objects.count(), StockRecord.objects.count()) == counts


def test_a_new_price_updates_the_product(tmp_path):
    """Changing a price or stock in the file updates that stock record only."""
    run_import(EXAMPLE)
    text = EXAMPLE.read_text(encoding="utf-8-sig").replace('"165,00",40', '"172,50",35')
    path = tmp_path / "updated.csv"
    path.write_text(text, encoding="utf-8")

    out, _ = run_import(path)

    assert "5 rows: 0 created, 1 updated, 4 unchanged, 0 errors" in out
    record = StockRecord.objects.get(partner_sku="ARGALI-TMY-250")
    assert (record.price, record.num_in_stock) == (Decimal("172.50"), 35)


def test_bad_rows_are_reported_with_line_and_reason_and_good_rows_saved(tmp_path):
    """Each bad row names its line and reason; the good rows around it are saved."""
    good = (
        "coop-nour;Coopérative Nour;Souss-Massa;non;091020;{price};10;entrepot-agadir"
    )
    path = write_csv(
        tmp_path,
        "GOOD-1;Safran 1 g;Safran;Épicerie fine;" + good.format(price="55,00"),
        "BAD-PRICE;Safran 2 g;Safran;Épicerie fine;" + good.format(price="12,5x"),
        "BAD-REGION;Safran 5 g;Safran;Épicerie fine;coop-x;Coop X;Atlantide;"
        "non;091020;60;5;entrepot-agadir",
        "NO-TITLE;;Safran;Épicerie fine;" + good.format(price="55"),
        "BAD-HS;Safran 3 g;Safran;Épicerie fine;"
        "coop-nour;;;non;09.10.2x;70;5;entrepot-agadir",
        "BAD-STOCK;Safran 4 g;Safran;Épicerie fine;"
        "coop-nour;;;non;091020;70;-3;entrepot-agadir",
        "GOOD-2;Safran 10 g;Safran;Épicerie fine;" + good.format(price="480"),
    )

    out, err = run_import(path)

    assert "7 rows: 2 created, 0 updated, 0 unchanged, 5 errors" in out
    assert "Exit 2: 5 rows were refused; the others were saved." in err
    assert "Line 3 (BAD-PRICE): invalid price “12,5x”" in err
    assert "Line 4 (BAD-REGION): unknown region “Atlantide”" in err
    assert "Line 5 (NO-TITLE): missing title" in err
    assert "Line 6 (BAD-HS): invalid HS code “09.10.2x” (6 to 10 digits)" in err
    assert "Line 7 (BAD-STOCK): invalid stock “-3” (a whole number, 0 or more)" in err
    assert set(Product.objects.values_list("upc", flat=True)) == {"GOOD-1", "GOOD-2"}
    assert not Cooperative.objects.filter(slug="coop-x").exists()


def test_a_row_failing_midway_leaves_nothing_behind(tmp_path):
    """A row refused after its cooperative was created is rolled back entirely."""
    path = write_csv(
        tmp_path,
        "CHEESE-1;Jben 500 g;Fromages;Produit frais;coop-jben;Coopérative Jben;"
        "Casablanca-Settat;oui;040610;32;10;entrepot-agadir",
    )

    out, err = run_import(path)

    assert "1 rows: 0 created, 0 updated, 0 unchanged, 1 errors" in out
    assert "Exit 2: 1 row was refused; the others were saved." in err
    assert "Line 2 (CHEESE-1): The cold-chain product CHEESE-1 cannot be stocked" in err
    assert not Cooperative.objects.filter(slug="coop-jben").exists()
    assert not Product.objects.filter(upc="CHEESE-1").exists()


def test_unknown_cooperative_needs_its_name_and_region(tmp_path):
    """A row for a cooperative that does not exist says how to create it."""
    path = write_csv(
        tmp_path,
        "X-1;Miel 500 g;Miels;Épicerie fine;coop-inconnue;;;non;040900;90;3;"
        "entrepot-agadir",
    )

    _, err = run_import(path)

    assert (
        "Line 2 (X-1): unknown cooperative “coop-inconnue” (give cooperative_name "
        "and cooperative_region to create it)"
    ) in err


def test_duplicate_rows_for_one_warehouse_are_refused(tmp_path):
    """The same SKU twice for the same warehouse is a mistake the office must see."""
    row = (
        "DUP-1;Miel 500 g;Miels;Épicerie fine;coop-miel;Coopérative Miel;"
        "Béni Mellal-Khénifra;non;040900;{price};3;entrepot-agadir"
    )
    path = write_csv(tmp_path, row.format(price="90"), row.format(price="95"))

    _, err = run_import(path)

    assert "Line 3 (DUP-1): SKU DUP-1 at entrepot-agadir is already on line 2." in err
    assert StockRecord.objects.get(partner_sku="DUP-1").price == Decimal("90.00")


def test_missing_required_columns_stop_the_import(tmp_path):
    """A file without the required columns is refused with the list of them."""
    path = write_csv(tmp_path, "X-1;Miel", header="sku;title")

    with pytest.raises(CommandError, match="Missing required columns: category, "):
        run_import(path)
    assert not Product.objects.exists()


def test_a_file_that_is_not_utf8_is_refused(tmp_path):
    """A spreadsheet saved in Latin-1 is refused with advice, not imported garbled."""
    path = write_csv(
        tmp_path,
        "X-1;Miel d'euphorbe;Miels;Épicerie fine;coop-miel;Coopérative Miel;"
        "Béni Mellal-Khénifra;non;040900;90;3;entrepot-agadir",
        encoding="latin-1",
    )

    with pytest.raises(CommandError, match="is not UTF-8 text"):
        run_import(path)
    assert not Product.objects.exists()


ROW = (
    "X-1;Miel d'euphorbe 250 g;Miels;Épicerie fine;coop-miel;Coopérative Miel;"
    "Béni Mellal-Khénifra;non;040900;90;3;entrepot-agadir"
)


def test_language_columns_give_the_arabic_and_english_texts(tmp_path):
    """title_ar, title_en, description_ar and description_en fill the other
    languages; an empty cell leaves the product's text as it is."""
    header = f"{HEADER};title_ar;title_en;description_ar;description_en"
    path = write_csv(
        tmp_path,
        f"{ROW};عسل الدغموس 250 غ;Spurge honey 250 g;عسل كهرماني.;",
        header=header,
    )

    out, err = run_import(path)

    assert err == ""
    assert "Ignored unknown columns" not in out
    product = Product.objects.get(upc="X-1")
    assert product.title_fr == "Miel d'euphorbe 250 g"
    assert product.title_ar == "عسل الدغموس 250 غ"
    assert product.title_en == "Spurge honey 250 g"
    assert product.description_ar == "عسل كهرماني."
    assert product.description_en is None
    with translation.override("ar"):
        assert Product.objects.get(upc="X-1").title == "عسل الدغموس 250 غ"

    path.write_text(f"{header}\n{ROW};;Euphorbia honey 250 g;;", encoding="utf-8")
    run_import(path)
    product.refresh_from_db()
    assert (product.title_ar, product.title_en) == (
        "عسل الدغموس 250 غ",
        "Euphorbia honey 250 g",
    )


@pytest.mark.parametrize("column", ["title_es", "description_fr", "title_de-ch"])
def test_a_column_for_another_language_refuses_the_file(tmp_path, column):
    """A translation column the shop cannot show is refused, naming the columns
    it accepts, before any row is imported."""
    path = write_csv(tmp_path, f"{ROW};x", header=f"{HEADER};{column}")

    with pytest.raises(CommandError, match=f"Unknown language columns: {column}\\."):
        run_import(path)
    assert not Product.objects.exists()


def test_a_column_given_twice_refuses_the_file(tmp_path):
    """Two title_ar columns are refused: which one to keep is not ours to guess."""
    path = write_csv(tmp_path, f"{ROW};a;b", header=f"{HEADER};title_ar;title_ar")

    with pytest.raises(CommandError, match="more than once: title_ar"):
        run_import(path)


def test_an_arabic_title_too_long_is_reported_on_its_line(tmp_path):
    """A translated title over 255 characters is a bad row, reported clearly."""
    path = write_csv(tmp_path, f"{ROW};{'ع' * 256}", header=f"{HEADER};title_ar")

    _out, err = run_import(path)

    assert "Line 2 (X-1): title_ar is longer than 255 characters" in err
    assert not Product.objects.exists()


def test_the_command_help_lists_the_language_columns(capsys):
    """The command's help names the translation columns."""
    with translation.override("en"), pytest.raises(SystemExit):
        call_command("import_catalogue", "--help")
    help_text = " ".join(capsys.readouterr().out.split())
    assert "title_ar: Product title in Arabic." in help_text
