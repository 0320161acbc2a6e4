"""The seed catalogue: data migration, load_catalogue command, upsert by code."""

from __future__ import annotations

import importlib
import json
import re
from io import StringIO
from types import SimpleNamespace

import pytest
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.migrations.loader import MigrationLoader

from competencies.catalogue import DEFAULT_CATALOGUE_PATH, CatalogueError, read_catalogue
from competencies.models import Competency, CompetencyGroup, Role

CATALOGUE = json.loads(DEFAULT_CATALOGUE_PATH.read_text(encoding="utf-8"))

CORE_ROLES = {"regie", "begroting", "politieke-afstemming", "vakinhoud", "netwerk"}
OPTIONAL_ROLES = {"catalysator", "netwerkarchitect", "bemiddelaar", "bestendiger"}
COMPETENCIES_PER_GROUP = {
    "samenwerkingsvakmanschap": 8,
    "ambtelijk-vakmanschap": 8,
    "lokale-ambtenaar": 7,
    "vakgebied": 15,
}
MODELS = {"groups": CompetencyGroup, "competencies": Competency, "roles": Role}


def load(*args: str) -> dict[str, dict[str, int]]:
    """Run load_catalogue and parse its 'section: n created, n updated, n unchanged' lines."""
    out = StringIO()
    call_command("load_catalogue", *args, stdout=out)
    counts = {}
    for line in out.getvalue().splitlines():
        match = re.match(r"(\w+): (\d+) created, (\d+) updated, (\d+) unchanged$", line)
        if match:
            section, *numbers = match.groups()
            counts[section] = dict(
                zip(("created", "updated", "unchanged"), map(int, numbers), strict=True)
            )
    assert set(counts) == set(MODELS)
    return counts


def row_counts() -> dict[str, int]:
    return {section: model.objects.count() for section, model in MODELS.items()}


def test_migrations_seed_core_and_optional_roles(db):
    assert set(Role.objects.filter(is_core=True).values_list("code", flat=True)) == CORE_ROLES
    assert (
        set(Role.objects.filter(is_optional=True).values_list("code", flat=True)) == OPTIONAL_ROLES
    )
    assert not Role.objects.filter(is_core=True, is_optional=True).exists()
    regie = Role.objects.get(code="regie")
    assert (regie.name_nl, regie.name_en) == ("Regie", "Lead")


def test_migrations_seed_groups_and_competencies(db):
    groups = {group.code: group for group in CompetencyGroup.objects.all()}
    assert set(groups) == set(COMPETENCIES_PER_GROUP)
    for code, expected in COMPETENCIES_PER_GROUP.items():
        assert groups[code].competencies.count() == expected, code

    in_db = dict(Competency.objects.values_list("code", "group__code"))
    assert in_db == {entry["code"]: entry["group"] for entry in CATALOGUE["competencies"]}
    assert Competency.objects.get(code="sociaal-domein").group.code == "vakgebied"
    assert Competency.objects.get(code="omgevingsbewustzijn-en-systeemdenken").group.code == (
        "samenwerkingsvakmanschap"
    )


@pytest.mark.parametrize("model", list(MODELS.values()), ids=list(MODELS))
def test_every_seeded_entry_is_named_and_described_in_both_languages(db, model):
    entries = list(model.objects.all())
    assert entries
    for entry in entries:
        for field in ("name_nl", "name_en", "description_nl", "description_en"):
            assert getattr(entry, field).strip(), (entry.code, field)
        assert entry.is_active


def test_catalogue_file_matches_the_database_after_migrations(db):
    for section, model in MODELS.items():
        for entry in CATALOGUE[section]:
            obj = model.objects.get(code=entry["code"])
            for field in ("name_nl", "name_en", "description_nl", "description_en", "order"):
                assert getattr(obj, field) == entry[field], (section, entry["code"], field)


def test_load_catalogue_is_idempotent(db):
    before = row_counts()

    first = load()
    assert row_counts() == before
    second = load()
    assert row_counts() == before

    for section, counts in second.items():
        assert counts == {"created": 0, "updated": 0, "unchanged": before[section]}
    assert first == second


