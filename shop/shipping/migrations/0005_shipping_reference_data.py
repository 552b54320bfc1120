"""Shipping countries (Morocco + EU) and the first cold-chain cities, always present."""

from django.db import migrations

from shop.shipping.services import cold_chain_cities_ensure, shipping_countries_ensure


def ensure(apps, schema_editor):
    shipping_countries_ensure(apps=apps)
    cold_chain_cities_ensure(apps=apps)


class Migration(migrations.Migration):
    dependencies = [
        ("shipping", "0004_cold_chain_city"),
        ("address", "0007_useraddress_code"),
    ]

    operations = [migrations.RunPython(ensure, migrations.RunPython.noop)]
