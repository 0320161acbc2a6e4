"""Who may do what: every URL pattern × every group × own or someone else's object × method.

One table, MATRIX, holds the expected status of every request. The test walks the URL
resolver, so a new URL without a row fails `test_every_url_pattern_has_a_row`: add one
line to MATRIX, e.g.

    "app:name": (OPGAVE, {"GET": "302 404 200|404 200|404 403 403"}),

The second item maps each method to six expected statuses, one per group in GROUPS order:
anonymous, medewerker, opdrachtgever, HR-adviseur, leidinggevende, functioneel beheerder.
For URLs of an object, "own|other" gives the status for the group's own object (its
opgave, its organisation's request, its own proposal) and for one of another user or
organisation; a single status applies to both. Anonymous requests to pages answer 302 to
the login page; to the API 401.

The world: organisation A, served by the HR advisor, with the member, the manager's opgave
and the line manager; organisation B with another member, manager, HR advisor and opgave.
No group gets at B's objects by guessing their ids (`test_no_object_of_others_leaks`).
"""

# ruff: noqa: E501 - MATRIX reads as one line per URL; the formatter leaves it (fmt: off).
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import pytest
from django.contrib.auth.models import User
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from django.utils import timezone
from rest_framework.authtoken.models import Token

from assignments.models import Assignment, AutostaffRun, Match, Release
from competencies.models import Competency, Role
from config.api.problems import PROBLEM_CONTENT_TYPE as PROBLEM
from notifications.models import Notification
from pool import access
from tests.factories import (
    TODAY,
    AssignmentFactory,
    AvailabilityFactory,
    LearningGoalFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleExperienceFactory,
    RoleRequestFactory,
    UserFactory,
)
from tests.oidc_provider import oidc_settings

ANON = "anonymous"
GROUPS = (
    ANON,
    access.MEMBER,
    access.MANAGER,
    access.HR_ADVISOR,
    access.LINE_MANAGER,
    access.ADMINISTRATOR,
)


@dataclass
class World:
    users: dict[str, User]  # group → user of organisation A
    others: dict[str, User]  # group → user of organisation B
    own: dict[str, Any]
    other: dict[str, Any]


def _side(organisation, users: dict[str, User], *, requires_release: bool) -> dict[str, Any]:
    """Everything of one organisation that a URL can point at."""
    organisation.requires_release = requires_release
    organisation.save()
    organisation.hr_advisors.add(users[access.HR_ADVISOR])
    member = MemberFactory(
        organisation=organisation,
        user=users[access.MEMBER],
        line_manager=users[access.LINE_MANAGER],
    )
    opgave = OpgaveFactory(organisation=organisation, owner=users[access.MANAGER])
    request = RoleRequestFactory(opgave=opgave)
    accepted = AssignmentFactory(
        role_request=RoleRequestFactory(opgave=opgave),
        member=member,
        state=Assignment.State.ACCEPTED,
    )
    Release.objects.create(assignment=accepted)
    Match.objects.create(
        role_request=request,
        member=member,
        score=80,
        explanation={},
        in_request_top=True,
        computed_at=timezone.now(),
    )
    return {
        "organisation": organisation,
        "member": member,
        "opgave": opgave,
        "request": request,
        "proposal": AssignmentFactory(role_request=request, member=member),
        "accepted": accepted,
        "competency": MemberCompetencyFactory(member=member),
        "availability": AvailabilityFactory(member=member),
        "leave": member.leave.create(start=TODAY, end=TODAY + timedelta(days=3)),
        "learning_goal": LearningGoalFactory(member=member),
        "role_experience": RoleExperienceFactory(member=member),
        "run": AutostaffRun.objects.create(created_by=users[access.HR_ADVISOR]),
    }


@pytest.fixture(autouse=True)
def single_sign_on(settings):
    """Single sign-on on (tests/security/test_oidc.py logs in for real; no row reaches the
    provider, which does not exist)."""
    oidc_settings(
        settings,
        **{name: f"https://login.example.nl/{name}" for name in ("authorization", "token", "user")},
    )


@pytest.fixture
def world(db) -> World:
    def accounts() -> dict[str, User]:
        made = {g: UserFactory(groups=[g]) for g in GROUPS if g != ANON}
        made[access.ADMINISTRATOR].is_staff = True
        made[access.ADMINISTRATOR].save()
        return made

    users, others = accounts(), accounts()
    for user in [*users.values(), *others.values()]:
        Token.objects.create(user=user)
    return World(
        users=users,
        others=others,
        own=_side(OrganisationFactory(), users, requires_release=True),
        other=_side(OrganisationFactory(), others, requires_release=True),
    )