def test_load_catalogue_restores_edited_entries(db):
    Role.objects.filter(code="regie").update(name_nl="Trekker", name_en="")
    Competency.objects.filter(code="volharding").update(
        group=CompetencyGroup.objects.get(code="vakgebied"), description_en="changed"
    )

    counts = load()

    regie = Role.objects.get(code="regie")
    assert (regie.name_nl, regie.name_en) == ("Regie", "Lead")
    volharding = Competency.objects.get(code="volharding")
    assert volharding.group.code == "samenwerkingsvakmanschap"
    assert volharding.description_en != "changed"
    assert counts["roles"]["updated"] == 1
    assert counts["competencies"]["updated"] == 1
    assert counts["groups"]["updated"] == 0


def test_load_catalogue_recreates_missing_entries_and_keeps_others(db):
    Role.objects.filter(code="bestendiger").delete()
    own = Role.objects.create(code="eigen-rol", name_nl="Eigen rol", name_en="Own role")
    CompetencyGroup.objects.filter(code="vakgebied").update(is_active=False)

    counts = load()

    assert counts["roles"]["created"] == 1
    assert Role.objects.get(code="bestendiger").is_optional
    # Entries not in the file stay, and an administrator's deactivation is respected.
    assert Role.objects.filter(pk=own.pk).exists()
    assert not CompetencyGroup.objects.get(code="vakgebied").is_active


def test_load_catalogue_reads_another_file(db, tmp_path):
    path = tmp_path / "extra.json"
    path.write_text(
        json.dumps(
            {
                "groups": [{"code": "digitaal", "name_nl": "Digitaal", "name_en": "Digital"}],
                "competencies": [
                    {
                        "code": "data-analyse",
                        "group": "digitaal",
                        "name_nl": "Data-analyse",
                        "name_en": "Data analysis",
                    },
                    {
                        "code": "wonen",
                        "group": "vakgebied",
                        "name_nl": "Wonen",
                        "name_en": "Housing and living",
                    },
                ],
            }
        ),
        encoding="utf-8",
    )

    counts = load(str(path))

    assert counts["groups"] == {"created": 1, "updated": 0, "unchanged": 0}
    assert counts["competencies"] == {"created": 1, "updated": 1, "unchanged": 0}
    assert counts["roles"] == {"created": 0, "updated": 0, "unchanged": 0}
    assert Competency.objects.get(code="data-analyse").group.code == "digitaal"
    assert Competency.objects.get(code="wonen").name_en == "Housing and living"


@pytest.mark.parametrize(
    "content, message",
    [
        ("not json", "not valid JSON"),
        ('{"roles": [{"code": "x", "name_nl": "X"}]}', "name_en"),
        ('{"roles": [{"code": "Not a slug", "name_nl": "X", "name_en": "X"}]}', "slug"),
        ('{"roles": [{"code": "x", "name_nl": "X", "name_en": "X", "nmae": 1}]}', "unknown"),
        (
            '{"competencies": [{"code": "x", "group": "nope", "name_nl": "X", "name_en": "X"}]}',
            "unknown group",
        ),
    ],
)
def test_load_catalogue_rejects_invalid_files_without_changes(db, tmp_path, content, message):
    path = tmp_path / "bad.json"
    path.write_text(content, encoding="utf-8")
    before = row_counts()

    with pytest.raises(CommandError, match=message):
        load(str(path))

    assert row_counts() == before


def test_read_catalogue_reports_a_missing_file(tmp_path):
    with pytest.raises(CatalogueError, match="Cannot read"):
        read_catalogue(tmp_path / "missing.json")


def test_seed_migration_updates_existing_entries(db):
    """The data migration itself, with historical models, upserts rather than duplicates."""
    Role.objects.filter(code="netwerk").update(name_nl="Oud", order=99)
    migration = importlib.import_module("competencies.migrations.0002_seed_catalogue")
    apps = MigrationLoader(connection).project_state(("competencies", "0002_seed_catalogue")).apps
    before = row_counts()

    migration.seed_catalogue(apps, SimpleNamespace(connection=connection))

    assert row_counts() == before
    netwerk = Role.objects.get(code="netwerk")
    assert (netwerk.name_nl, netwerk.order) == ("Netwerk", 5)
