"""One test per rule of the NLGov API Design Rules that this API follows."""

from __future__ import annotations

import re
from datetime import UTC
from decimal import Decimal

import pytest
import yaml
from django.core.management import call_command
from rest_framework.authtoken.models import Token
from rest_framework.test import APIClient

from assignments.models import Assignment
from tests.api.conftest import API, problem
from tests.factories import AssignmentFactory, MemberFactory, OpgaveFactory, RoleRequestFactory

State = Assignment.State


def test_api_48_no_trailing_slash(api, manager):
    opgave = OpgaveFactory(owner=manager)
    client = api.as_user(manager)
    assert client.get(f"{API}/opgaven").status_code == 200
    assert client.get(f"{API}/opgaven/{opgave.uuid}").status_code == 200
    for path in (f"{API}/opgaven/", f"{API}/opgaven/{opgave.uuid}/", f"{API}/rollen/regie/"):
        response = client.get(path)
        problem(response, 404)  # not a redirect
    problem(client.get(f"{API}/bestaat-niet"), 404)


def test_api_57_version_header(api, manager):
    client = api.as_user(manager)
    for response in (
        client.get(f"{API}/opgaven"),
        client.get(f"{API}/opgaven/"),  # errors too
        APIClient().get(f"{API}/opgaven"),
        APIClient().get(f"{API}/openapi.json"),
    ):
        assert response["API-Version"] == "1.3.0"
    schema = APIClient().get(f"{API}/openapi.json").json()
    assert schema["info"]["version"] == "1.3.0"


