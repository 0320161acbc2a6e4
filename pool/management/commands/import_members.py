"""``manage.py import_members FILE``: members, competencies and availability from an HR export.

FILE is an XLSX workbook with the sheets medewerkers, competenties and beschikbaarheid, or
the members CSV, with the other two CSVs given by --competencies and --availability. The
layout is described in pool/importing.py and the README. Every row is checked first; with
any error nothing changes and the command fails with one line per error.
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from pool.importing import (
    AVAILABILITY,
    COMPETENCIES,
    MEMBERS,
    ImportFileError,
    members_import,
    read_files,
)


class Command(BaseCommand):
    help = "Import members, their competencies and availability (CSV or XLSX); all or nothing."

    def add_arguments(self, parser):
        parser.add_argument("file", help="Members CSV, or an XLSX workbook with all sheets.")
        parser.add_argument("--competencies", help="Competencies CSV.")
        parser.add_argument("--availability", help="Availability CSV.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check and count only; change nothing."
        )

    def handle(self, *args, **options):
        paths = {
            MEMBERS: options["file"],
            COMPETENCIES: options["competencies"],
            AVAILABILITY: options["availability"],
        }
        try:
            files = {name: Path(path).read_bytes() for name, path in paths.items() if path}
            result = members_import(tables=read_files(files), dry_run=options["dry_run"])
        except (OSError, ImportFileError) as error:
            raise CommandError(str(error)) from error
        if not result.ok:
            for error in result.errors:
                self.stderr.write(str(error))
            raise CommandError(f"{len(result.errors)} error(s); nothing was imported.")
        self.stdout.write(str(result))
        if result.applied:
            self.stdout.write(self.style.SUCCESS("Imported."))
