"""Deterministic demo data: real municipalities, a pool of members, opgaven in every state.

Everything is drawn from one seeded random generator and inserted in bulk, so that the
same seed gives the same data and 20,000 members load in well under two minutes.
Dates are relative to `today`, so the demo stays current.
"""

from __future__ import annotations

import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.db import transaction
from faker import Faker

from assignments.models import (
    Assignment,
    AssignmentTransition,
    Opgave,
    OpgaveLogEntry,
    Release,
    RoleRequest,
    RoleRequestCompetency,
)
from assignments.services import matches_invalidate_all
from competencies.models import Competency, Role
from pool import access
from pool.models import (
    Availability,
    LearningGoal,
    Leave,
    Member,
    MemberCompetency,
    Organisation,
    RoleExperience,
)

CBS_FILE = Path(__file__).resolve().parent.parent / "pool" / "data" / "cbs-gemeenten-2023.csv"

# (CBS code, shares members, line manager must release hours)
DEMO_MUNICIPALITIES = (
    ("GM0344", True, False),  # Utrecht
    ("GM0307", True, False),  # Amersfoort
    ("GM0355", True, True),  # Zeist
    ("GM0356", False, True),  # Nieuwegein
)
SUPPLIER_NAME = "Publiek Vakwerk B.V."
DEMO_PASSWORD = "demo"  # noqa: S105 - the documented password of the demo accounts
DEMO_ACCOUNTS = (
    ("hr", "Hanneke", "Rijpma", access.HR_ADVISOR),
    ("manager", "Marco", "Aydın", access.MANAGER),
    ("medewerker", "Mirjam", "de Wit", access.MEMBER),
    ("beheer", "Bas", "Everts", access.ADMINISTRATOR),
    ("leidinggevende", "Linda", "Goedhart", access.LINE_MANAGER),
)
UNITS = (
    "Sociaal Domein",
    "Ruimte",
    "Stadsontwikkeling",
    "Bedrijfsvoering",
    "Publiekszaken",
    "Financiën",
    "Economie en Cultuur",
    "Veiligheid",
    "Informatievoorziening",
    "Bestuur en Communicatie",
)
OPGAVE_THEMES = (
    ("Warmtetransitie {place}", "Aardgasvrij maken van bestaande wijken samen met bewoners."),
    ("Huisvesting statushouders {place}", "Snel en passend wonen voor nieuwkomers."),
    ("Jeugdzorg anders organiseren", "Minder doorverwijzen, meer ondersteuning dichtbij."),
    ("Omgevingsvisie {place}", "Samenhangende visie op wonen, werken en groen."),
    ("Mobiliteitsplan binnenstad", "Autoluw centrum met goede bereikbaarheid."),
    ("Armoede en schulden", "Vroegsignalering van schulden met partners in de wijk."),
    ("Klimaatadaptatie {place}", "Wijken voorbereiden op hitte en wateroverlast."),
    ("Regionale woningbouwopgave", "Versnellen van woningbouw met corporaties en regio."),
    ("Digitale dienstverlening", "Inwoners regelen zaken eenvoudig online."),
    ("Vitale winkelcentra", "Leegstand tegengaan met ondernemers en eigenaren."),
    ("Inclusieve arbeidsmarkt", "Meer inwoners aan het werk met werkgevers in de regio."),
    ("Ondermijning aanpakken", "Samen met politie en OM criminele structuren doorbreken."),
)
# Out of every twenty opgaven: so even a small demo has every state.
OPGAVE_STATUS_CYCLE = (
    [Opgave.Status.CONCEPT] * 3
    + [Opgave.Status.OPEN] * 7
    + [Opgave.Status.IN_PROGRESS] * 6
    + [Opgave.Status.COMPLETED] * 3
    + [Opgave.Status.CANCELLED]
)
BATCH = 5000
# Accepted inzet waiting for the line manager's release, so `leidinggevende` has work.
DEMO_RELEASES = 3


@dataclass
class DemoCounts:
    organisations: int = 0
    members: int = 0
    opgaven: int = 0
    role_requests: int = 0
    assignments: int = 0


