"""Clean the staff HTML saved before descriptions and stories were sanitised."""

from django.db import migrations

from catalog.sanitising import RICH_TEXT_FIELDS, html_sanitise, rich_text_columns


def staff_html_sanitise(apps, schema_editor):
    for label in ("catalogue.Product", "catalogue.Category", "catalogue.Cooperative"):
        model = apps.get_model(label)
        # The plain column too: the migration's models have no translation
        # descriptors, and queries reading it directly get the raw text.
        columns = {*RICH_TEXT_FIELDS[label], *rich_text_columns(model)}
        for row in model.objects.values("pk", *columns).iterator():
            cleaned = {
                column: html_sanitise(value)
                for column in columns
                if (value := row[column]) and html_sanitise(value) != value
            }
            if cleaned:
                model.objects.filter(pk=row["pk"]).update(**cleaned)


class Migration(migrations.Migration):
    dependencies = [("catalogue", "0035_french_texts_from_current_values")]

    operations = [migrations.RunPython(staff_html_sanitise, migrations.RunPython.noop)]
