"""Schemathesis against the published OpenAPI document, through the real Django app.

Every operation gets a bounded number of generated requests, authenticated with a token of
a user who is manager, HR advisor and member at once (so that every kind of answer comes
up), over a small pool with an opgave, a role request, inzet and matches. The checks are
Schemathesis's own defaults, all of them: no server error; every answer (status, content
type, headers, body) as the document says; data the document calls invalid is refused and
data it calls valid is accepted; authentication is not ignored; and the rest.

A generated body that the document calls valid is still made of random identifiers, and
some rules cannot be written in JSON Schema (which UUIDs and codes exist, an end after its
start, at most one decimal in a number of hours). For those, as Schemathesis advises for
test data, the few bodies that refer to other objects are pointed at the seeded ones
(`Seed.realistic`); everything else goes out as generated.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from django.utils import timezone
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.core.parameters import ParameterLocation

from assignments.models import Match, Opgave
from competencies.models import Competency, Role
from config.wsgi import application
from pool import access
from pool.models import Leave, Member
from tests.factories import (
    AssignmentFactory,
    AvailabilityFactory,
    LearningGoalFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleExperienceFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
    UserFactory,
)

ME = "/api/v1/medewerkers/{uuid}"
TODAY = timezone.localdate()


@dataclass
class Seed:
    token: str
    member: Member  # the user's own record
    organisation: str
    opgave: Opgave  # the user's own, still changeable
    role_request: str
    candidate: str  # a member of the user's pool, not the user
    role: str
    competencies: list[str]

    def realistic(self, case) -> None:
        """Point a valid generated request at objects that exist, in the way the rules want:
        the user's own member record and its parts, and the references in a body."""
        if _valid(case, ParameterLocation.PATH) and case.path.startswith(ME):
            case.path_parameters.update(self._own_part(case.path))
        repair = REPAIRS.get((case.method, case.path))
        if repair and isinstance(case.body, dict) and _valid(case, ParameterLocation.BODY):
            repair(self, case.body)

    def _own_part(self, path: str) -> dict[str, str]:
        """The member's own UUID, and the key of one of their rows in the part at `path`."""
        found = {"uuid": str(self.member.uuid)}
        part, _slash, key = path.removeprefix(ME).strip("/").partition("/")
        if key and (value := PART_KEYS[part](self)) is not None:
            found[key.strip("{}")] = str(value)
        return found

    def unheld(self, *held: str) -> str:
        return next(code for code in self.competencies if code not in held)

    def free_period(self, periods, body: dict) -> None:
        """Dates from today on, after the member's other periods of the kind (they may not
        overlap), as long as the generated ones were apart."""
        ends = [period.end for period in periods]
        start = max([TODAY, *(end + timedelta(days=1) for end in ends)])
        days = abs(date.fromisoformat(body["einddatum"]) - date.fromisoformat(body["startdatum"]))
        body["startdatum"] = start.isoformat()
        body["einddatum"] = (start + timedelta(days=days.days % 90)).isoformat()


def _valid(case, location: ParameterLocation) -> bool:
    component = case.meta.components.get(location) if case.meta else None
    return component is not None and component.mode.is_positive


def _hours(value: float, *, at_least: str = "0.1", at_most: Decimal) -> float:
    """A number of hours as the rules take it: one decimal, from `at_least` (more than 0,
    unless said otherwise) up to `at_most` (the contract hours, for a member)."""
    return float(min(max(Decimal(at_least), round(Decimal(str(value)), 1)), at_most))


PART_KEYS: dict[str, Callable[[Seed], object]] = {
    "competenties": lambda s: (
        s.member.competencies.values_list("competency__code", flat=True).order_by("pk").first()
    ),
    "leerdoelen": lambda s: (
        s.member.learning_goals.values_list("competency__code", flat=True).order_by("pk").first()
    ),
    "rolervaringen": lambda s: s.role,
    "beschikbaarheden": lambda s: s.member.availability.values_list("uuid", flat=True).first(),
    "verloven": lambda s: s.member.leave.values_list("uuid", flat=True).first(),
}


def _opgave(seed: Seed, body: dict) -> None:
    body["organisatie"] = seed.organisation
    body["startdatum"], body["einddatum"] = sorted([body["startdatum"], body["einddatum"]])


