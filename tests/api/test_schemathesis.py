"""Schemathesis against the published OpenAPI document, through the real Django app.

Every operation gets a bounded number of generated requests, authenticated with a token of
a user who is manager, HR advisor and member at once (so that every kind of answer comes
up), over a small pool with an opgave, a role request, inzet and matches. Checks: no server
error, and every answer (status, content type, headers, body) as the document says.
"""

from __future__ import annotations

import pytest
import schemathesis
from django.core import signals
from django.db import close_old_connections
from hypothesis import HealthCheck, settings
from rest_framework.authtoken.models import Token
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from assignments.models import Match
from config.wsgi import application
from pool import access
from tests.factories import (
    AssignmentFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OrganisationFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
    UserFactory,
)

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
]


@pytest.fixture
def token(in_test_transaction) -> str:
    user = UserFactory(groups=[access.MANAGER, access.HR_ADVISOR, access.MEMBER])
    organisation = OrganisationFactory(shares_members=True)
    organisation.hr_advisors.add(user)
    member = MemberFactory(organisation=organisation, user=user)
    MemberCompetencyFactory(member=member)
    role_request = RoleRequestFactory(opgave__organisation=organisation, opgave__owner=user)
    RoleRequestCompetencyFactory(role_request=role_request)
    AssignmentFactory(role_request=role_request, member=member)
    Match.objects.create(
        role_request=role_request,
        member=MemberFactory(organisation=organisation),
        score=80,
        in_request_top=True,
        computed_at=role_request.created_at,
        explanation={"parts": {"competency": {"value": 0.5, "weight": 3}}},
    )
    return Token.objects.create(user=user).key


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
@settings(max_examples=10, deadline=None, derandomize=True, suppress_health_check=list(HealthCheck))
def test_api_conforms_to_its_openapi_document(case, token):
    case.call_and_validate(headers={"Authorization": f"Token {token}"}, checks=CHECKS)
