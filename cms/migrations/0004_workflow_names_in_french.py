from django.db import migrations

# Wagtail names its default workflow and task after the group, in English:
# editors read "Soumettre à Moderators approval" on every page.
RENAMES = {
    "Moderators approval": "la relecture des modérateurs",
}


def rename_default_workflow(apps, schema_editor):
    for model in ("Workflow", "Task"):
        manager = apps.get_model("wagtailcore", model).objects
        for old, new in RENAMES.items():
            manager.filter(name=old).update(name=new)


def restore_default_workflow(apps, schema_editor):
    for model in ("Workflow", "Task"):
        manager = apps.get_model("wagtailcore", model).objects
        for old, new in RENAMES.items():
            manager.filter(name=new).update(name=old)


class Migration(migrations.Migration):
    """Give Wagtail's default moderation workflow a French name."""

    dependencies = [
        ("cms", "0003_locales"),
        ("wagtailcore", "0048_add_default_workflows"),
    ]

    operations = [
        migrations.RunPython(rename_default_workflow, restore_default_workflow)
    ]
