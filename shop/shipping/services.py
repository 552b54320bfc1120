"""Shipping reference data that must always exist (countries, cold-chain cities),
and taking chilled products out of a basket no refrigerated delivery can carry."""

from django.apps import apps as global_apps
from django.db import transaction

# Morocco first, then the European Union (export under the EU association agreement).
SHIPPING_COUNTRIES = [
    ("MA", "MAR", "504", "Morocco", "Kingdom of Morocco"),
    ("AT", "AUT", "040", "Austria", "Republic of Austria"),
    ("BE", "BEL", "056", "Belgium", "Kingdom of Belgium"),
    ("BG", "BGR", "100", "Bulgaria", "Republic of Bulgaria"),
    ("HR", "HRV", "191", "Croatia", "Republic of Croatia"),
    ("CY", "CYP", "196", "Cyprus", "Republic of Cyprus"),
    ("CZ", "CZE", "203", "Czechia", "Czech Republic"),
    ("DK", "DNK", "208", "Denmark", "Kingdom of Denmark"),
    ("EE", "EST", "233", "Estonia", "Republic of Estonia"),
    ("FI", "FIN", "246", "Finland", "Republic of Finland"),
    ("FR", "FRA", "250", "France", "French Republic"),
    ("DE", "DEU", "276", "Germany", "Federal Republic of Germany"),
    ("GR", "GRC", "300", "Greece", "Hellenic Republic"),
    ("HU", "HUN", "348", "Hungary", "Hungary"),
    ("IE", "IRL", "372", "Ireland", "Ireland"),
    ("IT", "ITA", "380", "Italy", "Italian Republic"),
    ("LV", "LVA", "428", "Latvia", "Republic of Latvia"),
    ("LT", "LTU", "440", "Lithuania", "Republic of Lithuania"),
    ("LU", "LUX", "442", "Luxembourg", "Grand Duchy of Luxembourg"),
    ("MT", "MLT", "470", "Malta", "Republic of Malta"),
    ("NL", "NLD", "528", "Netherlands", "Kingdom of the Netherlands"),
    ("PL", "POL", "616", "Poland", "Republic of Poland"),
    ("PT", "PRT", "620", "Portugal", "Portuguese Republic"),
    ("RO", "ROU", "642", "Romania", "Romania"),
    ("SK", "SVK", "703", "Slovakia", "Slovak Republic"),
    ("SI", "SVN", "705", "Slovenia", "Republic of Slovenia"),
    ("ES", "ESP", "724", "Spain", "Kingdom of Spain"),
    ("SE", "SWE", "752", "Sweden", "Kingdom of Sweden"),
]

COLD_CHAIN_CITIES = ["Casablanca", "Rabat", "Marrakech", "Fès", "Tanger", "Agadir"]


def shipping_countries_ensure(*, apps=global_apps) -> int:
    """Create or update the countries we ship to; return how many exist.

    `apps` lets a data migration pass its historical registry.
    """
    country_model = apps.get_model("address", "Country")
    for order, (a2, a3, numeric, printable, official) in enumerate(SHIPPING_COUNTRIES):
        country_model.objects.update_or_create(
            iso_3166_1_a2=a2,
            defaults={
                "iso_3166_1_a3": a3,
                "iso_3166_1_numeric": numeric,
                "printable_name": printable,
                "name": official,
                "is_shipping_country": True,
                # Morocco on top of the list, the EU alphabetical after it.
                "display_order": 1 if order == 0 else 0,
            },
        )
    return len(SHIPPING_COUNTRIES)


def cold_chain_cities_ensure(*, apps=global_apps) -> None:
    """Seed the cities with cold-chain coverage unless staff already set them."""
    city_model = apps.get_model("shipping", "ColdChainCity")
    if not city_model.objects.exists():
        city_model.objects.bulk_create(
            city_model(name=name) for name in COLD_CHAIN_CITIES
        )


def chilled_lines_remove(*, basket) -> list[str]:
    """Take the chilled products out of the basket; their titles, for the message."""
    # Imported here: the data migration imports this module before models may load.
    from shop.shipping.selectors import line_is_chilled

    chilled = [line for line in basket.all_lines() if line_is_chilled(line)]
    with transaction.atomic():
        for line in chilled:
            line.delete()
    basket.reset_offer_applications()
    return [line.product.get_title() for line in chilled]
