from __future__ import annotations

import pytest
from rest_framework.test import APIClient

from pool import access
from tests.factories import MemberFactory, OrganisationFactory, UserFactory

API = "/api/v1"


@pytest.fixture
def api(db):
    """An API client; `api.as_user(user)` authenticates without a query (for counts)."""
    client = APIClient()

    def as_user(user):
        client.force_authenticate(user=user)
        return client

    client.as_user = as_user
    return client


@pytest.fixture
def organisation(db):
    return OrganisationFactory()


@pytest.fixture
def advisor(db, organisation):
    """An HR advisor who serves `organisation`."""
    user = UserFactory(groups=[access.HR_ADVISOR])
    organisation.hr_advisors.add(user)
    return user


@pytest.fixture
def manager(db):
    return UserFactory(groups=[access.MANAGER])


@pytest.fixture
def member(db, organisation):
    """A member of `organisation` with an account in the medewerker group."""
    return MemberFactory(organisation=organisation, user=UserFactory(groups=[access.MEMBER]))


@pytest.fixture
def administrator(db):
    return UserFactory(groups=[access.ADMINISTRATOR])


def problem(response, status: int) -> dict:
    """Assert an RFC 9457 problem document with `status`, and return it."""
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert body["status"] == status
    assert body["title"] and body["detail"]
    return body


def uuids(response) -> set[str]:
    assert response.status_code == 200, response.content
    return {item["uuid"] for item in response.json()["results"]}


def invalid_names(response) -> set[str]:
    """Assert a 400 problem document, and return the names of its invalid params."""
    return {p["name"] for p in problem(response, 400)["invalidParams"]}
