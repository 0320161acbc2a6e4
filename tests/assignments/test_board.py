"""The HR advisor's board: scope, filters, sorting, the side panel and candidate filters."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from assignments.matching import services
from assignments.models import RoleRequest
from pool import access
from tests.factories import (
    TODAY,
    CompetencyFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db

BOARD = reverse("assignments:board")
HTMX = {"HX-Request": "true"}


@pytest.fixture
def served(hr_user):
    organisation = OrganisationFactory(name="Gemeente Utrecht")
    organisation.hr_advisors.add(hr_user)
    return organisation


def request_in(organisation, *, weeks: int = 2, **fields) -> RoleRequest:
    start = TODAY + timedelta(weeks=weeks)
    opgave = fields.pop("opgave", None) or OpgaveFactory(
        organisation=organisation, start=start, end=start + timedelta(weeks=20)
    )
    return RoleRequestFactory(opgave=opgave, start=start, end=opgave.end, **fields)


def shown(response) -> list[RoleRequest]:
    return list(response.context["page"].object_list)


def test_board_refuses_other_groups_and_shows_only_served_organisations(
    client, user_in, hr_user, served
):
    mine = request_in(served)
    other = request_in(OrganisationFactory())
    client.force_login(user_in(access.MANAGER))
    assert client.get(BOARD).status_code == 403
    client.force_login(hr_user)
    assert shown(client.get(BOARD)) == [mine]
    assert other.opgave.title not in client.get(BOARD).content.decode()


def test_filters_narrow_the_board(client, hr_user, served):
    role = RoleFactory(name_nl="Netwerk")
    soon = request_in(served, weeks=1, role=role)
    later = request_in(served, weeks=12)
    elsewhere = OrganisationFactory(name="Gemeente Zeist")
    elsewhere.hr_advisors.add(hr_user)
    far = request_in(elsewhere, weeks=6)
    client.force_login(hr_user)

    def board(**params) -> set[RoleRequest]:
        response = client.get(BOARD, params)
        assert response.status_code == 200
        return set(shown(response))

    assert board() == {soon, later, far}
    assert board(organisatie=elsewhere.pk) == {far}
    assert board(rol=role.pk) == {soon}
    assert board(opgave=later.opgave_id) == {later}
    assert board(urgentie=2) == {soon}
    assert board(urgentie=8) == {soon, far}
    assert board(start=(TODAY + timedelta(weeks=5)).isoformat()) == {later, far}
    assert board(end=(TODAY + timedelta(weeks=5)).isoformat()) == {soon}
    assert board(zoek="zeist") == {far}
    assert board(zoek=later.opgave.title) == {later}


def test_threshold_keeps_requests_without_a_good_candidate(client, hr_user, served):
    competency = CompetencyFactory()
    strong = request_in(served)
    RoleRequestCompetencyFactory(role_request=strong, competency=competency, min_level=2)
    member = MemberFactory(organisation=served)
    MemberCompetencyFactory(member=member, competency=competency, level=4)
    services.request_matches_recompute(role_request_id=strong.pk, today=TODAY)
    empty = request_in(served)  # nobody scored yet
    best = strong.matches.get().score
    client.force_login(hr_user)
    assert set(shown(client.get(BOARD, {"drempel": int(best)}))) == {empty}
    assert set(shown(client.get(BOARD, {"drempel": int(best) + 1}))) == {strong, empty}


def test_sorting(client, hr_user, served):
    a = request_in(served, weeks=9, role=RoleFactory(name_nl="Begroting"))
    b = request_in(served, weeks=1, role=RoleFactory(name_nl="Regie"))
    c = request_in(served, weeks=5, role=RoleFactory(name_nl="Netwerk"))
    client.force_login(hr_user)

    def order(key: str) -> list[RoleRequest]:
        return shown(client.get(BOARD, {"sorteer": key}))

    assert order("start") == [b, c, a]
    assert order("-start") == [a, c, b]
    assert order("rol") == [a, c, b]
    assert order("urgentie") == [b, c, a]
    titles = sorted([a, b, c], key=lambda r: r.opgave.title)
    assert order("opgave") == titles


def test_htmx_gets_only_the_results(client, hr_user, served):
    request_in(served)
    client.force_login(hr_user)
    page = client.get(BOARD)
    assert "<html" in page.content.decode()
    assert 'id="request-panel"' in page.content.decode()
    fragment = client.get(BOARD, headers={**HTMX, "HX-Target": "board-results"})
    body = fragment.content.decode()
    assert "<html" not in body
    assert body.lstrip().startswith('<div id="board-results"')
    assert "HX-Request" in fragment["Vary"]


@pytest.mark.parametrize("rows", [5, 50])
def test_board_and_results_in_constant_queries(
    client, hr_user, served, django_assert_num_queries, rows
):
    opgave = OpgaveFactory(organisation=served)
    RoleRequestFactory.create_batch(rows, opgave=opgave)
    client.force_login(hr_user)
    # session, user, groups, count, rows, organisation/role/opgave choices, unread
    # notifications, session save (3)
    with django_assert_num_queries(12):
        client.get(BOARD, {"zoek": "Opgave", "urgentie": 8, "drempel": 50})
    # the fragment renders no selects: session, user, groups, count, rows, session save (3)
    with django_assert_num_queries(8):
        response = client.get(
            BOARD, {"sorteer": "rol"}, headers={**HTMX, "HX-Target": "board-results"}
        )
    body = response.content.decode()
    assert f"{rows} open rolvragen" in body
    assert body.count('<th scope="row"') == min(rows, 25)


# --------------------------------------------------------------------------------------
# The request beside the list, and its candidates
# --------------------------------------------------------------------------------------


def detail(request) -> str:
    return reverse("hr:role_request", args=[request.uuid])


def with_candidates(organisation, count: int) -> RoleRequest:
    request = request_in(organisation)
    MemberFactory.create_batch(count, organisation=organisation)
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    return request


def test_panel_is_a_fragment_and_the_page_stays_whole(client, user_in, hr_user, served):
    request = with_candidates(served, 2)
    client.force_login(hr_user)
    panel = client.get(detail(request), headers={**HTMX, "HX-Target": "request-panel"})
    body = panel.content.decode()
    assert body.lstrip().startswith('<div id="request-panel">')
    assert "<html" not in body and "<h2" in body and "Kandidaten" in body
    page = client.get(detail(request))
    assert "<html" in page.content.decode() and "<h1" in page.content.decode()
    client.force_login(user_in(access.HR_ADVISOR))  # serves another organisation
    assert client.get(detail(request), headers=HTMX).status_code == 404
    client.force_login(user_in(access.MEMBER))
    assert client.get(detail(request), headers=HTMX).status_code == 403


def candidate_names(response) -> set[str]:
    return {match.member.full_name for match, _ in response.context["candidates"]}


def test_candidate_filters(client, hr_user, served):
    competency = CompetencyFactory(name_nl="Verbindend")
    request = request_in(served, hours_per_week=Decimal(8))
    RoleRequestCompetencyFactory(role_request=request, competency=competency, min_level=1)
    expert = MemberFactory(organisation=served, first_name="Ester", last_name="Expert")
    MemberCompetencyFactory(member=expert, competency=competency, level=4)
    novice = MemberFactory(
        organisation=served, first_name="Nina", last_name="Nieuw", pool_hours=Decimal(4)
    )
    MemberCompetencyFactory(member=novice, competency=competency, level=1)
    partner = OrganisationFactory(shares_members=True)
    served.shares_members = True
    served.save()
    hired = MemberFactory(
        organisation=partner,
        first_name="Ingrid",
        last_name="Inhuur",
        is_external=True,
        shareable=True,
    )
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    client.force_login(hr_user)

    def names(**params) -> set[str]:
        return candidate_names(client.get(detail(request), params))

    assert names() == {"Ester Expert", "Nina Nieuw", "Ingrid Inhuur"}
    assert names(competentie=competency.pk, niveau=3) == {"Ester Expert"}
    assert names(competentie=competency.pk) == {"Ester Expert", "Nina Nieuw"}
    assert names(organisatie=partner.pk) == {"Ingrid Inhuur"}
    assert names(herkomst="extern") == {"Ingrid Inhuur"}
    assert names(herkomst="intern") == {"Ester Expert", "Nina Nieuw"}
    assert names(vrije_uren=8) == {"Ester Expert", "Ingrid Inhuur"}
    assert hired.pk


def test_search_is_dutch_full_text_with_typo_tolerance(client, hr_user, served):
    request = request_in(served)
    collaborator = MemberFactory(organisation=served, first_name="Sanne", last_name="Bakker")
    MemberCompetencyFactory(
        member=collaborator,
        competency=CompetencyFactory(name_nl="Omgevingsbewustzijn"),
        evidence="Kan goed samenwerken met wijkteams en corporaties",
    )
    other = MemberFactory(organisation=served, first_name="Piet", last_name="Jansen")
    MemberCompetencyFactory(
        member=other,
        competency=CompetencyFactory(name_nl="Financiën"),
        evidence="Begrotingen opstellen",
    )
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    client.force_login(hr_user)

    def found(text: str) -> set[str]:
        return candidate_names(client.get(detail(request), {"zoek": text}))

    assert found("samenwerkn") == {"Sanne Bakker"}  # a typo: trigram similarity
    assert found("samenwerking") == {"Sanne Bakker"}  # another form: Dutch stemming
    assert found("Bakkr") == {"Sanne Bakker"}  # a name with a typo
    assert found("financien") == {"Piet Jansen"}
    assert found("omgevingsbewust") == {"Sanne Bakker"}
    assert found("xylofoon") == set()


def test_candidate_results_fragment(client, hr_user, served):
    request = with_candidates(served, 2)
    client.force_login(hr_user)
    response = client.get(
        detail(request), {"herkomst": "extern"}, headers={**HTMX, "HX-Target": "candidate-results"}
    )
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="candidate-results">')
    assert "0 kandidaten met deze filters" in body
    assert "<form" not in body


@pytest.mark.parametrize("count", [5, 50])
def test_panel_and_candidates_in_constant_queries(
    client, hr_user, served, django_assert_num_queries, count
):
    request = with_candidates(served, count)
    client.force_login(hr_user)
    # session, user, groups, request, needs, inzet, matches, competency and role names,
    # competency and organisation choices, session save (3)
    with django_assert_num_queries(13):
        response = client.get(detail(request), headers={**HTMX, "HX-Target": "request-panel"})
    assert len(response.context["candidates"]) == count
    # the fragment renders no selects, so no competency choices; the chosen organisation
    # is checked against its choices
    with django_assert_num_queries(11):
        response = client.get(
            detail(request),
            {"zoek": "a", "organisatie": served.pk, "vrije_uren": 1},
            headers={**HTMX, "HX-Target": "candidate-results"},
        )
    assert response.status_code == 200