def municipalities(codes: set[str]) -> dict[str, tuple[str, str]]:
    """Name and province of the given CBS codes, from the CBS list of 2023."""
    with CBS_FILE.open(encoding="utf-8") as handle:
        return {
            row["GemeentecodeGM"]: (row["Gemeentenaam"], row["Provincienaam"])
            for row in csv.DictReader(handle)
            if row["GemeentecodeGM"] in codes
        }


def week_start(day: date) -> date:
    return day - timedelta(days=day.weekday())


@transaction.atomic
def demo_seed(*, members: int, opgaven: int, seed: int, today: date) -> DemoCounts:
    """Create the demo data set. Precondition: the database holds no members yet."""
    rng = random.Random(seed)
    fake = Faker("nl_NL")
    fake.seed_instance(seed)
    password = make_password(DEMO_PASSWORD)

    organisations = _organisations()
    users = _accounts(password)
    municipalities_only = [o for o in organisations if o.kind == Organisation.Kind.MUNICIPALITY]
    for organisation in organisations:
        organisation.hr_advisors.add(users["hr"])

    competencies = list(Competency.objects.filter(is_active=True).order_by("pk"))
    roles = list(Role.objects.order_by("order", "pk"))
    core_roles = [role for role in roles if role.is_core]
    pool = _members(rng, fake, members, organisations, users, today)
    _profiles(rng, pool, competencies, core_roles, today)
    requests = _opgaven(
        rng, opgaven, municipalities_only, users["manager"], competencies, core_roles, roles, today
    )
    assignment_count = _assignments(rng, requests, pool, users)
    # No matches yet: have the worker compute them all once this commits.
    matches_invalidate_all()
    return DemoCounts(
        organisations=len(organisations),
        members=len(pool),
        opgaven=opgaven,
        role_requests=len(requests),
        assignments=assignment_count,
    )


def _organisations() -> list[Organisation]:
    names = municipalities({code for code, _, _ in DEMO_MUNICIPALITIES})
    organisations = [
        Organisation.objects.create(
            name=names[code][0],
            province=names[code][1],
            cbs_code=code,
            kind=Organisation.Kind.MUNICIPALITY,
            shares_members=shares,
            requires_release=release,
        )
        for code, shares, release in DEMO_MUNICIPALITIES
    ]
    organisations.append(
        Organisation.objects.create(
            name=SUPPLIER_NAME, kind=Organisation.Kind.SUPPLIER, shares_members=True
        )
    )
    return organisations


def _accounts(password: str) -> dict[str, User]:
    users = {}
    for username, first_name, last_name, group in DEMO_ACCOUNTS:
        user = User.objects.create(
            username=username,
            first_name=first_name,
            last_name=last_name,
            email=f"{username}@rolpool.example",
            password=password,
            is_staff=group == access.ADMINISTRATOR,
        )
        user.groups.add(Group.objects.get(name=group))
        users[username] = user
    return users


def _members(rng, fake, count, organisations, users, today) -> list[Member]:
    supplier = organisations[-1]
    pool = []
    for index in range(count):
        # One in twelve is hired in from the supplier; the rest spread over the municipalities.
        external = rng.random() < 1 / 12
        organisation = supplier if external else rng.choice(organisations[:-1])
        contract = Decimal(rng.choice((24, 28, 32, 36, 36, 36, 40)))
        pool_hours = min(contract, Decimal(rng.choice((4, 8, 8, 12, 16, 16, 20, 24))))
        pool.append(
            Member(
                organisation=organisation,
                personnel_number=f"P{index + 1:06d}",
                first_name=fake.first_name(),
                last_name=fake.last_name(),
                unit=rng.choice(UNITS),
                contract_hours=contract,
                pool_hours=pool_hours,
                is_external=external,
                shareable=rng.random() < 0.5,
                line_manager=users["leidinggevende"] if organisation.requires_release else None,
                profile_confirmed_at=None,
            )
        )
    # The demo member is the first one, a civil servant with an account, of a municipality
    # that requires release: so accept, release and confirm can all be tried.
    demo = pool[0]
    demo.user = users["medewerker"]
    demo.first_name, demo.last_name = users["medewerker"].first_name, users["medewerker"].last_name
    demo.organisation = next(o for o in organisations if o.requires_release)
    demo.is_external = False
    demo.contract_hours, demo.pool_hours = Decimal(36), Decimal(16)
    demo.line_manager = users["leidinggevende"]
    for member in pool:
        member.email = f"{member.personnel_number.lower()}@rolpool.example"
    return Member.objects.bulk_create(pool, batch_size=BATCH)