# --- How a URL's arguments are found for "own" and "other" ---------------------------------


def _of(key: str, attribute: str = "uuid", kwarg: str = "uuid"):
    return lambda w, side, user: {kwarg: getattr(side[key], attribute)}


def _notification(w: World, side: dict, user: User | None) -> dict:
    """The requester's own notification, or one of somebody else (organisation B)."""
    own = user or w.users[access.MEMBER]
    recipient = own if side is w.own else w.others[access.MEMBER]
    return {"uuid": Notification.objects.create(recipient=recipient, kind="proposed").uuid}


NONE = None
OPGAVE = _of("opgave")
REQUEST = _of("request")
PROPOSAL = _of("proposal")
ACCEPTED = _of("accepted")
MEMBER = _of("member")
ORGANISATION = _of("organisation")
RUN = _of("run")
NOTIFICATION = _notification
OPGAVE_REQUEST = lambda w, side, user: {  # noqa: E731
    "uuid": side["opgave"].uuid,
    "role_request": side["request"].uuid,
}
PK = {
    name: _of(name, "pk", "pk") for name in ("competency", "availability", "leave", "learning_goal")
}


def _part(key: str, kwarg: str, path: str):
    """A part of the member's profile: the member's UUID and the part's own key."""

    def kwargs(w: World, side: dict, user: User | None) -> dict:
        value = side[key]
        for attribute in path.split("."):
            value = getattr(value, attribute)
        return {"uuid": side["member"].uuid, kwarg: value}

    return kwargs


MEMBER_COMPETENCY = _part("competency", "code", "competency.code")
LEARNING_GOAL = _part("learning_goal", "code", "competency.code")
ROLE_EXPERIENCE = _part("role_experience", "code", "role.code")
AVAILABILITY = _part("availability", "periode", "uuid")
LEAVE = _part("leave", "periode", "uuid")
COMPETENCY_CODE = lambda w, side, user: {"code": Competency.objects.first().code}  # noqa: E731
ROLE_CODE = lambda w, side, user: {"code": Role.objects.first().code}  # noqa: E731
EXPORT = lambda w, side, user: {"filename": "rolpool-medewerkers.xlsx"}  # noqa: E731