def _role_request(seed: Seed, body: dict) -> None:
    opgave = seed.opgave
    body["opgave"], body["rol"] = str(opgave.uuid), seed.role
    body["startdatum"], body["einddatum"] = opgave.start.isoformat(), opgave.end.isoformat()
    body["urenPerWeek"] = _hours(body["urenPerWeek"], at_least="0.5", at_most=Decimal(60))
    needs = body.get("competenties", [])[: len(seed.competencies)]
    for need, code in zip(needs, seed.competencies, strict=False):
        need["competentie"] = code
    if "competenties" in body:
        body["competenties"] = needs


def _proposal(seed: Seed, body: dict) -> None:
    body["rolvraag"], body["medewerker"] = seed.role_request, seed.candidate


def _details(seed: Seed, body: dict) -> None:
    if "poolUrenPerWeek" in body:
        contract = seed.member.contract_hours
        body["poolUrenPerWeek"] = _hours(body["poolUrenPerWeek"], at_least="0", at_most=contract)


def _competency(seed: Seed, body: dict) -> None:
    body["competentie"] = seed.unheld(
        *seed.member.competencies.values_list("competency__code", flat=True)
    )


def _learning_goal(seed: Seed, body: dict) -> None:
    body["competentie"] = seed.unheld(
        *seed.member.competencies.values_list("competency__code", flat=True),
        *seed.member.learning_goals.values_list("competency__code", flat=True),
    )


def _availability(seed: Seed, body: dict) -> None:
    seed.free_period(seed.member.availability.all(), body)
    body["urenPerWeek"] = _hours(body["urenPerWeek"], at_most=seed.member.contract_hours)


def _leave(seed: Seed, body: dict) -> None:
    seed.free_period(seed.member.leave.all(), body)


REPAIRS: dict[tuple[str, str], Callable[[Seed, dict], None]] = {
    ("POST", "/api/v1/opgaven"): _opgave,
    ("POST", "/api/v1/rolvragen"): _role_request,
    ("POST", "/api/v1/inzetten"): _proposal,
    ("PATCH", ME): _details,
    ("POST", f"{ME}/competenties"): _competency,
    ("POST", f"{ME}/leerdoelen"): _learning_goal,
    ("POST", f"{ME}/beschikbaarheden"): _availability,
    ("POST", f"{ME}/verloven"): _leave,
}


@pytest.fixture
def seed(in_test_transaction) -> Seed:
    user = UserFactory(groups=[access.MANAGER, access.HR_ADVISOR, access.MEMBER])
    organisation = OrganisationFactory(shares_members=True)
    organisation.hr_advisors.add(user)
    member = MemberFactory(organisation=organisation, user=user)
    MemberCompetencyFactory(member=member)
    LearningGoalFactory(member=member)
    RoleExperienceFactory(member=member)
    AvailabilityFactory(member=member)
    Leave.objects.create(member=member, start=TODAY, end=TODAY)
    role_request = RoleRequestFactory(opgave__organisation=organisation, opgave__owner=user)
    RoleRequestCompetencyFactory(role_request=role_request)
    AssignmentFactory(role_request=role_request, member=member)
    candidate = MemberFactory(organisation=organisation)
    Match.objects.create(
        role_request=role_request,
        member=candidate,
        score=80,
        in_request_top=True,
        computed_at=role_request.created_at,
        explanation={"parts": {"competency": {"value": 0.5, "weight": 3}}},
    )
    return Seed(
        token=Token.objects.create(user=user).key,
        member=member,
        organisation=str(organisation.uuid),
        opgave=OpgaveFactory(organisation=organisation, owner=user),
        role_request=str(role_request.uuid),
        candidate=str(candidate.uuid),
        role=Role.objects.filter(is_active=True).values_list("code", flat=True).first(),
        competencies=list(
            Competency.objects.filter(is_active=True, group__is_active=True).values_list(
                "code", flat=True
            )
        ),
    )


@pytest.fixture
def in_test_transaction(db):
    """Requests through the WSGI app keep the test's connection (and transaction) open, as
    Django's test client arranges for its own requests."""
    signals.request_started.disconnect(close_old_connections)
    signals.request_finished.disconnect(close_old_connections)
    yield
    signals.request_started.connect(close_old_connections)
    signals.request_finished.connect(close_old_connections)


# The published document, read through the app when the tests are collected (making it
# needs no database).
schema = schemathesis.openapi.from_wsgi("/api/v1/openapi.json", application)


@schema.parametrize()
# Derandomised: the same requests every run, so that the suite stays reproducible.
@settings(max_examples=5, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case, seed):
    seed.realistic(case)
    case.call_and_validate(headers={"Authorization": f"Token {seed.token}"})