def _profiles(rng, pool, competencies, core_roles, today) -> None:
    levels, experience, availability, leave, goals = [], [], [], [], []
    for member in pool:
        held = {
            competency.pk: rng.choices((1, 2, 3, 4), weights=(2, 4, 3, 1))[0]
            for competency in rng.sample(competencies, rng.randint(5, min(12, len(competencies))))
        }
        levels.extend(
            MemberCompetency(member=member, competency_id=pk, level=level)
            for pk, level in held.items()
        )
        for role in core_roles:
            experience.append(
                RoleExperience(
                    member=member,
                    role=role,
                    experience=rng.choices((0, 1, 2, 3), weights=(4, 3, 2, 1))[0],
                    preference=rng.choices((0, 1, 2), weights=(1, 3, 2))[0],
                )
            )
        if rng.random() < 0.3:
            start = week_start(today) + timedelta(weeks=rng.randint(0, 12))
            availability.append(
                Availability(
                    member=member,
                    start=start,
                    end=start + timedelta(weeks=rng.randint(4, 26), days=-1),
                    hours_per_week=min(member.contract_hours, Decimal(rng.choice((8, 16, 24)))),
                )
            )
        if rng.random() < 0.1:
            start = week_start(today) + timedelta(weeks=rng.randint(1, 20))
            leave.append(
                Leave(member=member, start=start, end=start + timedelta(weeks=rng.randint(1, 3)))
            )
        if rng.random() < 0.4:
            competency = rng.choice(competencies)
            current_level = held.get(competency.pk, 0)
            if current_level < 4:
                goals.append(
                    LearningGoal(
                        member=member,
                        competency=competency,
                        target_level=rng.randint(current_level + 1, 4),
                    )
                )
    for model, rows in (
        (MemberCompetency, levels),
        (RoleExperience, experience),
        (Availability, availability),
        (Leave, leave),
        (LearningGoal, goals),
    ):
        model.objects.bulk_create(rows, batch_size=BATCH)