# Columns: anonymous, medewerker, opdrachtgever, HR-adviseur, leidinggevende, beheerder.
# Requests carry no form data: where an allowed user gets 200 on a POST, the form came back
# with its errors; 400 and 409 are refusals by the rules (a step out of order, no hours
# left), not by permission. An API list answers 403 to the groups that do not see that
# collection in the browser either, and to the others what they may see (issue 7).
# fmt: off
MATRIX: dict[str, tuple[Any, dict[str, str]]] = {
    # Site
    "home": (NONE, {"GET": "302 302 302 302 302 302"}),
    "health": (NONE, {"GET": "200 200 200 200 200 200"}),
    "ready": (NONE, {"GET": "503 503 503 503 503 503"}),
    "login": (NONE, {"GET": "200 302 302 302 302 302", "POST": "200 302 302 302 302 302"}),
    "logout": (NONE, {"POST": "302 302 302 302 302 302"}),
    "oidc_authentication_init": (NONE, {"GET": "302 302 302 302 302 302"}),  # to the provider
    "oidc_authentication_callback": (NONE, {"GET": "302 302 302 302 302 302"}),  # no code: login page
    "set_language": (NONE, {"POST": "302 302 302 302 302 302"}),
    # Mijn profiel (pool)
    "pool:profile": (NONE, {"GET": "302 200 403 403 403 403"}),
    "pool:details": (NONE, {"POST": "302 200 403 403 403 403"}),
    "pool:confirm": (NONE, {"POST": "302 302 403 403 403 403"}),
    "pool:competency_add": (NONE, {"POST": "302 200 403 403 403 403"}),
    "pool:competency_search": (NONE, {"GET": "302 200 403 403 403 403"}),
    "pool:competency_row": (PK["competency"], {"GET": "302 302|404 403 403 403 403"}),
    "pool:competency_edit": (PK["competency"], {"GET": "302 200|404 403 403 403 403", "POST": "302 200|404 403 403 403 403"}),
    "pool:competency_remove": (PK["competency"], {"POST": "302 302|404 403 403 403 403"}),
    "pool:role_experience": (NONE, {"POST": "302 200 403 403 403 403"}),
    "pool:availability_add": (NONE, {"POST": "302 200 403 403 403 403"}),
    "pool:availability_remove": (PK["availability"], {"POST": "302 302|404 403 403 403 403"}),
    "pool:leave_add": (NONE, {"POST": "302 200 403 403 403 403"}),
    "pool:leave_remove": (PK["leave"], {"POST": "302 302|404 403 403 403 403"}),
    "pool:learning_goal_add": (NONE, {"POST": "302 200 403 403 403 403"}),
    "pool:learning_goal_remove": (PK["learning_goal"], {"POST": "302 302|404 403 403 403 403"}),
    "pool:member_import": (NONE, {"GET": "302 403 403 403 403 200", "POST": "302 403 403 403 403 200"}),
    "pool:member_export": (EXPORT, {"GET": "302 403 403 403 403 200"}),
    # Opgaven (opdrachtgever; HR reads)
    "assignments:opgave_list": (NONE, {"GET": "302 403 200 200 403 403"}),
    "assignments:opgave_create": (NONE, {"GET": "302 403 200 403 403 403", "POST": "302 403 200 403 403 403"}),
    "assignments:opgave_detail": (OPGAVE, {"GET": "302 403 200|404 200|404 403 403"}),
    "assignments:opgave_update": (OPGAVE, {"GET": "302 403 200|404 403 403 403", "POST": "302 403 200|404 403 403 403"}),
    "assignments:opgave_open": (OPGAVE, {"POST": "302 403 302|404 403 403 403"}),
    "assignments:opgave_complete": (OPGAVE, {"GET": "302 403 200|404 403 403 403", "POST": "302 403 200|404 403 403 403"}),
    "assignments:opgave_cancel": (OPGAVE, {"GET": "302 403 200|404 403 403 403", "POST": "302 403 200|404 403 403 403"}),
    "assignments:opgave_copy": (OPGAVE, {"POST": "302 403 200|404 403 403 403"}),
    "assignments:opgave_history": (OPGAVE, {"GET": "302 403 200|404 200|404 403 403"}),
    "assignments:role_request_create": (OPGAVE, {"GET": "302 403 302|404 403 403 403", "POST": "302 403 200|404 403 403 403"}),
    "assignments:role_requests_core": (OPGAVE, {"POST": "302 403 302|404 403 403 403"}),
    "assignments:role_request_update": (OPGAVE_REQUEST, {"GET": "302 403 200|404 403 403 403", "POST": "302 403 200|404 403 403 403"}),
    "assignments:role_request_remove": (OPGAVE_REQUEST, {"POST": "302 403 302|404 403 403 403"}),
    "assignments:role_request_match_status": (OPGAVE_REQUEST, {"GET": "302 403 302|404 302|404 403 403"}),
    # Bezetting (HR-adviseur)
    "assignments:board": (NONE, {"GET": "302 403 403 200 403 403"}),
    "hr:role_request": (REQUEST, {"GET": "302 403 403 200|404 403 403"}),
    "hr:role_request_action": (REQUEST, {"POST": "302 403 403 404 403 403"}),
    "hr:autostaff": (NONE, {"GET": "302 403 403 200 403 403"}),
    "hr:autostaff_start": (NONE, {"POST": "302 403 403 302 403 403"}),
    "hr:autostaff_run": (RUN, {"GET": "302 403 403 200|404 403 403"}),
    "hr:autostaff_apply": (RUN, {"POST": "302 403 403 302|404 403 403"}),
    "hr:capacity": (NONE, {"GET": "302 403 403 200 403 403"}),
    "hr:shortages": (NONE, {"GET": "302 403 403 200 403 403"}),
    "hr:distribution": (NONE, {"GET": "302 403 403 200 403 403"}),
    # De medewerker: voorstellen, inzet, kansen
    "member:proposals": (NONE, {"GET": "302 200 403 403 403 403"}),
    "member:proposal_answer": (PROPOSAL, {"POST": "302 302|404 403 403 403 403"}),
    "member:assignments": (NONE, {"GET": "302 200 403 403 403 403"}),
    "member:opportunities": (NONE, {"GET": "302 200 403 403 403 403"}),
    # Leidinggevende: vrijgaven
    "releases:pending": (NONE, {"GET": "302 403 403 403 200 403"}),
    "releases:history": (NONE, {"GET": "302 403 403 403 200 403"}),
    "releases:decide": (ACCEPTED, {"POST": "302 403 403 403 302|404 403"}),
    # Meldingen: everyone with an account, own notifications only
    "notifications:list": (NONE, {"GET": "302 200 200 200 200 200"}),
    "notifications:unread": (NONE, {"GET": "302 200 200 200 200 200"}),
    "notifications:mark_all_read": (NONE, {"POST": "302 302 302 302 302 302"}),
    "notifications:mark_read": (NOTIFICATION, {"POST": "302 302|404 302|404 302|404 302|404 302|404"}),
    "notifications:preferences": (NONE, {"GET": "302 200 200 200 200 200", "POST": "302 200 200 200 200 200"}),  # an empty POST lacks the language: the form again
    # Privacy and audit
    "privacy:my_data": (NONE, {"GET": "302 200 403 403 403 403"}),
    "privacy:my_data_download": (NONE, {"GET": "302 200 403 403 403 403"}),
    "privacy:member_anonymise": (MEMBER, {"GET": "302 403 403 403 403 200", "POST": "302 403 403 403 403 400"}),
    "audit:log": (NONE, {"GET": "302 403 403 200 403 200"}),
    # Matchgewichten: HR reads, the functional administrator changes
    "weights:edit": (NONE, {"GET": "302 403 403 200 403 200", "POST": "302 403 403 403 403 200"}),
    # Django admin: the namespace as a whole (Django's own permissions guard each page)
    "admin:index": (NONE, {"GET": "302 302 302 302 302 200"}),
    "admin:pool_member_changelist": (NONE, {"GET": "302 302 302 302 302 200"}),
    # REST API (token authentication)
    "api-schema-json": (NONE, {"GET": "200 200 200 200 200 200"}),
    "api-schema-yaml": (NONE, {"GET": "200 200 200 200 200 200"}),
    "api-docs": (NONE, {"GET": "200 200 200 200 200 200"}),
    "organisatie-list": (NONE, {"GET": "401 200 200 200 403 200"}),
    "organisatie-detail": (ORGANISATION, {"GET": "401 200|404 200 200|404 404 200"}),
    "competentie-list": (NONE, {"GET": "401 200 200 200 200 200"}),
    "competentie-detail": (COMPETENCY_CODE, {"GET": "401 200 200 200 200 200"}),
    "rol-list": (NONE, {"GET": "401 200 200 200 200 200"}),
    "rol-detail": (ROLE_CODE, {"GET": "401 200 200 200 200 200"}),
    "medewerker-list": (NONE, {"GET": "401 200 403 200 403 403"}),
    "medewerker-detail": (MEMBER, {"GET": "401 200|404 404 200|404 404 404", "PATCH": "401 200|404 403 403 403 403"}),
    "medewerker-confirm": (MEMBER, {"POST": "401 200|404 403 403 403 403"}),
    # The parts of a member's profile: the member alone, as on Mijn profiel; HR reads competencies
    "medewerker-competentie-list": (MEMBER, {"GET": "401 200|404 403 200|404 403 403", "POST": "401 400|404 403 403 403 403"}),
    "medewerker-competentie-detail": (MEMBER_COMPETENCY, {"GET": "401 200|404 404 200|404 404 404", "PATCH": "401 200|404 403 403 403 403", "DELETE": "401 204|404 403 403 403 403"}),
    "medewerker-leerdoel-list": (MEMBER, {"GET": "401 200|404 403 403 403 403", "POST": "401 400|404 403 403 403 403"}),
    "medewerker-leerdoel-detail": (LEARNING_GOAL, {"GET": "401 200|404 403 403 403 403", "DELETE": "401 204|404 403 403 403 403"}),
    "medewerker-rolervaring-list": (MEMBER, {"GET": "401 200|404 403 403 403 403"}),
    "medewerker-rolervaring-detail": (ROLE_EXPERIENCE, {"GET": "401 200|404 403 403 403 403", "PUT": "401 400|404 403 403 403 403"}),
    "medewerker-beschikbaarheid-list": (MEMBER, {"GET": "401 200|404 403 403 403 403", "POST": "401 400|404 403 403 403 403"}),
    "medewerker-beschikbaarheid-detail": (AVAILABILITY, {"GET": "401 200|404 403 403 403 403", "DELETE": "401 204|404 403 403 403 403"}),
    "medewerker-verlof-list": (MEMBER, {"GET": "401 200|404 403 403 403 403", "POST": "401 400|404 403 403 403 403"}),
    "medewerker-verlof-detail": (LEAVE, {"GET": "401 200|404 403 403 403 403", "DELETE": "401 204|404 403 403 403 403"}),
    "opgave-list": (NONE, {"GET": "401 403 200 200 403 403", "POST": "401 403 400 403 403 403"}),
    "opgave-detail": (OPGAVE, {"GET": "401 404 200|404 200|404 404 404", "PATCH": "401 403 200|404 403 403 403"}),
    "opgave-autostaff": (OPGAVE, {"POST": "401 403 403 200|404 403 403"}),
    "opgave-open": (OPGAVE, {"POST": "401 403 409|404 403 403 403"}),
    "opgave-complete": (OPGAVE, {"POST": "401 403 400|404 403 403 403"}),
    "opgave-cancel": (OPGAVE, {"POST": "401 403 400|404 403 403 403"}),
    "opgave-copy": (OPGAVE, {"POST": "401 403 201|404 403 403 403"}),
    "rolvraag-list": (NONE, {"GET": "401 403 200 200 403 403", "POST": "401 403 400 403 403 403"}),
    "rolvraag-detail": (REQUEST, {"GET": "401 404 200|404 200|404 404 404", "PATCH": "401 403 200|404 403 403 403", "DELETE": "401 403 200|404 403 403 403"}),
    "rolvraag-matches": (REQUEST, {"GET": "401 403 403 200|404 403 403"}),
    "inzet-list": (NONE, {"GET": "401 200 200 200 200 403", "POST": "401 403 403 400 403 403"}),
    "inzet-detail": (PROPOSAL, {"GET": "401 200|404 404 200|404 404 404"}),
    "inzet-accept": (PROPOSAL, {"POST": "401 409|404 403 403 403 403"}),
    "inzet-decline": (PROPOSAL, {"POST": "401 400|404 403 403 403 403"}),
    "inzet-confirm": (PROPOSAL, {"POST": "401 403 403 409|404 403 403"}),
    "inzet-withdraw": (PROPOSAL, {"POST": "401 403 403 400|404 403 403"}),
    "inzet-release": (ACCEPTED, {"POST": "401 403 403 403 200|404 403"}),
    "inzet-refuse-release": (ACCEPTED, {"POST": "401 403 403 403 400|404 403"}),
    "match-list": (NONE, {"GET": "401 200 403 200 403 403"}),
    "api/v1/*": (NONE, {"GET": "404 404 404 404 404 404"}),
}
# fmt: on

