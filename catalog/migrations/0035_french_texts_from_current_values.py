"""The catalogue's texts so far are French: they become the French translations."""

from django.db import migrations
from django.db.models import F

TRANSLATED = {
    "Product": ("title", "description"),
    "Category": ("name", "description"),
    "ProductAttribute": ("name",),
    "AttributeOption": ("option",),
    "Cooperative": ("name", "story"),
}


def to_french(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("catalogue", model_name)
        model.objects.update(**{f"{name}_fr": F(name) for name in fields})


def from_french(apps, schema_editor):
    for model_name, fields in TRANSLATED.items():
        model = apps.get_model("catalogue", model_name)
        for name in fields:
            model.objects.exclude(**{f"{name}_fr": None}).update(
                **{name: F(f"{name}_fr")}
            )


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0034_catalogue_texts_in_three_languages")]

    operations = [migrations.RunPython(to_french, from_french)]
