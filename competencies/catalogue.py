"""Load the catalogue of competency groups, competencies and roles from JSON.

The catalogue is data (``competencies/data/catalogue.json``), not code constants. Both
the seed data migration and the ``load_catalogue`` management command apply it with
:func:`upsert_catalogue`, which matches entries by ``code``: missing entries are
created, existing ones are brought in line with the file, and entries that are not in
the file are left alone (a functional administrator may have added them).

This module never imports the real models: the migration passes historical models
from ``apps.get_model``, the command passes the real ones.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.db import DEFAULT_DB_ALIAS, transaction

DEFAULT_CATALOGUE_PATH = Path(__file__).resolve().parent / "data" / "catalogue.json"

SECTIONS = ("groups", "competencies", "roles")

_ENTRY_FIELDS = ("name_nl", "name_en", "description_nl", "description_en", "order", "is_active")
_SECTION_FIELDS: dict[str, tuple[str, ...]] = {
    "groups": _ENTRY_FIELDS,
    "competencies": (*_ENTRY_FIELDS, "esco_uri"),
    "roles": (*_ENTRY_FIELDS, "is_core", "is_optional"),
}
_REQUIRED_TEXT = ("name_nl", "name_en")
_CODE_RE = re.compile(r"^[-a-zA-Z0-9_]+\Z")
_CODE_MAX_LENGTH = 80


class CatalogueError(ValueError):
    """The catalogue file cannot be read or does not describe a valid catalogue."""


@dataclass
class UpsertCounts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    @property
    def total(self) -> int:
        return self.created + self.updated + self.unchanged

    def __str__(self) -> str:
        return f"{self.created} created, {self.updated} updated, {self.unchanged} unchanged"


def read_catalogue(path: str | Path = DEFAULT_CATALOGUE_PATH) -> dict[str, Any]:
    """Read and validate a catalogue JSON file."""
    path = Path(path)
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise CatalogueError(f"Cannot read catalogue file {path}: {exc}") from exc
    except ValueError as exc:
        raise CatalogueError(f"{path} is not valid JSON: {exc}") from exc
    validate_catalogue(data)
    return data


def validate_catalogue(data: Any) -> None:
    """Raise CatalogueError unless ``data`` has the shape of a catalogue."""
    if not isinstance(data, Mapping):
        raise CatalogueError("A catalogue is a JSON object with groups, competencies and roles.")
    unknown_sections = set(data) - set(SECTIONS)
    if unknown_sections:
        raise CatalogueError(f"Unknown catalogue sections: {', '.join(sorted(unknown_sections))}.")
    for section in SECTIONS:
        entries = data.get(section, [])
        if not isinstance(entries, Sequence) or isinstance(entries, str):
            raise CatalogueError(f"'{section}' must be a list.")
        allowed = {"code", *_SECTION_FIELDS[section]}
        if section == "competencies":
            allowed.add("group")
        seen: set[str] = set()
        for index, entry in enumerate(entries):
            where = f"{section}[{index}]"
            if not isinstance(entry, Mapping):
                raise CatalogueError(f"{where} must be an object.")
            code = entry.get("code")
            if (
                not isinstance(code, str)
                or not _CODE_RE.match(code)
                or len(code) > _CODE_MAX_LENGTH
            ):
                raise CatalogueError(f"{where} needs a slug 'code' of at most 80 characters.")
            where = f"{section} '{code}'"
            if code in seen:
                raise CatalogueError(f"{where} occurs more than once.")
            seen.add(code)
            unknown = set(entry) - allowed
            if unknown:
                raise CatalogueError(f"{where} has unknown fields: {', '.join(sorted(unknown))}.")
            for field in _REQUIRED_TEXT:
                value = entry.get(field)
                if not isinstance(value, str) or not value.strip():
                    raise CatalogueError(f"{where} needs a non-empty '{field}'.")
            if section == "competencies" and not isinstance(entry.get("group"), str):
                raise CatalogueError(f"{where} needs the code of its 'group'.")


def upsert_catalogue(
    data: Mapping[str, Any],
    *,
    group_model: Any,
    competency_model: Any,
    role_model: Any,
    using: str = DEFAULT_DB_ALIAS,
) -> dict[str, UpsertCounts]:
    """Create or update every catalogue entry in ``data``, matched by code.

    Takes the model classes as arguments so that a data migration can pass historical
    models. Fields missing from an entry are left as they are in the database (so an
    administrator's ``is_active`` choice survives a reload unless the file sets it).
    Returns the counts per section.
    """
    validate_catalogue(data)
    counts = {section: UpsertCounts() for section in SECTIONS}
    with transaction.atomic(using=using):
        for entry in data.get("groups", []):
            _upsert(group_model, entry, _SECTION_FIELDS["groups"], {}, counts["groups"], using)

        group_ids = dict(group_model._default_manager.using(using).values_list("code", "pk"))
        for entry in data.get("competencies", []):
            group_code = entry["group"]
            if group_code not in group_ids:
                raise CatalogueError(
                    f"competencies '{entry['code']}' refers to unknown group '{group_code}'."
                )
            _upsert(
                competency_model,
                entry,
                _SECTION_FIELDS["competencies"],
                {"group_id": group_ids[group_code]},
                counts["competencies"],
                using,
            )

        for entry in data.get("roles", []):
            _upsert(role_model, entry, _SECTION_FIELDS["roles"], {}, counts["roles"], using)
    return counts


def _upsert(
    model: Any,
    entry: Mapping[str, Any],
    fields: tuple[str, ...],
    extra: Mapping[str, Any],
    counts: UpsertCounts,
    using: str,
) -> None:
    # Only fields the (possibly historical) model has: an older migration state may
    # predate a field that the current catalogue file sets.
    model_fields = {f.attname for f in model._meta.concrete_fields}
    values = {f: entry[f] for f in fields if f in entry and f in model_fields}
    values.update(extra)
    obj, created = model._default_manager.db_manager(using).get_or_create(
        code=entry["code"], defaults=values
    )
    if created:
        counts.created += 1
        return
    update_changed(obj, values, counts, using=using)


def update_changed(
    obj: Any, values: Mapping[str, Any], counts: UpsertCounts, *, using: str = DEFAULT_DB_ALIAS
) -> None:
    """Save the fields of `values` that differ from `obj`'s, and count it as updated or
    unchanged."""
    changed = [field for field, value in values.items() if getattr(obj, field) != value]
    if not changed:
        counts.unchanged += 1
        return
    for field in changed:
        setattr(obj, field, values[field])
    obj.save(using=using, update_fields=changed)
    counts.updated += 1