# Objects that are not anybody's: every group reads both the same.
SHARED = {"organisatie-detail", "competentie-detail", "rol-detail", "privacy:member_anonymise"}


def _patterns(resolver=None, namespace: str = "", prefix: str = ""):
    """(key, route, view) of every URL pattern; the admin counts as its namespace."""
    resolver = resolver or get_resolver()
    for pattern in resolver.url_patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                yield "admin:*", prefix + str(pattern.pattern), None
                continue
            inner = ":".join(filter(None, [namespace, pattern.namespace]))
            yield from _patterns(pattern, inner, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = pattern.name and ":".join(filter(None, [namespace, pattern.name]))
            # An unnamed pattern (the API's catch-all) counts as "<prefix>*".
            yield name or prefix + "*", prefix + str(pattern.pattern), pattern.callback


def test_every_url_pattern_has_a_row():
    keys = {key for key, _route, _view in _patterns()}
    covered = set(MATRIX) | {"admin:*"}
    missing = sorted(keys - covered)
    assert not missing, f"Add a row to MATRIX for: {missing}"
    assert not sorted(set(MATRIX) - keys - {"admin:index", "admin:pool_member_changelist"})


def test_api_rows_test_every_method_the_api_allows():
    for key, _route, view in _patterns():
        if actions := getattr(view, "actions", None):  # a DRF viewset route
            allowed = {method.upper() for method in actions} - {"HEAD", "OPTIONS"}
            assert set(MATRIX[key][1]) == allowed, key


def _cells(codes: str) -> list[tuple[int, int]]:
    cells = [tuple(int(c) for c in cell.split("|")) for cell in codes.split()]
    assert len(cells) == len(GROUPS), codes
    return [(cell[0], cell[-1]) for cell in cells]


def _url(key: str, kwargs: dict) -> str:
    if key == "api/v1/*":
        return "/api/v1/bestaat-niet"
    return reverse(key, kwargs=kwargs or None)


def _request(client, method: str, url: str, user: User | None, *, htmx: bool = False):
    headers = {"HX-Request": "true"} if htmx else {}
    if url.startswith("/api/"):
        client.logout()
        if user is not None:
            headers["Authorization"] = f"Token {user.auth_token.key}"
        return client.generic(
            method, url, data=b"{}", content_type="application/json", headers=headers
        )
    if user is None:
        client.logout()
    else:
        client.force_login(user)
    return getattr(client, method.lower())(url, headers=headers)


def _outcomes(client, world: World, key: str, *, htmx: bool = False):
    """(method, group, whose, expected, actual, url) for every request of one row."""
    builder, methods = MATRIX[key]
    for method, codes in methods.items():
        for group, (own_code, other_code) in zip(GROUPS, _cells(codes), strict=True):
            user = None if group == ANON else world.users[group]
            sides = [("own", world.own, own_code)]
            if builder is not None:
                sides.append(("other", world.other, other_code))
            for whose, side, expected in sides:
                url = _url(key, builder(world, side, user) if builder else {})
                response = _request(client, method, url, user, htmx=htmx)
                yield method, group, whose, expected, response, url


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(MATRIX))
def test_matrix(client, world, key, settings):
    settings.AXES_ENABLED = False  # force_login many times over; throttling is tested elsewhere
    wrong = []
    for method, group, whose, expected, response, url in _outcomes(client, world, key):
        if response.status_code != expected:
            wrong.append(
                f"{method} {url} as {group} ({whose}): {response.status_code}, expected {expected}"
            )
        elif url.startswith("/api/") and expected >= 400 and response["Content-Type"] != PROBLEM:
            wrong.append(f"{method} {url} as {group} ({whose}): {response['Content-Type']}")
    assert not wrong, "\n".join(wrong)


