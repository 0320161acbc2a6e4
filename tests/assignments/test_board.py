"""The HR advisor's board: scope, filters, sorting, the side panel and candidate filters."""

from __future__ import annotations

import json
from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from assignments.matching import services
from assignments.models import Assignment, RoleRequest
from assignments.services import assignment_accept, assignment_propose
from pool import access
from tests.factories import (
    TODAY,
    AvailabilityFactory,
    CompetencyFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
    UserFactory,
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
    role = RoleFactory(name_nl="Netwerk", name_en="Networking")
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
    assert board(zoek="netwerk") == {soon}  # the role's Dutch name
    assert board(zoek="WORKING") == {soon}  # its English name, any case


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
    # the fragment renders no selects: session, user, groups, count, rows (the session was
    # renewed by the page a moment ago, and is renewed at most once a minute)
    with django_assert_num_queries(5):
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
    # is checked against its choices; the session was renewed a moment ago
    with django_assert_num_queries(8):
        response = client.get(
            detail(request),
            {"zoek": "a", "organisatie": served.pk, "vrije_uren": 1},
            headers={**HTMX, "HX-Target": "candidate-results"},
        )
    assert response.status_code == 200


# --------------------------------------------------------------------------------------
# Staffing from the panel: the panel comes back in place, the list refreshes its counts
# --------------------------------------------------------------------------------------


def action(request) -> str:
    return reverse("hr:role_request_action", args=[request.uuid])


def from_panel(board_query: str = "") -> dict[str, str]:
    """The headers htmx sends for a form in the panel, the board in the address bar."""
    return {
        **HTMX,
        "HX-Target": "panel-body",
        "HX-Current-URL": f"http://testserver{BOARD}{board_query}",
    }


def hired(request, hr_user) -> Assignment:
    """The first candidate of `request`, proposed, who accepted."""
    member = request.matches.order_by("-score").first().member
    member.user = UserFactory(groups=[access.MEMBER])
    member.save()
    assignment = assignment_propose(role_request=request, member=member, by=hr_user)
    return assignment_accept(assignment=assignment, by=member.user)


def test_propose_from_the_panel_renders_it_again_with_the_outcome(client, hr_user, served):
    request = with_candidates(served, 2)
    member = request.matches.order_by("-score").first().member
    client.force_login(hr_user)
    response = client.post(
        action(request),
        {"action": "propose", "member": member.pk, "next": "/ignored/"},
        headers=from_panel("?zoek=Opgave"),
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="panel-body">')
    assert "<html" not in body
    # The inzet and the candidate list as they are now.
    assert f"{member.full_name} – voorgesteld" in body
    assert response.context["proposed_member_ids"] == {member.pk}
    # The outcome goes to the panel's live region, which stays in the page.
    status = body[body.index('<div id="panel-status"') :]
    assert status.startswith(
        '<div id="panel-status" role="status" aria-live="polite" hx-swap-oob="innerHTML">'
    )
    assert f"{member.full_name} is voorgesteld" in status
    # The list reloads itself; a plain POST from here would come back to the same board.
    assert json.loads(response["HX-Trigger"]) == {"role-request-changed": {}}
    assert response.context["return_url"] == f"{BOARD}?zoek=Opgave&rolvraag={request.uuid}"
    assert f'hx-post="{action(request)}"' in body
    assert Assignment.objects.get().state == Assignment.State.PROPOSED
    # Nothing waits as a message for the next page: the panel said it.
    assert "is voorgesteld" not in client.get(BOARD).content.decode()


def test_confirm_and_withdraw_from_the_panel(client, hr_user, served):
    request = with_candidates(served, 2)
    RoleRequest.objects.filter(pk=request.pk).update(people=2)
    assignment = hired(request, hr_user)
    client.force_login(hr_user)
    response = client.post(
        action(request),
        {"action": "confirm", "assignment": assignment.uuid},
        headers=from_panel(),
    )
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.CONFIRMED
    body = response.content.decode()
    assert f"De inzet van {assignment.member.full_name} is bevestigd" in body
    assert f"{assignment.member.full_name} – bevestigd" in body
    assert "role-request-changed" in response["HX-Trigger"]

    response = client.post(
        action(request),
        {"action": "withdraw", "assignment": assignment.uuid, "reason": "Ziek gemeld"},
        headers=from_panel(),
    )
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.WITHDRAWN
    body = response.content.decode()
    assert f"De inzet van {assignment.member.full_name} is ingetrokken" in body
    assert "Nog niemand voorgesteld." in body


def test_a_refused_action_shows_its_reason_in_the_panel(client, hr_user, served):
    request = with_candidates(served, 1)
    assignment = hired(request, hr_user)
    # Her hours shrank after she accepted: confirming now would overbook her.
    AvailabilityFactory(
        member=assignment.member,
        start=request.start,
        end=request.end,
        hours_per_week=request.hours_per_week - 1,
    )
    client.force_login(hr_user)
    response = client.post(
        action(request), {"action": "confirm", "assignment": assignment.uuid}, headers=from_panel()
    )
    assert response.status_code == 200
    body = response.content.decode()
    assert body.lstrip().startswith('<div id="panel-body">')
    status = body[body.index('<div id="panel-status"') :]
    assert "utrecht-alert--error" in status and "overboekt" in status
    assert "HX-Trigger" not in response  # nothing changed, the list stays
    assignment.refresh_from_db()
    assert assignment.state == Assignment.State.ACCEPTED

    response = client.post(
        action(request), {"action": "withdraw", "assignment": assignment.uuid}, headers=from_panel()
    )
    assert "Geef een reden" in response.content.decode()
    assert Assignment.objects.get().state == Assignment.State.ACCEPTED


def test_the_candidate_filter_stays_after_an_action(client, hr_user, served):
    request = request_in(served)
    sanne = MemberFactory(organisation=served, first_name="Sanne", last_name="Bakker")
    MemberFactory(organisation=served, first_name="Piet", last_name="Jansen")
    services.request_matches_recompute(role_request_id=request.pk, today=TODAY)
    client.force_login(hr_user)
    # hx-include sends the panel's candidate filter along with the action.
    response = client.post(
        action(request),
        {"action": "propose", "member": sanne.pk, "zoek": "Bakker"},
        headers=from_panel(),
    )
    assert candidate_names(response) == {"Sanne Bakker"}
    assert "1 kandidaat met deze filters" in response.content.decode()


def test_panel_forms_post_with_htmx_only_beside_the_board(client, hr_user, served):
    request = with_candidates(served, 2)
    client.force_login(hr_user)
    beside = client.get(
        detail(request),
        {"herkomst": "intern"},
        headers={
            **HTMX,
            "HX-Target": "candidate-results",
            "HX-Current-URL": f"http://testserver{BOARD}?rol=1",
        },
    )
    body = beside.content.decode()
    assert body.count(f'hx-post="{action(request)}"') == 2
    back = f"{BOARD}?rol=1&amp;rolvraag={request.uuid}"
    assert body.count(f'<input type="hidden" name="next" value="{back}">') == 2
    page = client.get(detail(request))
    assert "hx-post" not in page.content.decode()  # the page posts plainly and redirects
    assert page.context["return_url"] == detail(request)


def test_an_opened_request_has_an_empty_status_region_for_its_outcomes(client, hr_user, served):
    request = with_candidates(served, 1)
    client.force_login(hr_user)
    body = client.get(
        detail(request), headers={**HTMX, "HX-Target": "request-panel"}
    ).content.decode()
    assert body.lstrip().startswith(
        '<div id="request-panel">\n<div id="panel-status" role="status" aria-live="polite"></div>'
    )
    assert '<div id="panel-body">' in body
    # On the request's own page, messages after the redirect say it instead.
    assert 'id="panel-status"' not in client.get(detail(request)).content.decode()


@pytest.mark.parametrize("count", [5, 50])
def test_action_from_the_panel_in_constant_queries(
    client, hr_user, served, django_assert_num_queries, count
):
    request = with_candidates(served, count)
    member = request.matches.order_by("-score").first().member
    client.force_login(hr_user)
    # session, user, groups, request, needs, inzet, the candidate and their score (8);
    # the proposal: its checks, validation and two rows, in a savepoint (20); the panel
    # again: request, needs, inzet, matches, role names, the filter's competency and
    # organisation choices (7); session save (3)
    with django_assert_num_queries(38):
        response = client.post(
            action(request), {"action": "propose", "member": member.pk}, headers=from_panel()
        )
    assert len(response.context["candidates"]) == count


def test_board_rows_count_proposals_and_reload_with_their_filters(client, hr_user, served):
    request = with_candidates(served, 2)
    member = request.matches.order_by("-score").first().member
    assignment_propose(role_request=request, member=member, by=hr_user)
    client.force_login(hr_user)
    body = client.get(BOARD, {"zoek": "Opgave"}).content.decode()
    assert "0 / 1<br><small>1 voorgesteld</small>" in body
    assert (
        f'<div id="board-results" class="rp-board__list" hx-get="{BOARD}?zoek=Opgave"'
        ' hx-trigger="role-request-changed from:body"'
    ) in body
    # Each row opens its request beside the list, with JavaScript or without.
    beside = f"{BOARD}?zoek=Opgave&amp;rolvraag={request.uuid}"
    assert f'href="{beside}" hx-push-url="{beside}"' in body


def test_board_shows_the_chosen_request_beside_it_without_javascript(
    client, hr_user, served, django_assert_num_queries
):
    request = with_candidates(served, 3)
    client.force_login(hr_user)
    # the board's queries (12), then request, needs, inzet, matches, competency and role
    # names, competency and organisation choices of the candidate filter (7)
    with django_assert_num_queries(19):
        response = client.get(BOARD, {"zoek": "Opgave", "rolvraag": request.uuid})
    body = response.content.decode()
    assert "<html" in body and "Kandidaten" in body
    assert len(response.context["candidates"]) == 3
    assert response.context["return_url"] == f"{BOARD}?zoek=Opgave&rolvraag={request.uuid}"
    assert 'hx-post="' in body  # posts in place once htmx runs, plainly before
    elsewhere = request_in(OrganisationFactory())
    for other in (elsewhere.uuid, "geen-uuid"):
        response = client.get(BOARD, {"rolvraag": other})
        assert response.status_code == 200
        assert "Kies een rol in de lijst" in response.content.decode()
        assert "role_request" not in response.context
