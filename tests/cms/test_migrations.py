"""Data migrations of the cms app."""

from importlib import import_module

import pytest
from django.apps import apps
from wagtail.models import GroupApprovalTask, Workflow

pytestmark = pytest.mark.django_db

workflow_names = import_module("cms.migrations.0004_workflow_names_in_french")


def test_the_default_workflow_reads_in_french():
    """Editors read "Soumettre à la relecture des modérateurs", not
    "Soumettre à Moderators approval"."""
    workflow = Workflow.objects.create(name="Moderators approval")
    task = GroupApprovalTask.objects.create(name="Moderators approval")
    kept = Workflow.objects.create(name="Relecture juridique")

    workflow_names.rename_default_workflow(apps, None)

    for renamed in (workflow, task):
        renamed.refresh_from_db()
        assert renamed.name == "la relecture des modérateurs"
    kept.refresh_from_db()
    assert kept.name == "Relecture juridique"