@pytest.mark.django_db
@pytest.mark.parametrize("key", sorted(k for k in MATRIX if not k.startswith(("api", "admin"))))
def test_matrix_with_htmx(client, world, key, settings):
    """HTMX requests are refused alike. Where a plain request is redirected (after a POST,
    or to the login page), HTMX may get 200 instead: the fragment that changed, or an
    HX-Redirect that sends the whole page on."""
    settings.AXES_ENABLED = False
    wrong = []
    for method, group, whose, expected, response, url in _outcomes(client, world, key, htmx=True):
        status = response.status_code
        if group == ANON and expected == 302 and status == 200:
            if not response.headers.get("HX-Redirect", "").startswith(reverse("login")):
                wrong.append(f"{method} {url} as {group}: 200 without HX-Redirect to login")
        elif status != expected and not (expected == 302 and status == 200):
            wrong.append(f"{method} {url} as {group} ({whose}): {status}, expected {expected}")
    assert not wrong, "\n".join(wrong)


def test_no_object_of_others_leaks():
    """By the table: nobody but an administrator reads or changes B's objects by their id."""
    for key, (builder, methods) in MATRIX.items():
        if builder is None or key in SHARED:
            continue
        for method, codes in methods.items():
            for group, (own_code, other_code) in zip(GROUPS, _cells(codes), strict=True):
                assert other_code in (302, 401, 403, 404) or (
                    group == access.ADMINISTRATOR and other_code == own_code
                ), f"{method} {key} as {group} reaches another's object: {other_code}"
                if other_code == 302:
                    assert group == ANON, f"{method} {key} as {group}: 302 for another's object"


def test_api_other_objects_are_not_listed(client, world):
    """Lists never hold B's objects for A's users (ids there would be a way in)."""
    checks = {
        "opgave-list": (access.MANAGER, "opgave"),
        "rolvraag-list": (access.HR_ADVISOR, "request"),
        "inzet-list": (access.MEMBER, "proposal"),
        "medewerker-list": (access.HR_ADVISOR, "member"),
    }
    for key, (group, name) in checks.items():
        response = _request(client, "GET", reverse(key), world.users[group])
        body = json.dumps(response.json())
        assert str(world.own[name].uuid) in body, key
        assert str(world.other[name].uuid) not in body, key
