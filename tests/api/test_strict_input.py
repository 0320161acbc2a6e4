"""What the OpenAPI document calls invalid, the API refuses (400), rather than quietly
taking it as "no filter", the default page size or a number; and what the document says
about a body holds (no defaults a PATCH does not apply; text without NUL characters)."""

from __future__ import annotations

import re

import pytest
from rest_framework.test import APIClient

from tests.api.conftest import API, invalid_names
from tests.factories import CompetencyFactory, OpgaveFactory, RoleRequestFactory


@pytest.fixture
def schema(db) -> dict:
    return APIClient().get(f"{API}/openapi.json").json()


@pytest.mark.parametrize("size", ["0", "201", "null", "2.5", ""])
def test_page_size_outside_the_document_is_refused(api, administrator, size):
    client = api.as_user(administrator)
    assert invalid_names(client.get(f"{API}/competenties?paginaGrootte={size}")) == {
        "paginaGrootte"
    }


def test_page_size_within_the_document_is_taken(api, administrator):
    CompetencyFactory.create_batch(3)
    body = api.as_user(administrator).get(f"{API}/competenties?paginaGrootte=2").json()
    assert len(body["results"]) == 2 and body["next"]
    assert api.get(f"{API}/competenties?pagina=last").status_code == 404  # no page number


def test_page_parameters_are_bounded_in_the_document(schema):
    parameters = {
        p["name"]: p["schema"] for p in schema["paths"][f"{API}/opgaven"]["get"]["parameters"]
    }
    assert parameters["paginaGrootte"] == {"type": "integer", "minimum": 1, "maximum": 200}
    assert parameters["pagina"] == {"type": "integer", "minimum": 1}


@pytest.mark.parametrize(
    "query",
    ["startdatumVanaf=", "organisatie=", "status=", "startdatumVanaf=morgen", "organisatie=1"],
)
def test_empty_or_malformed_filter_values_are_refused(api, manager, query):
    OpgaveFactory(owner=manager)
    name = query.split("=")[0]
    assert invalid_names(api.as_user(manager).get(f"{API}/opgaven?{query}")) == {name}


@pytest.mark.parametrize("value", ["null", "ja", "1", "True", ""])
def test_yes_no_filters_take_true_or_false_only(api, administrator, value):
    client = api.as_user(administrator)
    assert invalid_names(client.get(f"{API}/rollen?kernrol={value}")) == {"kernrol"}


def test_yes_no_filters_filter(api, administrator):
    client = api.as_user(administrator)
    core = {r["kernrol"] for r in client.get(f"{API}/rollen?kernrol=true").json()["results"]}
    assert core == {True}
    other = {r["kernrol"] for r in client.get(f"{API}/rollen?kernrol=false").json()["results"]}
    assert other == {False}


def test_empty_text_filter_is_no_filter(api, advisor, member):
    assert api.as_user(advisor).get(f"{API}/medewerkers?personeelsnummer=").status_code == 200


def test_body_values_must_have_their_json_type(api, manager):
    """DRF alone would take 8 for a title, "8" for hours and "ja" for a yes/no."""
    opgave = OpgaveFactory(owner=manager)
    body = {
        "opgave": str(opgave.uuid),
        "rol": 7,
        "urenPerWeek": "8",
        "startdatum": 20260101,
        "einddatum": opgave.end.isoformat(),
        "aantalPersonen": "2",
        "ontwikkelruimte": "ja",
        "competenties": {"competentie": "x"},
    }
    response = api.as_user(manager).post(f"{API}/rolvragen", body, format="json")
    assert invalid_names(response) == {
        "rol",
        "urenPerWeek",
        "startdatum",
        "aantalPersonen",
        "ontwikkelruimte",
        "competenties",
    }
    reasons = {p["name"]: p for p in response.json()["invalidParams"]}
    assert reasons["urenPerWeek"]["code"] == "invalid_type"
    assert "number" in reasons["urenPerWeek"]["reason"]
    assert not opgave.role_requests.exists()


def test_wrong_types_are_listed_with_the_other_errors(api, manager):
    opgave = OpgaveFactory(owner=manager)
    response = api.as_user(manager).post(
        f"{API}/rolvragen",
        {"opgave": str(opgave.uuid), "rol": "bestaat-niet", "urenPerWeek": True},
        format="json",
    )
    assert invalid_names(response) == {"rol", "urenPerWeek", "startdatum", "einddatum"}


def test_nested_values_must_have_their_json_type(api, manager):
    role_request = RoleRequestFactory(opgave__owner=manager)
    response = api.as_user(manager).patch(
        f"{API}/rolvragen/{role_request.uuid}",
        {"competenties": [{"competentie": "x", "minimumniveau": "3", "vereist": 1}]},
        format="json",
    )
    assert {"competenties.0.minimumniveau", "competenties.0.vereist"} <= invalid_names(response)


def test_patch_bodies_advertise_no_defaults(schema):
    """A PATCH leaves out what it does not change; a default would say otherwise."""
    for name, component in schema["components"]["schemas"].items():
        if name.startswith("Patched"):
            assert not component.get("required"), name
            for field, definition in component["properties"].items():
                assert "default" not in definition, f"{name}.{field}"
    create = schema["components"]["schemas"]["RoleRequestCreateRequest"]["properties"]
    assert create["aantalPersonen"]["default"] == 1  # a POST does fill it in


def test_text_in_requests_may_not_hold_nul_and_required_text_not_only_spaces(api, manager, schema):
    create = schema["components"]["schemas"]["OpgaveCreateRequest"]["properties"]
    assert re.search(create["titel"]["pattern"], "Wijkaanpak")
    assert not re.search(create["titel"]["pattern"], "   ")
    assert not re.search(create["omschrijving"]["pattern"], "a\x00b")
    assert re.search(create["omschrijving"]["pattern"], "")
    assert "pattern" not in create["startdatum"]  # a date has its format
    response_schema = schema["components"]["schemas"]["Opgave"]["properties"]
    assert "pattern" not in response_schema["titel"]  # answers are as they are
    body = {"titel": "   ", "omschrijving": "a\x00b"}
    assert {"titel", "omschrijving"} <= invalid_names(
        api.as_user(manager).post(f"{API}/opgaven", body, format="json")
    )
