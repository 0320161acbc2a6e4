"""Seed the catalogue of competency groups, competencies and roles.

The entries live in ``competencies/data/catalogue.json``; they are upserted by code, so
running this on a database that already has entries brings them in line with the file.
``python manage.py load_catalogue`` applies the same file later on.
"""

from pathlib import Path

from django.db import migrations

from competencies.catalogue import read_catalogue, upsert_catalogue

CATALOGUE_PATH = Path(__file__).resolve().parent.parent / "data" / "catalogue.json"


def seed_catalogue(apps, schema_editor):
    upsert_catalogue(
        read_catalogue(CATALOGUE_PATH),
        group_model=apps.get_model("competencies", "CompetencyGroup"),
        competency_model=apps.get_model("competencies", "Competency"),
        role_model=apps.get_model("competencies", "Role"),
        using=schema_editor.connection.alias,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("competencies", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(seed_catalogue, migrations.RunPython.noop, elidable=False),
    ]
