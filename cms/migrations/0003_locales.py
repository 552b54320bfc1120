from django.db import migrations

LANGUAGE_CODES = ["fr", "ar", "en"]


def create_locales(apps, schema_editor):
    Locale = apps.get_model("wagtailcore", "Locale")
    for code in LANGUAGE_CODES:
        Locale.objects.get_or_create(language_code=code)


class Migration(migrations.Migration):
    """Create the Wagtail locales of the storefront's languages (fr, ar, en)."""

    dependencies = [
        ("cms", "0002_showcase_pages"),
        ("wagtailcore", "0094_alter_page_locale"),
    ]

    operations = [migrations.RunPython(create_locales, migrations.RunPython.noop)]
