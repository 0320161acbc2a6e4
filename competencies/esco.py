"""The ESCO transversal skills and competences as an extension of the competency catalogue.

The data (``competencies/data/esco-transversal-skills-nl.csv``: Dutch labels, descriptions
and parent concepts; source and licence in NOTICE: "ESCO, European Commission") is shipped
with Rolpool. Each skill becomes a competency in one group, keyed by its ESCO concept URI, so
that a second import updates rather than duplicates. The file has no English labels; the
English name starts as the Dutch one, for a functional administrator to translate.
"""

from __future__ import annotations

import csv
from pathlib import Path

from django.db import transaction

from competencies.catalogue import UpsertCounts, update_changed
from competencies.models import Competency, CompetencyGroup

ESCO_PATH = Path(__file__).resolve().parent / "data" / "esco-transversal-skills-nl.csv"
GROUP = {
    "code": "esco-transversaal",
    "name_nl": "Transversale vaardigheden (ESCO)",
    "name_en": "Transversal skills (ESCO)",
    "description_nl": "Vaardigheden en competenties uit ESCO die in elk beroep van pas komen. "
    "Bron: ESCO, Europese Commissie.",
    "description_en": "Skills and competences from ESCO that are useful in any occupation. "
    "Source: ESCO, European Commission.",
    "order": 5,
}


def read_esco(path: Path = ESCO_PATH) -> list[dict[str, str]]:
    """The released skills of the file (its descriptions contain newlines: csv, not lines)."""
    with path.open(encoding="utf-8", newline="") as handle:
        return [row for row in csv.DictReader(handle) if row["status"] == "released"]


@transaction.atomic
def esco_skills_import(*, rows: list[dict[str, str]]) -> UpsertCounts:
    """Create or update a competency per ESCO skill, matched by concept URI; idempotent."""
    group, _created = CompetencyGroup.objects.get_or_create(
        code=GROUP["code"], defaults={k: v for k, v in GROUP.items() if k != "code"}
    )
    existing = {c.esco_uri: c for c in Competency.objects.filter(esco_uri__isnull=False)}
    counts = UpsertCounts()
    for row in rows:
        uri = row["conceptUri"].strip()
        label = row["preferredLabel"].strip()
        values = {"name_nl": label, "description_nl": " ".join(row["description"].split())}
        competency = existing.get(uri)
        if competency is None:
            competency = Competency(
                esco_uri=uri,
                code=f"esco-{uri.rstrip('/').rsplit('/', 1)[-1]}"[:80],
                group=group,
                name_en=label,
                **values,
            )
            competency.full_clean()
            competency.save()
            counts.created += 1
            continue
        update_changed(competency, values, counts)
    return counts
