"""Search over people: pg_trgm for typos, and GIN indexes for the HR candidate search."""

import django.contrib.postgres.indexes
import django.contrib.postgres.search
from django.contrib.postgres.operations import TrigramExtension
from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("pool", "0002_matches"),
    ]

    operations = [
        TrigramExtension(),
        migrations.AddIndex(
            model_name="member",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["last_name", "first_name"],
                name="member_name_trgm",
                opclasses=["gin_trgm_ops", "gin_trgm_ops"],
            ),
        ),
        migrations.AddIndex(
            model_name="membercompetency",
            index=django.contrib.postgres.indexes.GinIndex(
                django.contrib.postgres.search.SearchVector("evidence", config="dutch"),
                name="member_comp_evidence_fts",
            ),
        ),
        migrations.AddIndex(
            model_name="membercompetency",
            index=django.contrib.postgres.indexes.GinIndex(
                fields=["evidence"],
                name="member_comp_evidence_trgm",
                opclasses=["gin_trgm_ops"],
            ),
        ),
    ]