def _opgaven(rng, count, organisations, owner, competencies, core_roles, roles, today):
    opgaven = []
    for index in range(count):
        title, description = OPGAVE_THEMES[index % len(OPGAVE_THEMES)]
        organisation = rng.choice(organisations)
        status = OPGAVE_STATUS_CYCLE[index % len(OPGAVE_STATUS_CYCLE)]
        if status in (Opgave.Status.COMPLETED, Opgave.Status.CANCELLED):
            start = week_start(today) - timedelta(weeks=rng.randint(30, 60))
        elif status == Opgave.Status.IN_PROGRESS:
            start = week_start(today) - timedelta(weeks=rng.randint(2, 20))
        else:
            start = week_start(today) + timedelta(weeks=rng.randint(1, 16))
        end = start + timedelta(weeks=rng.randint(16, 52), days=-1)
        number = f" ({index // len(OPGAVE_THEMES) + 1})" if index >= len(OPGAVE_THEMES) else ""
        opgaven.append(
            Opgave(
                title=title.format(place=organisation.name) + number,
                description=description,
                organisation=organisation,
                owner=owner,
                predictability=rng.choice(Opgave.Predictability.values[1:]),
                complexity=rng.choice(Opgave.Complexity.values),
                governance=rng.choice(Opgave.Governance.values),
                status=status,
                start=start,
                end=end,
            )
        )
    opgaven = Opgave.objects.bulk_create(opgaven, batch_size=BATCH)
    OpgaveLogEntry.objects.bulk_create(
        [
            OpgaveLogEntry(
                opgave=o, actor=owner, action="created", to_status=o.status, data={"demo": True}
            )
            for o in opgaven
        ],
        batch_size=BATCH,
    )

    requests, needs = [], []
    for opgave in opgaven:
        chosen = rng.sample(core_roles, rng.randint(2, len(core_roles)))
        if rng.random() < 0.2:
            chosen.append(rng.choice([r for r in roles if r.is_optional] or core_roles))
        for role in dict.fromkeys(chosen):
            request = RoleRequest(
                opgave=opgave,
                role=role,
                hours_per_week=Decimal(rng.choice((4, 8, 8, 12, 16))),
                people=rng.choices((1, 2), weights=(5, 1))[0],
                open_to_development=rng.random() < 0.3,
                start=opgave.start,
                end=opgave.end,
                status=_request_status(opgave.status),
            )
            requests.append(request)
    requests = RoleRequest.objects.bulk_create(requests, batch_size=BATCH)
    for request in requests:
        for position, competency in enumerate(rng.sample(competencies, rng.randint(2, 5))):
            needs.append(
                RoleRequestCompetency(
                    role_request=request,
                    competency=competency,
                    min_level=rng.choices((1, 2, 3, 4), weights=(1, 4, 4, 1))[0],
                    required=position < 2 or rng.random() < 0.3,
                )
            )
    RoleRequestCompetency.objects.bulk_create(needs, batch_size=BATCH)
    return requests


def _request_status(opgave_status: str) -> str:
    if opgave_status == Opgave.Status.CANCELLED:
        return RoleRequest.Status.WITHDRAWN
    if opgave_status in (Opgave.Status.IN_PROGRESS, Opgave.Status.COMPLETED):
        return RoleRequest.Status.FILLED
    return RoleRequest.Status.OPEN


def _assignments(rng, requests, pool, users) -> int:
    """Staff filled requests and propose on some open ones, never past a member's hours.

    Each member gets at most one active inzet here, with hours within their pool hours,
    so the demo never overbooks anyone whatever their availability periods say.
    """
    demo_member = next(m for m in pool if m.user_id is not None)
    others = [m for m in pool if m.user_id is None]
    rng.shuffle(others)
    free = iter(others)
    assignments, transitions = [], []
    for request in requests:
        state = _demo_state(rng, request)
        if state is None:
            continue
        slots = 1 if state == Assignment.State.PROPOSED else request.people
        for _ in range(slots):
            # Members skipped for having too few hours simply stay without inzet.
            member = next((m for m in free if m.pool_hours >= request.hours_per_week), None)
            if member is None:
                break
            assignments.append(_assignment(request, member, state))
    # A proposal waits for the demo member, so that logging in as `medewerker` shows one.
    waiting = next(
        (
            r
            for r in requests
            if r.opgave.status == Opgave.Status.OPEN
            and r.hours_per_week <= demo_member.pool_hours
            and not any(a.role_request is r for a in assignments)
        ),
        None,
    )
    if waiting is not None:
        assignments.append(_assignment(waiting, demo_member, Assignment.State.PROPOSED))
    staffed = {id(a.role_request) for a in assignments}
    unstaffed = (
        r for r in requests if r.opgave.status == Opgave.Status.OPEN and id(r) not in staffed
    )
    managed = (m for m in free if m.line_manager_id is not None)
    for request, member in zip(unstaffed, managed, strict=False):
        if len([a for a in assignments if a.state == Assignment.State.ACCEPTED]) == DEMO_RELEASES:
            break
        if member.pool_hours >= request.hours_per_week:
            assignments.append(_assignment(request, member, Assignment.State.ACCEPTED))
    assignments = Assignment.objects.bulk_create(assignments, batch_size=BATCH)
    Release.objects.bulk_create(
        Release(assignment=a) for a in assignments if a.state == Assignment.State.ACCEPTED
    )
    path = {
        Assignment.State.PROPOSED: ["proposed"],
        Assignment.State.ACCEPTED: ["proposed", "accepted"],
        Assignment.State.CONFIRMED: ["proposed", "accepted", "confirmed"],
        Assignment.State.COMPLETED: ["proposed", "accepted", "confirmed", "completed"],
    }
    for assignment in assignments:
        previous = ""
        for state in path[assignment.state]:
            transitions.append(
                AssignmentTransition(
                    assignment=assignment,
                    from_state=previous,
                    to_state=state,
                    by=users["hr"],
                    reason="demo",
                )
            )
            previous = state
    AssignmentTransition.objects.bulk_create(transitions, batch_size=BATCH)
    return len(assignments)


