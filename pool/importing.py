"""Bulk import and export of members, their competencies and availability.

The layout is that of an HR-system export, one table per kind of row; the same layout is
exported, so that an export imported into an empty database and exported again gives the
same files. As CSV it is three files, as XLSX one workbook with three sheets of those names:

* ``medewerkers``: personeelsnummer, voornaam, achternaam, email, organisatie (CBS code such
  as GM0344), afdeling, contracturen, pooluren (hours per week, at most one decimal).
* ``competenties``: personeelsnummer, organisatie, competentie (the catalogue's code or the
  ESCO concept URI), niveau (1–4).
* ``beschikbaarheid``: personeelsnummer, organisatie, van, tot_en_met (dates, 2026-03-01 or
  01-03-2026), uren_per_week: hours for pool work in that period instead of the pool hours.

A member is identified by personnel number and organisation. Import adds what is new and
updates what differs; it removes nothing (competencies and periods that are not in the file
stay, as a member may have added them). Every row is checked first; one bad row and nothing
changes. The header row is row 1; columns are matched by name (case, spaces, hyphens and
underscores do not matter), other columns are ignored; CSV may use "," or ";" between fields
and "," or "." as decimal sign.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections import defaultdict
from collections.abc import Iterable, Iterator
from contextlib import suppress
from dataclasses import asdict, dataclass, field
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext as _

from competencies.models import Competency
from pool.models import AuditEntry, Availability, Member, MemberCompetency, Organisation
from pool.services import audit_record, member_matches_invalidate

MEMBERS, COMPETENCIES, AVAILABILITY = "medewerkers", "competenties", "beschikbaarheid"
COLUMNS: dict[str, tuple[str, ...]] = {
    MEMBERS: (
        "personeelsnummer",
        "voornaam",
        "achternaam",
        "email",
        "organisatie",
        "afdeling",
        "contracturen",
        "pooluren",
    ),
    COMPETENCIES: ("personeelsnummer", "organisatie", "competentie", "niveau"),
    AVAILABILITY: ("personeelsnummer", "organisatie", "van", "tot_en_met", "uren_per_week"),
}
OPTIONAL_COLUMNS = {"email", "afdeling"}
XLSX_MAGIC = b"PK\x03\x04"
MAX_HOURS = Decimal(60)

type Key = tuple[str, str]  # (CBS code, personnel number)


# --- Reading files ------------------------------------------------------------------------


@dataclass(frozen=True)
class RowError:
    """A problem with one row (row 1 is the header) and column of one table."""

    table: str
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return _("%(table)s, rij %(row)s, %(column)s: %(message)s") % {
            "table": self.table,
            "row": self.row,
            "column": self.column or _("bestand"),
            "message": self.message,
        }


class ImportFileError(Exception):
    """A file that cannot be read as a table at all."""


@dataclass
class Table:
    name: str
    rows: list[tuple[int, dict[str, str]]] = field(default_factory=list)  # (row number, values)
    missing: list[str] = field(default_factory=list)  # required columns not in the header


def _normalise(name: Any) -> str:
    return re.sub(r"[^a-z0-9]", "", str(name or "").lower())


def _text(value: Any) -> str:
    """A cell as text: XLSX gives numbers and dates, CSV strings."""
    if value is None:
        return ""
    if isinstance(value, datetime):
        return value.date().isoformat()
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _table(name: str, lines: Iterable[Iterable[Any]]) -> Table:
    """A table from its rows of cells, the first being the header."""
    lines = iter(lines)
    header = [_normalise(cell) for cell in next(lines, [])]
    wanted = {_normalise(column): column for column in COLUMNS[name]}
    positions = {wanted[cell]: i for i, cell in reversed(list(enumerate(header))) if cell in wanted}
    table = Table(
        name,
        missing=[c for c in COLUMNS[name] if c not in positions and c not in OPTIONAL_COLUMNS],
    )
    for number, cells in enumerate(lines, start=2):
        cells = [_text(cell) for cell in cells]
        if not any(cells):
            continue
        table.rows.append(
            (
                number,
                {column: cells[i] if i < len(cells) else "" for column, i in positions.items()},
            )
        )
    return table


def read_csv(name: str, data: bytes) -> Table:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        text = data.decode("cp1252", errors="replace")  # Excel's "CSV" on Dutch Windows
    first_line = text.split("\n", 1)[0]
    delimiter = ";" if first_line.count(";") > first_line.count(",") else ","
    return _table(name, csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def read_xlsx(data: bytes) -> dict[str, Table]:
    """The workbook's sheets by name; a workbook without a `medewerkers` sheet has its
    members on the first sheet."""
    from openpyxl import load_workbook  # only imports and exports need it

    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, OSError, KeyError, ValueError) as error:
        raise ImportFileError(_("Dit is geen leesbaar Excel-bestand (.xlsx).")) from error
    sheets = {_normalise(sheet.title): sheet for sheet in workbook.worksheets}
    tables = {}
    for name in COLUMNS:
        sheet = sheets.get(name)
        if sheet is None and name == MEMBERS and workbook.worksheets:
            sheet = workbook.worksheets[0]
        if sheet is not None:
            tables[name] = _table(name, sheet.iter_rows(values_only=True))
    workbook.close()
    return tables


def read_files(files: dict[str, bytes]) -> dict[str, Table]:
    """Tables from uploaded files, by table name. The members file may be an XLSX workbook
    with all three sheets; other files are CSV (or an XLSX whose first sheet is the table)."""
    tables: dict[str, Table] = {}
    for name, data in files.items():
        if data.startswith(XLSX_MAGIC):
            sheets = read_xlsx(data)
            if name == MEMBERS:
                tables.update(sheets)
            elif sheets:
                tables[name] = next(iter(sheets.values()))
                tables[name].name = name
        else:
            tables[name] = read_csv(name, data)
    return tables


# --- Checking values ----------------------------------------------------------------------


class _Invalid(Exception):
    def __init__(self, column: str, message: str) -> None:
        self.column, self.message = column, message


def _required(values: dict[str, str], column: str, max_length: int) -> str:
    value = values.get(column, "")
    if not value:
        raise _Invalid(column, _("Vul dit veld in."))
    if len(value) > max_length:
        raise _Invalid(column, _("Hoogstens %(n)s tekens.") % {"n": max_length})
    return value


def _hours(values: dict[str, str], column: str, *, minimum: Decimal, above: bool) -> Decimal:
    raw = values.get(column, "").replace(",", ".")
    try:
        hours = Decimal(raw)
    except InvalidOperation:
        raise _Invalid(column, _("Vul een aantal uren in, zoals 16 of 16,5.")) from None
    if not hours.is_finite():
        raise _Invalid(column, _("Vul een aantal uren in, zoals 16 of 16,5."))
    if hours > MAX_HOURS or hours < minimum or (above and hours == minimum):
        message = (
            _("Vul een aantal uren groter dan %(low)s en hoogstens %(high)s in.")
            if above
            else _("Vul een aantal uren van %(low)s tot en met %(high)s in.")
        )
        raise _Invalid(column, message % {"low": minimum, "high": MAX_HOURS})
    if hours != hours.quantize(Decimal("0.1")):
        raise _Invalid(column, _("Gebruik hoogstens één decimaal."))
    return hours


def _date(values: dict[str, str], column: str) -> date:
    raw = values.get(column, "")
    for pattern in ("%Y-%m-%d", "%d-%m-%Y"):
        try:
            return datetime.strptime(raw, pattern).date()  # noqa: DTZ007 - a date, no time
        except ValueError:
            continue
    raise _Invalid(column, _("Vul een datum in, zoals 2026-03-01 of 01-03-2026."))


def _key(values: dict[str, str]) -> Key:
    pnr = _required(values, "personeelsnummer", 40)
    cbs = _required(values, "organisatie", 100).upper()
    if not re.fullmatch(r"GM\d{4}", cbs):
        raise _Invalid("organisatie", _("Vul de CBS-code van de organisatie in, zoals GM0344."))
    return cbs, pnr


# --- Planning and applying ----------------------------------------------------------------


@dataclass
class Counts:
    created: int = 0
    updated: int = 0
    unchanged: int = 0

    def __str__(self) -> str:
        return _("%(new)s nieuw, %(changed)s gewijzigd, %(same)s ongewijzigd") % {
            "new": self.created,
            "changed": self.updated,
            "same": self.unchanged,
        }


# The tables an ImportResult counts, by attribute name.
IMPORT_TABLES = ("members", "competencies", "availability")


@dataclass
class ImportResult:
    errors: list[RowError] = field(default_factory=list)
    members: Counts = field(default_factory=Counts)
    competencies: Counts = field(default_factory=Counts)
    availability: Counts = field(default_factory=Counts)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def __str__(self) -> str:
        return _("Medewerkers: %(m)s. Competenties: %(c)s. Beschikbaarheid: %(a)s.") % {
            "m": self.members,
            "c": self.competencies,
            "a": self.availability,
        }


@dataclass
class _Plan:
    result: ImportResult
    new_members: list[Member] = field(default_factory=list)
    changed_members: list[Member] = field(default_factory=list)
    members: dict[Key, Member] = field(default_factory=dict)  # every member a row refers to
    new_competencies: list[tuple[Key, MemberCompetency]] = field(default_factory=list)
    changed_competencies: list[MemberCompetency] = field(default_factory=list)
    new_periods: list[tuple[Key, Availability]] = field(default_factory=list)
    changed_periods: list[Availability] = field(default_factory=list)
    touched: set[Key] = field(default_factory=set)  # members whose matches change

    def error(self, table: str, row: int, invalid: _Invalid) -> None:
        self.result.errors.append(RowError(table, row, invalid.column, invalid.message))


MEMBER_FIELDS = ("first_name", "last_name", "email", "unit", "contract_hours", "pool_hours")


def _existing_members(keys: set[Key], *, lock: bool) -> dict[Key, Member]:
    if not keys:
        return {}
    queryset = Member.objects.filter(
        organisation__cbs_code__in={cbs for cbs, _pnr in keys},
        personnel_number__in={pnr for _cbs, pnr in keys},
    ).select_related("organisation")
    if lock:
        # The rows this import may change; a profile edit at the same time waits for it.
        queryset = queryset.select_for_update(of=("self",))
    found = {(m.organisation.cbs_code, m.personnel_number): m for m in queryset.order_by("pk")}
    return {key: member for key, member in found.items() if key in keys}


def _plan_members(plan: _Plan, table: Table | None, organisations: dict[str, Organisation]):
    seen: dict[Key, int] = {}
    for number, values in table.rows if table else []:
        try:
            key = _key(values)
            if key in seen:
                raise _Invalid(
                    "personeelsnummer",
                    _("Deze medewerker staat ook al in rij %(row)s.") % {"row": seen[key]},
                )
            seen[key] = number
            organisation = organisations.get(key[0])
            if organisation is None:
                raise _Invalid("organisatie", _("Er is geen organisatie met deze CBS-code."))
            first_name = _required(values, "voornaam", 100)
            last_name = _required(values, "achternaam", 150)
            email = values.get("email", "")
            if email:
                try:
                    validate_email(email)
                except ValidationError:
                    raise _Invalid("email", _("Vul een geldig e-mailadres in.")) from None
            unit = values.get("afdeling", "")
            if len(unit) > 150:
                raise _Invalid("afdeling", _("Hoogstens %(n)s tekens.") % {"n": 150})
            contract = _hours(values, "contracturen", minimum=Decimal(0), above=True)
            pool = _hours(values, "pooluren", minimum=Decimal(0), above=False)
            if pool > contract:
                raise _Invalid("pooluren", _("Dat is meer dan de contracturen."))
            wanted = {
                "first_name": first_name,
                "last_name": last_name,
                "email": email,
                "unit": unit,
                "contract_hours": contract,
                "pool_hours": pool,
            }
        except _Invalid as invalid:
            plan.error(MEMBERS, number, invalid)
            continue
        member = plan.members.get(key)
        if member is None:
            member = Member(organisation=organisation, personnel_number=key[1], **wanted)
            plan.members[key] = member
            plan.new_members.append(member)
            plan.result.members.created += 1
            plan.touched.add(key)
        elif any(getattr(member, name) != value for name, value in wanted.items()):
            for name, value in wanted.items():
                setattr(member, name, value)
            plan.changed_members.append(member)
            plan.result.members.updated += 1
            plan.touched.add(key)
        else:
            plan.result.members.unchanged += 1


def _member_for(plan: _Plan, values: dict[str, str]) -> tuple[Key, Member]:
    key = _key(values)
    member = plan.members.get(key)
    if member is None:
        raise _Invalid(
            "personeelsnummer",
            _("Deze medewerker staat niet in het medewerkersbestand en niet in Rolpool."),
        )
    return key, member


def _plan_competencies(plan: _Plan, table: Table | None) -> None:
    rows = table.rows if table else []
    wanted = {values.get("competentie", "") for _n, values in rows}
    catalogue: dict[str, Competency] = {}
    for competency in Competency.objects.filter(
        Q(code__in=wanted) | Q(esco_uri__in=wanted)
    ).select_related("group"):
        catalogue[competency.code] = competency
        if competency.esco_uri:
            catalogue[competency.esco_uri] = competency
    existing = {
        (item.member_id, item.competency_id): item
        for item in MemberCompetency.objects.filter(
            member__in=[m.pk for m in plan.members.values() if m.pk]
        )
    }
    seen: dict[tuple[Key, int], int] = {}
    for number, values in rows:
        try:
            key, member = _member_for(plan, values)
            competency = catalogue.get(values.get("competentie", ""))
            if competency is None:
                raise _Invalid("competentie", _("Deze competentie staat niet in de catalogus."))
            if not (competency.is_active and competency.group.is_active):
                raise _Invalid("competentie", _("Deze competentie is niet meer actief."))
            if (key, competency.pk) in seen:
                raise _Invalid(
                    "competentie",
                    _("Deze competentie staat voor deze medewerker ook al in rij %(row)s.")
                    % {"row": seen[key, competency.pk]},
                )
            seen[key, competency.pk] = number
            level = values.get("niveau", "")
            if level not in {"1", "2", "3", "4"}:
                raise _Invalid("niveau", _("Vul een niveau van 1 tot en met 4 in."))
        except _Invalid as invalid:
            plan.error(COMPETENCIES, number, invalid)
            continue
        item = existing.get((member.pk, competency.pk)) if member.pk else None
        if item is None:
            plan.new_competencies.append(
                (key, MemberCompetency(competency=competency, level=int(level)))
            )
            plan.result.competencies.created += 1
        elif item.level != int(level):
            item.level = int(level)
            plan.changed_competencies.append(item)
            plan.result.competencies.updated += 1
        else:
            plan.result.competencies.unchanged += 1
            continue
        plan.touched.add(key)


def _plan_availability(plan: _Plan, table: Table | None, today: date) -> None:
    rows = table.rows if table else []
    periods: dict[int, list[Availability]] = defaultdict(list)
    for period in Availability.objects.filter(
        member__in=[m.pk for m in plan.members.values() if m.pk]
    ):
        periods[period.member_id].append(period)
    in_file: dict[Key, list[tuple[int, date, date]]] = defaultdict(list)
    for number, values in rows:
        try:
            key, member = _member_for(plan, values)
            start, end = _date(values, "van"), _date(values, "tot_en_met")
            if end < start:
                raise _Invalid("tot_en_met", _("De einddatum ligt voor de begindatum."))
            if end < today:
                raise _Invalid("tot_en_met", _("Deze periode is al voorbij."))
            hours = _hours(values, "uren_per_week", minimum=Decimal(0), above=True)
            if hours > member.contract_hours:
                raise _Invalid("uren_per_week", _("Dat is meer dan de contracturen."))
            for row, other_start, other_end in in_file[key]:
                if other_start <= end and other_end >= start:
                    raise _Invalid(
                        "van", _("Deze periode overlapt met die in rij %(row)s.") % {"row": row}
                    )
            in_file[key].append((number, start, end))
            same, clash = None, None
            for period in periods.get(member.pk, []) if member.pk else []:
                if (period.start, period.end) == (start, end):
                    same = period
                elif period.start <= end and period.end >= start:
                    clash = period
            if clash is not None:
                raise _Invalid(
                    "van",
                    _(
                        "Deze periode overlapt met de beschikbaarheid van %(start)s tot en met "
                        "%(end)s die al in Rolpool staat."
                    )
                    % {"start": clash.start.isoformat(), "end": clash.end.isoformat()},
                )
        except _Invalid as invalid:
            plan.error(AVAILABILITY, number, invalid)
            continue
        if same is None:
            plan.new_periods.append((key, Availability(start=start, end=end, hours_per_week=hours)))
            plan.result.availability.created += 1
        elif same.hours_per_week != hours:
            same.hours_per_week = hours
            plan.changed_periods.append(same)
            plan.result.availability.updated += 1
        else:
            plan.result.availability.unchanged += 1
            continue
        plan.touched.add(key)


def _plan(tables: dict[str, Table], *, today: date, lock: bool) -> _Plan:
    plan = _Plan(ImportResult())
    if not tables:
        plan.result.errors.append(RowError(MEMBERS, 1, "", _("Er is geen bestand gegeven.")))
    for table in tables.values():
        for column in table.missing:
            plan.result.errors.append(RowError(table.name, 1, column, _("Deze kolom ontbreekt.")))
    if plan.result.errors:
        return plan
    keys: set[Key] = set()
    for table in tables.values():
        for _number, values in table.rows:
            with suppress(_Invalid):  # reported where the row is checked
                keys.add(_key(values))
    plan.members = _existing_members(keys, lock=lock)
    organisations = {
        o.cbs_code: o for o in Organisation.objects.filter(cbs_code__in={k[0] for k in keys})
    }
    _plan_members(plan, tables.get(MEMBERS), organisations)
    _plan_competencies(plan, tables.get(COMPETENCIES))
    _plan_availability(plan, tables.get(AVAILABILITY), today)
    plan.result.errors.sort(key=lambda e: (list(COLUMNS).index(e.table), e.row))
    return plan


def members_import(
    *,
    tables: dict[str, Table],
    by: AbstractBaseUser | None = None,
    dry_run: bool = False,
    today: date | None = None,
) -> ImportResult:
    """Check every row, then apply all of them in one transaction, or nothing at all.

    With `dry_run` (the browser's preview) only the check and the counts. Applying is
    idempotent: a second run of the same file finds every row unchanged and writes nothing.
    Members whose matching inputs changed get their matches recomputed.
    """
    today = today or timezone.localdate()
    with transaction.atomic():
        plan = _plan(tables, today=today, lock=not dry_run)
        if plan.result.errors or dry_run:
            return plan.result
        Member.objects.bulk_create(plan.new_members)
        Member.objects.bulk_update(plan.changed_members, [*MEMBER_FIELDS, "updated_at"])
        for key, item in plan.new_competencies:
            item.member = plan.members[key]
        MemberCompetency.objects.bulk_create([item for _key, item in plan.new_competencies])
        MemberCompetency.objects.bulk_update(plan.changed_competencies, ["level", "updated_at"])
        for key, period in plan.new_periods:
            period.member = plan.members[key]
        Availability.objects.bulk_create([period for _key, period in plan.new_periods])
        Availability.objects.bulk_update(plan.changed_periods, ["hours_per_week"])
        member_matches_invalidate(member_ids=sorted(plan.members[k].pk for k in plan.touched))
        audit_record(
            action=AuditEntry.Action.IMPORT,
            by=by,  # None: from the command line
            data={table: asdict(getattr(plan.result, table)) for table in IMPORT_TABLES},
        )
        plan.result.applied = True
    return plan.result


# --- Export ---------------------------------------------------------------------------------


def members_export(*, today: date | None = None) -> dict[str, list[list[Any]]]:
    """Every member of an organisation with a CBS code, in the import layout: per table a
    header and rows of typed values. Periods that have ended are left out (they cannot be
    imported and no longer affect matching). Three queries."""
    today = today or timezone.localdate()
    member = ("member__personnel_number", "member__organisation__cbs_code")

    def table(name: str, queryset, order: tuple[str, ...], fields: tuple[str, ...]):
        rows = queryset.order_by(*order).values_list(*fields)
        return [list(COLUMNS[name]), *(list(row) for row in rows)]

    return {
        MEMBERS: table(
            MEMBERS,
            Member.objects.filter(organisation__cbs_code__isnull=False),
            ("organisation__cbs_code", "personnel_number"),
            (
                "personnel_number",
                "first_name",
                "last_name",
                "email",
                "organisation__cbs_code",
                "unit",
                "contract_hours",
                "pool_hours",
            ),
        ),
        COMPETENCIES: table(
            COMPETENCIES,
            MemberCompetency.objects.filter(member__organisation__cbs_code__isnull=False),
            (*reversed(member), "competency__code"),
            (*member, "competency__code", "level"),
        ),
        AVAILABILITY: table(
            AVAILABILITY,
            Availability.objects.filter(
                member__organisation__cbs_code__isnull=False, end__gte=today
            ),
            (*reversed(member), "start"),
            (*member, "start", "end", "hours_per_week"),
        ),
    }


def csv_bytes(rows: Iterable[Iterable[Any]]) -> bytes:
    """CSV as Excel reads it: UTF-8 with a byte order mark, comma-separated."""
    out = io.StringIO(newline="")
    writer = csv.writer(out, lineterminator="\r\n")
    for row in rows:
        writer.writerow([_text(cell) for cell in row])
    return b"\xef\xbb\xbf" + out.getvalue().encode()


def xlsx_bytes(tables: dict[str, list[list[Any]]]) -> bytes:
    """One workbook with a sheet per table; personnel numbers stay text."""
    from openpyxl import Workbook

    workbook = Workbook()
    workbook.remove(workbook.active)
    for name, rows in tables.items():
        sheet = workbook.create_sheet(name)
        for row in rows:
            sheet.append(row)
        for cell in sheet["A"][1:]:
            cell.number_format = "@"
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def xlsx_values(data: bytes) -> Iterator[tuple[str, list[tuple[Any, ...]]]]:
    """The sheets of a workbook as (name, rows of values); to compare workbooks."""
    from openpyxl import load_workbook

    workbook = load_workbook(io.BytesIO(data), read_only=True)
    for sheet in workbook.worksheets:
        yield sheet.title, list(sheet.iter_rows(values_only=True))
    workbook.close()
