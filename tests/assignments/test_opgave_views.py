"""The manager's pages: who may do what, HTMX and plain requests, constant queries."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.urls import reverse

from assignments.models import Assignment, Opgave, OpgaveLogEntry, RoleRequest
from competencies.models import Role
from pool import access
from tests.factories import (
    TODAY,
    AssignmentFactory,
    CompetencyFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db
HTMX = {"HX-Request": "true"}


@pytest.fixture
def opgave(manager_user):
    return OpgaveFactory(owner=manager_user, status=Opgave.Status.CONCEPT)


@pytest.fixture
def role_request(opgave):
    return RoleRequestFactory(opgave=opgave)


def detail_url(opgave: Opgave) -> str:
    return reverse("assignments:opgave_detail", kwargs={"uuid": opgave.uuid})


def opgave_urls(opgave: Opgave, role_request: RoleRequest) -> dict[str, tuple[str, str]]:
    """Every page of one opgave, with the method that uses it."""
    kwargs = {"uuid": opgave.uuid}
    request_kwargs = {**kwargs, "role_request": role_request.uuid}
    return {
        name: (method, reverse(f"assignments:{name}", kwargs=request_kwargs if rr else kwargs))
        for name, method, rr in [
            ("opgave_detail", "get", False),
            ("opgave_history", "get", False),
            ("opgave_update", "get", False),
            ("opgave_open", "post", False),
            ("opgave_complete", "get", False),
            ("opgave_cancel", "get", False),
            ("opgave_copy", "get", False),
            ("role_request_create", "post", False),
            ("role_requests_core", "post", False),
            ("role_request_update", "get", True),
            ("role_request_remove", "post", True),
            ("role_request_match_status", "get", True),
        ]
    }


def request_form(opgave: Opgave, role: Role, prefix: str = "nieuw", **fields) -> dict:
    data = {
        f"{prefix}-role": role.pk,
        f"{prefix}-people": 1,
        f"{prefix}-hours_per_week": "8",
        f"{prefix}-start": opgave.start.isoformat(),
        f"{prefix}-end": opgave.end.isoformat(),
        f"{prefix}-notes": "",
        f"{prefix}-competenties-TOTAL_FORMS": 2,
        f"{prefix}-competenties-INITIAL_FORMS": 0,
    }
    data.update({f"{prefix}-{name}": value for name, value in fields.items()})
    return data


# -- who may ----------------------------------------------------------------------------


def test_every_opgave_page_needs_login(client, opgave, role_request):
    for name, (method, url) in [
        *opgave_urls(opgave, role_request).items(),
        ("opgave_create", ("get", reverse("assignments:opgave_create"))),
    ]:
        response = getattr(client, method)(url)
        assert response.status_code == 302, name
        assert response.url.startswith(reverse("login")), name


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_other_groups_are_refused_and_other_managers_see_nothing(
    client, user_in, opgave, role_request, headers
):
    client.force_login(user_in(access.MEMBER))
    for name, (method, url) in opgave_urls(opgave, role_request).items():
        assert getattr(client, method)(url, headers=headers).status_code == 403, name
    assert client.get(reverse("assignments:opgave_create"), headers=headers).status_code == 403

    client.force_login(user_in(access.MANAGER))  # another manager: the opgave is not there
    for name, (method, url) in opgave_urls(opgave, role_request).items():
        assert getattr(client, method)(url, headers=headers).status_code == 404, name
    assert OpgaveLogEntry.objects.count() == 0
    assert RoleRequest.objects.filter(opgave=opgave).count() == 1


def test_hr_advisor_reads_an_opgave_of_a_served_organisation_but_changes_nothing(
    client, hr_user, opgave, role_request
):
    opgave.organisation.hr_advisors.add(hr_user)
    client.force_login(hr_user)
    response = client.get(detail_url(opgave))
    assert response.status_code == 200
    assert not response.context["can_change"]
    assert "Rolvraag toevoegen" not in response.content.decode()
    for name, (method, url) in opgave_urls(opgave, role_request).items():
        if name not in ("opgave_detail", "opgave_history", "role_request_match_status"):
            assert getattr(client, method)(url).status_code == 403, name


def test_owner_reaches_every_page(client, manager_user, opgave, role_request):
    client.force_login(manager_user)
    for name, (method, url) in opgave_urls(opgave, role_request).items():
        if method == "get":
            # The match status is a fragment only; a plain visit goes to the opgave page.
            plain = 302 if name == "role_request_match_status" else 200
            assert client.get(url).status_code == plain, name
            assert client.get(url, headers=HTMX).status_code == 200, name


# -- Mijn opgaven ------------------------------------------------------------------------


@pytest.mark.parametrize("rows", [5, 50])
def test_list_shows_own_opgaven_in_constant_queries(
    client, manager_user, django_assert_num_queries, rows
):
    organisations = OrganisationFactory.create_batch(3)
    for i in range(rows):
        opgave = OpgaveFactory(owner=manager_user, organisation=organisations[i % 3])
        RoleRequestFactory(opgave=opgave)
    OpgaveFactory.create_batch(3)  # someone else's
    client.force_login(manager_user)
    # session, user, groups, organisations for the filter, count, page of opgaven,
    # unread notifications, session save (3)
    with django_assert_num_queries(10):
        response = client.get(reverse("assignments:opgave_list"))
    assert len(response.context["page"].object_list) == min(rows, 25)
    assert response.context["page"].paginator.count == rows
    assert {o.owner_id for o in response.context["page"].object_list} == {manager_user.pk}
    assert response.content.decode().count('<th scope="row"') == min(rows, 25)
    with django_assert_num_queries(7):  # the session was renewed a moment ago
        response = client.get(
            reverse("assignments:opgave_list"), {"zoek": "opgave", "status": "open"}
        )
    assert response.context["page"].paginator.count == rows


def test_list_filters_and_searches(client, manager_user):
    wanted_organisation = OrganisationFactory(name="Gemeente Utrecht")
    wanted = OpgaveFactory(
        owner=manager_user,
        organisation=wanted_organisation,
        title="Energie in de wijk",
        status=Opgave.Status.OPEN,
    )
    OpgaveFactory(owner=manager_user, organisation=wanted_organisation, status=Opgave.Status.OPEN)
    OpgaveFactory(owner=manager_user, description="Energieloket", status=Opgave.Status.CONCEPT)
    OpgaveFactory(title="Energie elders", status=Opgave.Status.OPEN)  # not theirs
    client.force_login(manager_user)
    url = reverse("assignments:opgave_list")

    def titles(**query):
        response = client.get(url, query)
        return sorted(o.title for o in response.context["page"].object_list)

    assert len(titles(zoek="energie")) == 2  # title or description, own only
    assert titles(zoek="energie", status="open") == ["Energie in de wijk"]
    assert titles(organisatie=wanted_organisation.pk, zoek="wijk") == [wanted.title]
    assert len(titles(organisatie=wanted_organisation.pk)) == 2
    # An unknown choice is an error beside the filter, not a crash.
    response = client.get(url, {"status": "bestaat-niet"})
    assert response.status_code == 200
    assert response.context["filter_form"].errors


def test_list_with_htmx_sends_only_the_results(client, manager_user):
    OpgaveFactory(owner=manager_user, title="Zoek mij")
    OpgaveFactory(owner=manager_user, title="Niet ik")
    client.force_login(manager_user)
    response = client.get(reverse("assignments:opgave_list"), {"zoek": "zoek"}, headers=HTMX)
    html = response.content.decode()
    assert html.lstrip().startswith('<div id="opgave-results"')
    assert "<html" not in html
    assert "Zoek mij" in html and "Niet ik" not in html
    assert "HX-Request" in response["Vary"]
    plain = client.get(reverse("assignments:opgave_list"), {"zoek": "zoek"}).content.decode()
    assert "<html" in plain and 'id="opgave-results"' in plain
    # Back button after a cache miss: htmx asks for the whole page again.
    restore = client.get(
        reverse("assignments:opgave_list"),
        {"zoek": "zoek"},
        headers={**HTMX, "HX-History-Restore-Request": "true"},
    )
    assert "<html" in restore.content.decode()


def test_list_pages_keep_the_filters(client, manager_user):
    OpgaveFactory.create_batch(30, owner=manager_user, status=Opgave.Status.OPEN)
    client.force_login(manager_user)
    html = client.get(reverse("assignments:opgave_list"), {"status": "open"}).content.decode()
    assert "?status=open&amp;pagina=2" in html


# -- Nieuwe opgave -----------------------------------------------------------------------


def opgave_form(organisation, **fields) -> dict:
    return {
        "title": "Opvang in de regio",
        "description": "Samen met buurgemeenten",
        "organisation": organisation.pk,
        "start": TODAY.isoformat(),
        "end": (TODAY + timedelta(days=180)).isoformat(),
        "governance": Opgave.Governance.NETWORK,
        "predictability": Opgave.Predictability.UNPREDICTABLE,
        "complexity": Opgave.Complexity.COMPLEX,
        **fields,
    }


def test_create_saves_a_concept_and_opens_its_page(client, manager_user):
    organisation = OrganisationFactory()
    client.force_login(manager_user)
    response = client.post(reverse("assignments:opgave_create"), opgave_form(organisation))
    opgave = Opgave.objects.get()
    assert response.status_code == 302
    assert response.url == detail_url(opgave)
    assert (opgave.owner, opgave.status, opgave.organisation) == (
        manager_user,
        Opgave.Status.CONCEPT,
        organisation,
    )
    page = client.get(response.url).content.decode()
    assert "opgeslagen als concept" in page
    assert "maatwerk — inzet vanuit de pool" in page


def test_create_shows_errors_beside_fields_and_keeps_the_input(client, manager_user):
    supplier = OrganisationFactory(kind="supplier", cbs_code=None)
    client.force_login(manager_user)
    response = client.post(
        reverse("assignments:opgave_create"),
        opgave_form(supplier, end=(TODAY - timedelta(days=1)).isoformat()),
    )
    assert response.status_code == 200
    form = response.context["form"]
    assert set(form.errors) == {"organisation", "end"}  # not a choice; end before start
    assert 'value="Opvang in de regio"' in response.content.decode()
    assert not Opgave.objects.exists()


@pytest.mark.parametrize(
    ("predictability", "complexity", "advice"),
    [
        ("predictable", "simple", "standaardwerk — lijnorganisatie"),
        ("predictable", "complex", "maatwerk — inzet vanuit de pool"),
        ("unpredictable", "simple", "maatwerk — inzet vanuit de pool"),
        ("", "simple", "Beantwoord beide vragen"),
    ],
)
def test_classification_advice(client, manager_user, predictability, complexity, advice):
    client.force_login(manager_user)
    url = reverse("assignments:opgave_create")
    query = {"predictability": predictability, "complexity": complexity}
    fragment = client.get(url, query, headers=HTMX).content.decode()
    assert fragment.lstrip().startswith('<div id="classification-advice"')
    assert advice in fragment
    page = client.get(url, query).content.decode()  # without HTMX: the whole form
    assert "<html" in page and advice in page


def test_update_changes_the_opgave(client, manager_user, opgave):
    client.force_login(manager_user)
    url = reverse("assignments:opgave_update", kwargs={"uuid": opgave.uuid})
    assert client.get(url).context["form"].initial["title"] == opgave.title
    response = client.post(
        url,
        opgave_form(
            opgave.organisation,
            title="Nieuwe naam",
            start=opgave.start.isoformat(),
            end=opgave.end.isoformat(),
        ),
    )
    assert response.status_code == 302
    opgave.refresh_from_db()
    assert opgave.title == "Nieuwe naam"
    assert OpgaveLogEntry.objects.get(opgave=opgave).action == "updated"


# -- the opgave page ---------------------------------------------------------------------


def fill(opgave: Opgave, rows: int) -> None:
    for _ in range(rows):
        role_request = RoleRequestFactory(opgave=opgave)
        RoleRequestCompetencyFactory.create_batch(2, role_request=role_request)
        AssignmentFactory(role_request=role_request, state=Assignment.State.CONFIRMED)
        AssignmentFactory(role_request=role_request)
        OpgaveLogEntry.objects.create(
            opgave=opgave, actor=opgave.owner, action="role_request_added"
        )


@pytest.mark.parametrize("rows", [5, 50])
def test_opgave_page_queries_are_constant(client, manager_user, django_assert_num_queries, rows):
    opgave = OpgaveFactory(owner=manager_user)
    fill(opgave, rows)
    client.force_login(manager_user)
    # session, user, groups, opgave, role requests with counts, their needs, the people
    # confirmed, core roles, history, roles and competencies for the form, unread
    # notifications, session save (3)
    with django_assert_num_queries(15):
        response = client.get(detail_url(opgave))
    assert len(response.context["role_requests"]) == rows
    html = response.content.decode()
    assert html.count('<article id="rolvraag-') == rows
    assert "1 open, 0 voorgesteld" not in html  # one proposed, one confirmed of one place
    assert "0 open, 1 voorgesteld, 0 geaccepteerd, 1 bevestigd" in html


@pytest.mark.parametrize("rows", [5, 50])
def test_opgave_page_for_hr_queries_are_constant(client, hr_user, django_assert_num_queries, rows):
    opgave = OpgaveFactory()
    opgave.organisation.hr_advisors.add(hr_user)
    fill(opgave, rows)
    client.force_login(hr_user)
    # as for the owner, without the form's roles and competencies
    with django_assert_num_queries(13):
        client.get(detail_url(opgave))


def test_opgave_page_shows_staffing_team_check_and_history(client, manager_user):
    opgave = OpgaveFactory(owner=manager_user)
    regie = Role.objects.get(code="regie")
    covered = RoleRequestFactory(opgave=opgave, role=regie, people=2)
    confirmed = AssignmentFactory(role_request=covered, state=Assignment.State.CONFIRMED)
    AssignmentFactory(role_request=covered, state=Assignment.State.ACCEPTED)
    stale = RoleRequestFactory(opgave=opgave, role=Role.objects.get(code="netwerk"))
    RoleRequest.objects.filter(pk=stale.pk).update(matches_stale_since="2025-01-01T00:00Z")
    OpgaveLogEntry.objects.create(
        opgave=opgave,
        actor=manager_user,
        action="role_request_changed",
        data={
            "role": {"nl": "Netwerk", "en": "Network building"},
            "changes": {"hours_per_week": ["8", "12"]},
        },
    )
    client.force_login(manager_user)
    html = client.get(detail_url(opgave)).content.decode()
    assert "0 open, 0 voorgesteld, 1 geaccepteerd, 1 bevestigd" in html
    assert confirmed.member.full_name in html
    assert html.count("Matches worden bijgewerkt") == 1
    assert "bezet: iemand is bevestigd" in html  # regie
    assert "geen rolvraag voor politieke afstemming" in html
    assert "geen rolvraag voor regie" not in html
    assert "Rolvraag gewijzigd: Netwerk" in html
    assert "Uren per week: 8 → 12" in html
    assert manager_user.get_full_name() in html


def test_match_status_polls_until_the_matches_are_current(
    client, manager_user, opgave, role_request
):
    RoleRequest.objects.filter(pk=role_request.pk).update(matches_stale_since="2025-01-01T00:00Z")
    client.force_login(manager_user)
    url = reverse(
        "assignments:role_request_match_status",
        kwargs={"uuid": opgave.uuid, "role_request": role_request.uuid},
    )
    assert f'hx-get="{url}"' in client.get(detail_url(opgave)).content.decode()
    fragment = client.get(url, headers=HTMX).content.decode()
    assert fragment.lstrip().startswith(f'<p id="matches-{role_request.uuid}"')
    assert "Matches worden bijgewerkt" in fragment and 'hx-trigger="every 3s"' in fragment

    RoleRequest.objects.filter(pk=role_request.pk).update(matches_stale_since=None)
    fragment = client.get(url, headers=HTMX).content.decode()
    assert "Matches zijn bijgewerkt." in fragment
    assert "hx-get" not in fragment  # polling stops
    plain = client.get(url)
    assert plain.status_code == 302
    assert plain.url == f"{detail_url(opgave)}#rolvraag-{role_request.uuid}"


def test_history_page_lists_every_change(client, manager_user, opgave):
    for _ in range(30):
        OpgaveLogEntry.objects.create(opgave=opgave, actor=manager_user, action="updated")
    client.force_login(manager_user)
    detail = client.get(detail_url(opgave))
    assert len(detail.context["history"]) == 10 and detail.context["more_history"]
    response = client.get(reverse("assignments:opgave_history", kwargs={"uuid": opgave.uuid}))
    assert len(response.context["history"]) == 25
    assert response.context["page"].paginator.count == 30


# -- role requests, inline ---------------------------------------------------------------


def test_add_role_request_without_htmx_redirects(client, manager_user, opgave):
    competency = CompetencyFactory()
    client.force_login(manager_user)
    role = Role.objects.get(code="vakinhoud")
    data = request_form(
        opgave,
        role,
        **{
            "competenties-0-competency": competency.pk,
            "competenties-0-min_level": 3,
            "competenties-0-required": "1",
        },
    )
    response = client.post(
        reverse("assignments:role_request_create", kwargs={"uuid": opgave.uuid}), data
    )
    role_request = RoleRequest.objects.get(opgave=opgave)
    assert response.status_code == 302
    assert response.url == f"{detail_url(opgave)}#rolvraag-{role_request.uuid}"
    assert list(role_request.competency_needs.values_list("competency", "min_level")) == [
        (competency.pk, 3)
    ]
    assert role_request.matches_stale_since is not None


def test_add_role_request_with_htmx_swaps_the_list_team_check_and_history(
    client, manager_user, opgave
):
    client.force_login(manager_user)
    role = Role.objects.get(code="regie")
    response = client.post(
        reverse("assignments:role_request_create", kwargs={"uuid": opgave.uuid}),
        request_form(opgave, role),
        headers=HTMX,
    )
    html = response.content.decode()
    assert response.status_code == 200
    assert html.lstrip().startswith('<section id="role-requests"')
    assert re.search(r'<section id="team-check"[^>]* hx-swap-oob="true">', html)
    assert re.search(r'<section id="history"[^>]* hx-swap-oob="true">', html)
    assert '<div id="notice" hx-swap-oob="innerHTML">' in html
    assert "Rolvraag Regie toegevoegd." in html
    assert "<html" not in html
    assert RoleRequest.objects.filter(opgave=opgave, role=role).exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_add_role_request_errors_stay_in_the_form(client, manager_user, opgave, headers):
    client.force_login(manager_user)
    data = request_form(
        opgave,
        Role.objects.get(code="regie"),
        start=(opgave.start - timedelta(days=1)).isoformat(),  # before the opgave: service
        hours_per_week="0",  # the form
    )
    response = client.post(
        reverse("assignments:role_request_create", kwargs={"uuid": opgave.uuid}),
        data,
        headers=headers,
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert ("<html" in html) == (not headers)
    assert "utrecht-form-field--invalid" in html
    form = response.context["add_forms"][0]
    assert set(form.errors) == {"hours_per_week"}
    data["nieuw-hours_per_week"] = "8"
    response = client.post(
        reverse("assignments:role_request_create", kwargs={"uuid": opgave.uuid}),
        data,
        headers=headers,
    )
    assert set(response.context["add_forms"][0].errors) == {"start"}
    assert "vóór het begin van de opgave" in response.content.decode()
    assert not RoleRequest.objects.filter(opgave=opgave).exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_edit_form_opens_in_place(client, manager_user, opgave, role_request, headers):
    client.force_login(manager_user)
    url = reverse(
        "assignments:role_request_update",
        kwargs={"uuid": opgave.uuid, "role_request": role_request.uuid},
    )
    response = client.get(url, headers=headers)
    html = response.content.decode()
    assert ("<html" in html) == (not headers)
    assert 'id="rolvraag-wijzigen"' in html
    assert response.context["editing"] == role_request


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_edit_role_request(client, manager_user, opgave, role_request, headers):
    client.force_login(manager_user)
    url = reverse(
        "assignments:role_request_update",
        kwargs={"uuid": opgave.uuid, "role_request": role_request.uuid},
    )
    response = client.post(
        url, request_form(opgave, role_request.role, "wijzig", people=3), headers=headers
    )
    role_request.refresh_from_db()
    assert role_request.people == 3
    if headers:
        assert response.status_code == 200
        assert "opgeslagen" in response.content.decode()
    else:
        assert response.status_code == 302
        assert response.url.endswith(f"#rolvraag-{role_request.uuid}")


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_confirmed_role_request_offers_and_takes_only_people_and_end(
    client, manager_user, opgave, role_request, headers
):
    AssignmentFactory(role_request=role_request, state=Assignment.State.CONFIRMED)
    client.force_login(manager_user)
    url = reverse(
        "assignments:role_request_update",
        kwargs={"uuid": opgave.uuid, "role_request": role_request.uuid},
    )
    form = client.get(url, headers=headers).context["edit_forms"][0]
    assert form.fixed
    assert [f.name for f in form.visible_fields() if not f.field.disabled] == [
        "people",
        "end",
    ]
    # Disabled fields keep their value whatever is posted; more people is fine.
    response = client.post(
        url,
        request_form(opgave, role_request.role, "wijzig", people=2, hours_per_week="20"),
        headers=headers,
    )
    assert response.status_code == (200 if headers else 302)
    role_request.refresh_from_db()
    assert (role_request.people, role_request.hours_per_week) == (2, 8)
    # Fewer people is refused with the service's message.
    response = client.post(
        url, request_form(opgave, role_request.role, "wijzig", people=1), headers=headers
    )
    assert response.status_code == 200
    assert "alleen personen toevoegen" in response.content.decode()
    role_request.refresh_from_db()
    assert role_request.people == 2


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_remove_role_request(client, manager_user, opgave, role_request, headers):
    client.force_login(manager_user)
    url = reverse(
        "assignments:role_request_remove",
        kwargs={"uuid": opgave.uuid, "role_request": role_request.uuid},
    )
    response = client.post(url, headers=headers, follow=not headers)
    assert not RoleRequest.objects.filter(pk=role_request.pk).exists()
    assert "verwijderd" in response.content.decode()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_remove_confirmed_role_request_is_refused(
    client, manager_user, opgave, role_request, headers
):
    AssignmentFactory(role_request=role_request, state=Assignment.State.CONFIRMED)
    client.force_login(manager_user)
    url = reverse(
        "assignments:role_request_remove",
        kwargs={"uuid": opgave.uuid, "role_request": role_request.uuid},
    )
    response = client.post(url, headers=headers, follow=not headers)
    assert response.status_code == 200
    assert "al iemand bevestigd" in response.content.decode()
    assert RoleRequest.objects.filter(pk=role_request.pk).exists()


@pytest.mark.parametrize("headers", [{}, HTMX], ids=["plain", "htmx"])
def test_request_the_five_core_roles(client, manager_user, opgave, headers):
    client.force_login(manager_user)
    url = reverse("assignments:role_requests_core", kwargs={"uuid": opgave.uuid})
    response = client.post(url, headers=headers, follow=not headers)
    assert "5 kernrollen aangevraagd" in response.content.decode()
    assert sorted(
        RoleRequest.objects.filter(opgave=opgave).values_list("role__code", flat=True)
    ) == sorted(["regie", "begroting", "politieke-afstemming", "vakinhoud", "netwerk"])
    again = client.post(url, headers=headers, follow=not headers)
    assert "Alle kernrollen zijn al aangevraagd" in again.content.decode()
    assert RoleRequest.objects.filter(opgave=opgave).count() == 5


def test_role_requests_fragment_closes_an_edit_form(client, manager_user, opgave, role_request):
    client.force_login(manager_user)
    url = reverse("assignments:role_request_create", kwargs={"uuid": opgave.uuid})
    fragment = client.get(url, headers=HTMX).content.decode()
    assert fragment.lstrip().startswith('<section id="role-requests"')
    assert 'id="rolvraag-wijzigen"' not in fragment
    response = client.get(url)
    assert response.status_code == 302
    assert response.url == f"{detail_url(opgave)}#role-requests"


# -- open, complete, cancel, copy --------------------------------------------------------


def test_open_a_concept(client, manager_user, opgave):
    client.force_login(manager_user)
    url = reverse("assignments:opgave_open", kwargs={"uuid": opgave.uuid})
    response = client.post(url, follow=True)
    assert "Vraag eerst minstens één rol aan" in response.content.decode()
    RoleRequestFactory(opgave=opgave)
    response = client.post(url)
    assert response.status_code == 302
    opgave.refresh_from_db()
    assert opgave.status == Opgave.Status.OPEN


@pytest.mark.parametrize(
    ("name", "status"),
    [("opgave_complete", Opgave.Status.COMPLETED), ("opgave_cancel", Opgave.Status.CANCELLED)],
)
def test_complete_or_cancel_with_a_reason(client, manager_user, name, status):
    opgave = OpgaveFactory(owner=manager_user, status=Opgave.Status.OPEN)
    client.force_login(manager_user)
    url = reverse(f"assignments:{name}", kwargs={"uuid": opgave.uuid})
    response = client.post(url, {"reason": ""})
    assert response.status_code == 200
    assert "reason" in response.context["form"].errors
    response = client.post(url, {"reason": "Doel bereikt"})
    assert response.status_code == 302
    opgave.refresh_from_db()
    assert opgave.status == status
    assert OpgaveLogEntry.objects.get(opgave=opgave).reason == "Doel bereikt"
    page = client.get(detail_url(opgave)).content.decode()
    assert "Reden: Doel bereikt" in page
    assert "Rolvraag toevoegen" not in page  # nothing changes any more


def test_copy_opens_the_copy(client, manager_user, opgave, role_request):
    client.force_login(manager_user)
    url = reverse("assignments:opgave_copy", kwargs={"uuid": opgave.uuid})
    new_start = opgave.start + timedelta(days=7)
    response = client.post(url, {"start": new_start.isoformat()})
    copy = Opgave.objects.exclude(pk=opgave.pk).get()
    assert response.url == detail_url(copy)
    assert copy.start == new_start
    assert RoleRequest.objects.get(opgave=copy).start == role_request.start + timedelta(days=7)


def test_new_opgave_offers_municipalities_and_public_bodies_only(client, manager_user):
    # Which organisations a manager may commission for is open; for now any public one.
    municipality = OrganisationFactory(kind="municipality")
    public_body = OrganisationFactory(kind="public_body", cbs_code=None)
    OrganisationFactory(kind="supplier", cbs_code=None)
    client.force_login(manager_user)
    form = client.get(reverse("assignments:opgave_create")).context["form"]
    assert set(form.fields["organisation"].queryset) == {municipality, public_body}


def test_a_closed_opgave_is_not_edited(client, manager_user):
    opgave = OpgaveFactory(owner=manager_user, status=Opgave.Status.COMPLETED)
    client.force_login(manager_user)
    response = client.get(reverse("assignments:opgave_update", kwargs={"uuid": opgave.uuid}))
    assert response.status_code == 302
    assert response.url == detail_url(opgave)


def test_an_opened_edit_form_takes_the_focus(client, manager_user, opgave, role_request):
    client.force_login(manager_user)
    url = reverse(
        "assignments:role_request_update",
        kwargs={"uuid": opgave.uuid, "role_request": role_request.uuid},
    )
    html = client.get(url, headers=HTMX).content.decode()
    assert html.count("autofocus") == 1
    assert 'name="wijzig-role"' in html.split("autofocus")[0].rsplit("<", 1)[-1]


def test_history_names_roles_in_the_reader_s_language(client, manager_user, opgave):
    OpgaveLogEntry.objects.create(
        opgave=opgave,
        actor=manager_user,
        action="role_request_added",
        data={"role": {"nl": "Netwerk", "en": "Network building"}},
    )
    client.force_login(manager_user)
    english = client.get(detail_url(opgave), headers={"Accept-Language": "en"})
    assert "Network building" in english.content.decode()
    dutch = client.get(detail_url(opgave), headers={"Accept-Language": "nl"})
    assert "Rolvraag toegevoegd: Netwerk" in dutch.content.decode()
