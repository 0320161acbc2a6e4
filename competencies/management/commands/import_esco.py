"""``manage.py import_esco``: add the ESCO transversal skills to the competency catalogue."""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from competencies.esco import ESCO_PATH, esco_skills_import, read_esco


class Command(BaseCommand):
    help = (
        "Create or update a competency for each ESCO transversal skill (keyed by its ESCO "
        "concept URI), in the group 'Transversale vaardigheden (ESCO)'."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", nargs="?", default=str(ESCO_PATH), help="ESCO skills CSV.")

    def handle(self, *args, **options):
        counts = esco_skills_import(rows=read_esco(Path(options["file"])))
        self.stdout.write(f"competencies: {counts}")
        self.stdout.write(
            self.style.SUCCESS("ESCO transversal skills imported (ESCO, European Commission).")
        )
