"""``manage.py export_members OUT``: members, competencies and availability in the import layout.

OUT ending in .xlsx is written as one workbook; otherwise OUT is a directory that gets
medewerkers.csv, competenties.csv and beschikbaarheid.csv.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand

from pool.importing import csv_bytes, members_export, xlsx_bytes


class Command(BaseCommand):
    help = "Export members, competencies and availability as CSV files or one XLSX workbook."

    def add_arguments(self, parser):
        parser.add_argument("out", help="A .xlsx file, or a directory for the CSV files.")

    def handle(self, *args, **options):
        out = Path(options["out"])
        tables = members_export()
        if out.suffix.lower() == ".xlsx":
            out.write_bytes(xlsx_bytes(tables))
            written = [out]
        else:
            out.mkdir(parents=True, exist_ok=True)
            written = []
            for name, rows in tables.items():
                path = out / f"{name}.csv"
                path.write_bytes(csv_bytes(rows))
                written.append(path)
        counts = ", ".join(f"{name}: {len(rows) - 1}" for name, rows in tables.items())
        self.stdout.write(f"{counts}. Written: {', '.join(map(str, written))}")
