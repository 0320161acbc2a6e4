"""``manage.py load_catalogue [FILE]``: create or update catalogue entries from JSON."""

from __future__ import annotations

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS

from competencies.catalogue import (
    DEFAULT_CATALOGUE_PATH,
    CatalogueError,
    read_catalogue,
    upsert_catalogue,
)
from competencies.models import Competency, CompetencyGroup, Role


class Command(BaseCommand):
    help = (
        "Create or update competency groups, competencies and roles from a catalogue "
        "JSON file, matched by code. Entries that are not in the file are left alone."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "file",
            nargs="?",
            default=str(DEFAULT_CATALOGUE_PATH),
            help=f"Catalogue JSON file (default: {DEFAULT_CATALOGUE_PATH}).",
        )
        parser.add_argument(
            "--database",
            default=DEFAULT_DB_ALIAS,
            help="Database alias to load into (default: %(default)s).",
        )

    def handle(self, *args, **options):
        try:
            counts = upsert_catalogue(
                read_catalogue(options["file"]),
                group_model=CompetencyGroup,
                competency_model=Competency,
                role_model=Role,
                using=options["database"],
            )
        except CatalogueError as exc:
            raise CommandError(str(exc)) from exc
        for section, section_counts in counts.items():
            self.stdout.write(f"{section}: {section_counts}")
        self.stdout.write(self.style.SUCCESS(f"Catalogue loaded from {options['file']}."))