def _demo_state(rng, request) -> str | None:
    """The inzet state a demo request gets: staffed when running, sometimes proposed when open."""
    if request.status == RoleRequest.Status.FILLED:
        if request.opgave.status == Opgave.Status.COMPLETED:
            return Assignment.State.COMPLETED
        return Assignment.State.CONFIRMED
    if request.opgave.status == Opgave.Status.OPEN and rng.random() < 0.3:
        return Assignment.State.PROPOSED
    return None


def _assignment(request, member, state) -> Assignment:
    return Assignment(
        role_request=request,
        member=member,
        hours_per_week=request.hours_per_week,
        start=request.start,
        end=request.end,
        state=state,
    )


def bench_dataset(*, members: int, requests: int, competencies: int, seed: int, today: date):
    """The benchmark pool: demo members over `competencies` competencies, `requests` open
    role requests on open opgaven. Precondition: the database holds no members yet.
    """
    rng = random.Random(seed)
    group = Competency.objects.order_by("pk").first().group
    missing = competencies - Competency.objects.filter(is_active=True).count()
    Competency.objects.bulk_create(
        Competency(
            group=group,
            code=f"bench-{index}",
            name_nl=f"Benchmarkcompetentie {index}",
            name_en=f"Benchmark competency {index}",
        )
        for index in range(max(0, missing))
    )
    demo_seed(members=members, opgaven=0, seed=seed, today=today)
    catalogue = list(Competency.objects.filter(is_active=True).order_by("pk"))
    roles = list(Role.objects.filter(is_core=True).order_by("order", "pk"))
    owner = User.objects.get(username="manager")
    organisations = list(Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY))
    per_opgave = len(roles)
    opgaven = Opgave.objects.bulk_create(
        [
            _bench_opgave(rng, index, rng.choice(organisations), owner, today)
            for index in range(-(-requests // per_opgave))
        ],
        batch_size=BATCH,
    )
    wanted = [
        RoleRequest(
            opgave=opgave,
            role=role,
            hours_per_week=Decimal(rng.choice((4, 8, 8, 12, 16))),
            people=rng.choices((1, 2), weights=(5, 1))[0],
            open_to_development=rng.random() < 0.3,
            start=opgave.start,
            end=opgave.end,
        )
        for opgave in opgaven
        for role in roles
    ][:requests]
    wanted = RoleRequest.objects.bulk_create(wanted, batch_size=BATCH)
    RoleRequestCompetency.objects.bulk_create(
        [
            RoleRequestCompetency(
                role_request=request,
                competency=competency,
                min_level=rng.choices((1, 2, 3, 4), weights=(1, 4, 4, 1))[0],
                required=position < 3,
            )
            for request in wanted
            for position, competency in enumerate(rng.sample(catalogue, 6))
        ],
        batch_size=BATCH,
    )


def _bench_opgave(rng, index, organisation, owner, today) -> Opgave:
    start = week_start(today) + timedelta(weeks=rng.randint(0, 26))
    return Opgave(
        title=f"Benchmarkopgave {index}",
        organisation=organisation,
        owner=owner,
        predictability=Opgave.Predictability.UNPREDICTABLE,
        complexity=Opgave.Complexity.COMPLEX,
        status=Opgave.Status.OPEN,
        start=start,
        end=start + timedelta(weeks=rng.randint(12, 52), days=-1),
    )
