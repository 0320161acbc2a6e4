"""Bulk import and export of members: all or nothing, per-row messages, idempotence, round trip."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from pool.importing import (
    AVAILABILITY,
    COMPETENCIES,
    MEMBERS,
    csv_bytes,
    members_export,
    members_import,
    read_files,
    xlsx_bytes,
    xlsx_values,
)
from pool.models import Availability, Member, MemberCompetency, Organisation
from tests.factories import TODAY, CompetencyFactory, MemberFactory, OrganisationFactory

pytestmark = pytest.mark.django_db

START, END = TODAY + timedelta(days=7), TODAY + timedelta(days=97)


@pytest.fixture
def org():
    return OrganisationFactory(cbs_code="GM9344")


@pytest.fixture
def skills():
    return CompetencyFactory(code="netwerken"), CompetencyFactory(
        code="begroten", esco_uri="http://data.europa.eu/esco/skill/abc"
    )


def files(members: str, competencies: str = "", availability: str = "") -> dict[str, bytes]:
    given = {MEMBERS: members, COMPETENCIES: competencies, AVAILABILITY: availability}
    return {name: text.encode() for name, text in given.items() if text}


MEMBERS_CSV = (
    "personeelsnummer;voornaam;achternaam;email;organisatie;afdeling;contracturen;pooluren\n"
    "1001;Anna;de Vries;anna@example.org;GM9344;Wonen;36;16,5\n"
    "1002;Bram;Jansen;;gm9344;;32;8\n"
)
COMPETENCIES_CSV = (
    "personeelsnummer,organisatie,competentie,niveau\n"
    "1001,GM9344,netwerken,3\n"
    "1001,GM9344,http://data.europa.eu/esco/skill/abc,2\n"
    "1002,GM9344,netwerken,4\n"
)
AVAILABILITY_CSV = (
    f"Personeelsnummer,Organisatie,Van,Tot en met,Uren per week\n"
    f"1001,GM9344,{START:%d-%m-%Y},{END.isoformat()},20\n"
)


def run(text_files: dict[str, bytes], **kwargs):
    return members_import(tables=read_files(text_files), **kwargs)


def test_import_creates_members_competencies_and_availability(
    org, skills, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks() as callbacks:
        result = run(files(MEMBERS_CSV, COMPETENCIES_CSV, AVAILABILITY_CSV))
    assert result.ok and result.applied
    assert str(result.members) == "2 nieuw, 0 gewijzigd, 0 ongewijzigd"
    assert str(result.competencies) == "3 nieuw, 0 gewijzigd, 0 ongewijzigd"
    assert str(result.availability) == "1 nieuw, 0 gewijzigd, 0 ongewijzigd"
    anna = Member.objects.get(organisation=org, personnel_number="1001")
    assert (anna.first_name, anna.unit, anna.pool_hours) == ("Anna", "Wonen", Decimal("16.5"))
    assert {(c.competency.code, c.level) for c in anna.competencies.all()} == {
        ("netwerken", 3),
        ("begroten", 2),
    }
    period = Availability.objects.get(member=anna)
    assert (period.start, period.end, period.hours_per_week) == (START, END, 20)
    # The same match invalidation as other edits: stale marks and a recompute per member.
    assert Member.objects.filter(matches_stale_since__isnull=False).count() == 2
    assert len(callbacks) == 2


def test_import_twice_changes_nothing_the_second_time(
    org, skills, django_capture_on_commit_callbacks
):
    run(files(MEMBERS_CSV, COMPETENCIES_CSV, AVAILABILITY_CSV))
    Member.objects.update(matches_stale_since=None)
    before = list(Member.objects.values_list("updated_at", flat=True).order_by("pk"))
    with django_capture_on_commit_callbacks() as callbacks:
        result = run(files(MEMBERS_CSV, COMPETENCIES_CSV, AVAILABILITY_CSV))
    assert result.applied
    assert str(result.members) == "0 nieuw, 0 gewijzigd, 2 ongewijzigd"
    assert str(result.competencies) == "0 nieuw, 0 gewijzigd, 3 ongewijzigd"
    assert str(result.availability) == "0 nieuw, 0 gewijzigd, 1 ongewijzigd"
    assert callbacks == []
    assert list(Member.objects.values_list("updated_at", flat=True).order_by("pk")) == before
    assert not Member.objects.filter(matches_stale_since__isnull=False).exists()


def test_import_updates_what_differs_and_keeps_the_rest(org, skills):
    anna = MemberFactory(organisation=org, personnel_number="1001", first_name="Ann")
    own = MemberCompetency.objects.create(member=anna, competency=CompetencyFactory(), level=1)
    MemberCompetency.objects.create(member=anna, competency=skills[0], level=1)
    result = run(files(MEMBERS_CSV, COMPETENCIES_CSV))
    assert str(result.members) == "1 nieuw, 1 gewijzigd, 0 ongewijzigd"
    assert str(result.competencies) == "2 nieuw, 1 gewijzigd, 0 ongewijzigd"
    anna.refresh_from_db()
    assert anna.first_name == "Anna"
    assert anna.competencies.get(competency=skills[0]).level == 3
    assert MemberCompetency.objects.filter(pk=own.pk).exists()  # not in the file: stays


def test_one_bad_row_changes_nothing_and_every_error_names_row_and_column(org, skills):
    MemberFactory(organisation=org, personnel_number="1001", first_name="Ann")
    members = MEMBERS_CSV + (
        "1003;Cas;;cas@;GM9344;;36;40\n"  # no last name, bad e-mail, pool > contract
        "1004;Dirk;Dam;;GM0000;;36;8\n"  # no such organisation
        "1002;Bram;Jansen;;GM9344;;32;8\n"  # twice
        "1005;Eva;Eik;;GM9344;;70;8,25\n"
    )
    competencies = COMPETENCIES_CSV + (
        "9999,GM9344,netwerken,2\n1002,GM9344,bestaat-niet,2\n1002,GM9344,begroten,5\n"
        "1002,GM9344,netwerken,1\n"
    )
    availability = AVAILABILITY_CSV + (
        f"1001,GM9344,{START},{END},8\n"  # overlaps row 2
        f"1002,GM9344,{END},{START},8\n"
        f"1002,GM9344,2020-01-01,2020-02-01,8\n"
        f"1002,GM9344,morgen,{END},99\n"
    )
    result = run(files(members, competencies, availability))
    assert not result.applied
    assert [str(error) for error in result.errors] == [
        "medewerkers, rij 4, achternaam: Vul dit veld in.",
        "medewerkers, rij 5, organisatie: Er is geen organisatie met deze CBS-code.",
        "medewerkers, rij 6, personeelsnummer: Deze medewerker staat ook al in rij 3.",
        "medewerkers, rij 7, contracturen: Vul een aantal uren groter dan 0 en hoogstens 60 in.",
        "competenties, rij 5, personeelsnummer: "
        "Deze medewerker staat niet in het medewerkersbestand en niet in Rolpool.",
        "competenties, rij 6, competentie: Deze competentie staat niet in de catalogus.",
        "competenties, rij 7, niveau: Vul een niveau van 1 tot en met 4 in.",
        "competenties, rij 8, competentie: "
        "Deze competentie staat voor deze medewerker ook al in rij 4.",
        "beschikbaarheid, rij 3, van: Deze periode overlapt met die in rij 2.",
        "beschikbaarheid, rij 4, tot_en_met: De einddatum ligt voor de begindatum.",
        "beschikbaarheid, rij 5, tot_en_met: Deze periode is al voorbij.",
        "beschikbaarheid, rij 6, van: Vul een datum in, zoals 2026-03-01 of 01-03-2026.",
    ]
    assert Member.objects.get().first_name == "Ann"
    assert not MemberCompetency.objects.exists() and not Availability.objects.exists()


@pytest.mark.parametrize(
    ("row", "message"),
    [
        ("1;A;B;x@;GM9344;;36;8", "email: Vul een geldig e-mailadres in."),
        ("1;A;B;;GM9344;;36;40", "pooluren: Dat is meer dan de contracturen."),
        ("1;A;B;;GM9344;;36;8,25", "pooluren: Gebruik hoogstens één decimaal."),
        ("1;A;B;;GM9344;;zes;8", "contracturen: Vul een aantal uren in, zoals 16 of 16,5."),
        ("1;A;B;;Utrecht;;36;8", "organisatie: Vul de CBS-code van de organisatie in"),
        (";A;B;;GM9344;;36;8", "personeelsnummer: Vul dit veld in."),
    ],
)
def test_member_row_messages(org, row, message):
    header = MEMBERS_CSV.splitlines()[0]
    result = run(files(f"{header}\n{row}\n"))
    assert [str(e) for e in result.errors] == [f"medewerkers, rij 2, {message}"] or str(
        result.errors[0]
    ).startswith(f"medewerkers, rij 2, {message}")
    assert not Member.objects.exists()


def test_missing_column_is_reported(org):
    result = run(files("personeelsnummer;voornaam;organisatie\n1;A;GM9344\n"))
    assert [str(e) for e in result.errors] == [
        f"medewerkers, rij 1, {column}: Deze kolom ontbreekt."
        for column in ("achternaam", "contracturen", "pooluren")
    ]


def test_availability_clash_with_a_stored_period(org):
    anna = MemberFactory(organisation=org, personnel_number="1001")
    Availability.objects.create(
        member=anna, start=START, end=START + timedelta(days=3), hours_per_week=4
    )
    result = run(files(MEMBERS_CSV, availability=AVAILABILITY_CSV))
    assert [e.column for e in result.errors] == ["van"]
    assert "al in Rolpool staat" in result.errors[0].message


def test_dry_run_counts_and_changes_nothing(org, skills):
    result = run(files(MEMBERS_CSV, COMPETENCIES_CSV), dry_run=True)
    assert result.ok and not result.applied
    assert str(result.members) == "2 nieuw, 0 gewijzigd, 0 ongewijzigd"
    assert not Member.objects.exists()


def test_xlsx_workbook_with_three_sheets(org, skills):
    run(files(MEMBERS_CSV, COMPETENCIES_CSV, AVAILABILITY_CSV))
    workbook = xlsx_bytes(members_export())
    Member.objects.all().delete()
    result = members_import(tables=read_files({MEMBERS: workbook}))
    assert str(result) == (
        "Medewerkers: 2 nieuw, 0 gewijzigd, 0 ongewijzigd. "
        "Competenties: 3 nieuw, 0 gewijzigd, 0 ongewijzigd. "
        "Beschikbaarheid: 1 nieuw, 0 gewijzigd, 0 ongewijzigd."
    )


def test_not_a_workbook(org):
    from pool.importing import ImportFileError

    with pytest.raises(ImportFileError):
        read_files({MEMBERS: b"PK\x03\x04 rubbish"})


def test_round_trip_is_lossless(org, skills, tmp_path):
    other = OrganisationFactory(cbs_code="GM9599")
    for n, organisation in enumerate([org, other, org]):
        member = MemberFactory(
            organisation=organisation,
            personnel_number=f"00{n}",
            email=f"m{n}@example.org",
            unit='Sociaal domein, team "Jeugd"',
            pool_hours=Decimal("12.5"),
        )
        MemberCompetency.objects.create(member=member, competency=skills[n % 2], level=n + 1)
        Availability.objects.create(member=member, start=START, end=END, hours_per_week=Decimal(6))
    Availability.objects.create(
        member=member,
        start=TODAY - timedelta(days=60),
        end=TODAY - timedelta(days=1),
        hours_per_week=2,
    )  # ended: not exported
    MemberFactory(organisation=Organisation.objects.create(name="Inhuur BV", kind="supplier"))

    call_command("export_members", str(tmp_path / "first"))
    call_command("export_members", str(tmp_path / "first.xlsx"))
    Member.objects.all().delete()
    call_command(
        "import_members",
        str(tmp_path / "first" / "medewerkers.csv"),
        competencies=str(tmp_path / "first" / "competenties.csv"),
        availability=str(tmp_path / "first" / "beschikbaarheid.csv"),
    )
    call_command("export_members", str(tmp_path / "second"))
    for name in (MEMBERS, COMPETENCIES, AVAILABILITY):
        first = (tmp_path / "first" / f"{name}.csv").read_bytes()
        assert (tmp_path / "second" / f"{name}.csv").read_bytes() == first
    assert first.count(b"\r\n") == 4  # header and three periods

    Member.objects.all().delete()
    call_command("import_members", str(tmp_path / "first.xlsx"))
    call_command("export_members", str(tmp_path / "second.xlsx"))
    assert list(xlsx_values((tmp_path / "second.xlsx").read_bytes())) == list(
        xlsx_values((tmp_path / "first.xlsx").read_bytes())
    )
    assert (tmp_path / "second" / "medewerkers.csv").read_bytes() == csv_bytes(
        members_export()[MEMBERS]
    )


def test_import_command_fails_whole_with_messages(org, tmp_path, capsys):
    path = tmp_path / "m.csv"
    path.write_text(MEMBERS_CSV + "1003;Cas;Eik;;GM9344;;36;40\n")
    with pytest.raises(CommandError, match="nothing was imported"):
        call_command("import_members", str(path))
    assert "medewerkers, rij 4, pooluren" in capsys.readouterr().err
    assert not Member.objects.exists()


def test_export_runs_three_queries(org, skills, django_assert_num_queries):
    MemberFactory.create_batch(5, organisation=org)
    with django_assert_num_queries(3):
        members_export()
    MemberFactory.create_batch(20, organisation=org)
    with django_assert_num_queries(3):
        tables = members_export()
    assert len(tables[MEMBERS]) == 26
    assert connection.vendor == "postgresql"