def test_api_51_openapi_public_with_cors(db):
    client = APIClient()
    response = client.get(f"{API}/openapi.json")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    schema = response.json()
    assert schema["openapi"].startswith("3.")
    assert schema["info"]["license"]["name"] == "EUPL-1.2"
    assert schema["info"]["contact"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", schema["info"]["version"])
    for path in (
        "organisaties",
        "medewerkers",
        "opgaven",
        "rolvragen/{uuid}/matches",
        "medewerkers/{uuid}/competenties/{code}",
        "medewerkers/{uuid}/verloven/{periode}",
    ):
        assert f"{API}/{path}" in schema["paths"]
    response = client.get(f"{API}/openapi.yaml")
    assert response.status_code == 200
    assert response["Access-Control-Allow-Origin"] == "*"
    assert yaml.safe_load(response.content)["paths"].keys() == schema["paths"].keys()


def test_docs_page_works_under_the_csp(db):
    response = APIClient().get(f"{API}/docs")
    assert response.status_code == 200
    html = response.content.decode()
    assert "<style" not in html and "<script>" not in html  # nothing inline
    scripts = re.findall(r'<script src="([^"]+)"', html)
    assert len(scripts) == 3
    assert all(src.startswith("/") and not src.startswith("//") for src in scripts)
    assert "script-src 'self'" in response["Content-Security-Policy"]
    init = APIClient().get(scripts[-1])
    assert init.status_code == 200
    assert init["Content-Type"].startswith("application/javascript")
    assert f"{API}/openapi.json" in init.content.decode()


def test_api_53_uuid_not_id(api, member):
    proposal = AssignmentFactory(member=member)
    client = api.as_user(member.user)
    body = client.get(f"{API}/inzetten/{proposal.uuid}").json()
    assert "id" not in body and body["uuid"] == str(proposal.uuid)
    problem(client.get(f"{API}/inzetten/{proposal.pk}"), 404)
    problem(client.get(f"{API}/medewerkers/{member.pk}"), 404)
    schema = APIClient().get(f"{API}/openapi.json").json()
    for name, component in schema["components"]["schemas"].items():
        assert "id" not in component.get("properties", {}), name


def test_api_10_actions_as_post_subresources(api, member):
    proposal = AssignmentFactory(member=member)
    client = api.as_user(member.user)
    schema = APIClient().get(f"{API}/openapi.json").json()
    for step in ("accepteren", "afwijzen", "bevestigen", "intrekken"):
        assert set(schema["paths"][f"{API}/inzetten/{{uuid}}/{step}"]) == {"post"}
        problem(client.get(f"{API}/inzetten/{proposal.uuid}/{step}"), 405)
    assert set(schema["paths"][f"{API}/medewerkers/{{uuid}}/bevestigen"]) == {"post"}
    assert client.post(f"{API}/inzetten/{proposal.uuid}/accepteren").status_code == 200


def test_problem_json_400_lists_all_invalid_params(api, manager):
    body = problem(
        api.as_user(manager).post(
            f"{API}/opgaven",
            {"titel": "", "startdatum": "morgen", "voorspelbaarheid": "soms"},
            format="json",
        ),
        400,
    )
    names = {p["name"] for p in body["invalidParams"]}
    assert names == {
        "titel",
        "organisatie",
        "startdatum",
        "einddatum",
        "voorspelbaarheid",
        "complexiteit",
    }
    assert all(p["reason"] and p["code"] for p in body["invalidParams"])
    nested = problem(
        api.post(
            f"{API}/rolvragen",
            {"competenties": [{"minimumniveau": 9}]},
            format="json",
        ),
        400,
    )
    assert {"competenties.0.competentie", "competenties.0.minimumniveau"} <= {
        p["name"] for p in nested["invalidParams"]
    }


def test_409_on_overbooking(api, advisor, organisation):
    member = MemberFactory(organisation=organisation, pool_hours=Decimal(16))
    first = RoleRequestFactory(opgave__organisation=organisation, hours_per_week=Decimal(12))
    second = RoleRequestFactory(opgave=first.opgave, hours_per_week=Decimal(8))
    AssignmentFactory(role_request=first, member=member, state=State.CONFIRMED)
    accepted = AssignmentFactory(role_request=second, member=member, state=State.ACCEPTED)
    body = problem(api.as_user(advisor).post(f"{API}/inzetten/{accepted.uuid}/bevestigen"), 409)
    assert "overboekt" in body["detail"]
    accepted.refresh_from_db()
    assert accepted.state == State.ACCEPTED


def test_camel_case_properties_and_utc_datetimes(api, member):
    proposal = AssignmentFactory(member=member)
    body = api.as_user(member.user).get(f"{API}/inzetten/{proposal.uuid}").json()
    assert {"urenPerWeek", "startdatum", "einddatum"} <= body.keys()
    assert all("_" not in key for key in body)
    assert re.fullmatch(r"\d{4}-\d\d-\d\d", body["startdatum"])
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", body["aangemaakt"])
    assert body["aangemaakt"] == f"{proposal.created_at.astimezone(UTC):%Y-%m-%dT%H:%M:%SZ}"


def test_pagination_on_collections(api, advisor, organisation):
    MemberFactory.create_batch(3, organisation=organisation)
    client = api.as_user(advisor)
    body = client.get(f"{API}/medewerkers?paginaGrootte=2").json()
    assert (body["count"], len(body["results"])) == (3, 2)
    assert "pagina=2" in body["next"]
    assert len(client.get(body["next"]).json()["results"]) == 1
    problem(client.get(f"{API}/medewerkers?pagina=9"), 404)


def test_token_authentication(db, member, capsys):
    call_command("drf_create_token", member.user.username)
    token = Token.objects.get(user=member.user)
    assert token.key in capsys.readouterr().out
    client = APIClient()
    response = client.get(f"{API}/medewerkers", HTTP_AUTHORIZATION=f"Token {token.key}")
    assert response.status_code == 200
    assert response.json()["results"][0]["uuid"] == str(member.uuid)
    body = problem(client.get(f"{API}/medewerkers", HTTP_AUTHORIZATION="Token onzin"), 401)
    assert body["code"] == "authentication_failed"


def test_session_authentication(db, member):
    client = APIClient()
    client.force_login(member.user)
    assert client.get(f"{API}/medewerkers").status_code == 200


@pytest.mark.parametrize("path", ["opgaven", "medewerkers", "rollen/regie"])
def test_unauthenticated_is_401_problem(db, path):
    response = APIClient().get(f"{API}/{path}")
    problem(response, 401)
    assert response["WWW-Authenticate"] == "Token"
