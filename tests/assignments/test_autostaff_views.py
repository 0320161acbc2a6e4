"""Automatisch bezetten in the browser's terms: who may, what the pages show, query counts."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from assignments import autostaff_services as services
from assignments.models import Assignment, AutostaffRun
from pool import access
from tests.assignments.test_autostaff import computed, needing, skilled
from tests.factories import (
    CompetencyFactory,
    OrganisationFactory,
)

pytestmark = pytest.mark.django_db

HX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def served(hr_user):
    organisation = OrganisationFactory()
    organisation.hr_advisors.add(hr_user)
    return organisation


def staffable(organisation, requests: int):
    """`requests` requests, each with its own specialist: as many proposals as requests."""
    for _ in range(requests):
        competency = CompetencyFactory()
        needing(organisation, competency)
        skilled(organisation, [competency])


def run_url(run, name="hr:autostaff_run"):
    return reverse(name, args=[run.uuid])


def test_the_selection_page_counts_the_chosen_requests(client, hr_user, served):
    staffable(served, 3)
    needing(OrganisationFactory(), CompetencyFactory())  # not served: not counted
    client.force_login(hr_user)
    response = client.get(reverse("hr:autostaff"))
    assert response.status_code == 200
    assert (response.context["request_count"], response.context["places"]) == (3, 3)
    assert "Bezetting berekenen" in response.content.decode()
    response = client.get(reverse("hr:autostaff"), {"weken": "0"})
    assert response.context["request_count"] is None  # invalid: shown, nothing started


@pytest.mark.parametrize("requests", [2, 20])
def test_the_selection_page_in_constant_queries(
    client, hr_user, served, django_assert_num_queries, requests
):
    staffable(served, requests)
    for _ in range(3):
        computed(hr_user)
    client.force_login(hr_user)
    # session, user, groups, the chosen organisation, the selection's places, opgave and
    # organisation choices, the latest runs, unread notifications, session save (3)
    with django_assert_num_queries(12):
        response = client.get(reverse("hr:autostaff"), {"organisatie": served.pk})
    assert response.context["request_count"] == requests
    assert len(response.context["runs"]) == 3


def test_the_board_links_to_auto_staffing(client, hr_user):
    client.force_login(hr_user)
    assert reverse("hr:autostaff") in client.get(reverse("assignments:board")).content.decode()


@pytest.mark.parametrize("headers", [{}, HX])
def test_others_are_refused(client, user_in, hr_user, served, headers):
    staffable(served, 1)
    run = computed(hr_user)
    client.force_login(user_in(access.MANAGER))
    assert client.get(reverse("hr:autostaff"), **headers).status_code == 403
    assert client.get(run_url(run), **headers).status_code == 403
    assert client.post(reverse("hr:autostaff_start"), **headers).status_code == 403
    other_advisor = user_in(access.HR_ADVISOR)
    served.hr_advisors.add(other_advisor)
    client.force_login(other_advisor)  # serves the organisation, but the run is not theirs
    assert client.get(run_url(run), **headers).status_code == 404
    response = client.post(run_url(run, "hr:autostaff_apply"), {"voorstel": ["0"]}, **headers)
    assert response.status_code == 404
    assert not Assignment.objects.exists()
    client.logout()
    response = client.get(run_url(run), **headers)
    assert reverse("login") in (response.headers.get("HX-Redirect") or response.url)


def test_start_stores_a_pending_run_of_the_selection(client, hr_user, served):
    staffable(served, 2)
    client.force_login(hr_user)
    response = client.post(reverse("hr:autostaff_start"), {"organisatie": served.pk, "weken": 8})
    run = AutostaffRun.objects.get()
    assert response.url == run_url(run)
    assert (run.created_by, run.status) == (hr_user, AutostaffRun.Status.PENDING)
    assert run.selection["organisation"] == served.pk
    assert run.selection["organisation_name"] == served.name
    assert run.selection["weeks"] == 8


def test_start_refuses_an_organisation_not_served(client, hr_user, served):
    client.force_login(hr_user)
    client.post(reverse("hr:autostaff_start"), {"organisatie": OrganisationFactory().pk})
    assert not AutostaffRun.objects.exists()


def test_a_pending_run_shows_progress_and_says_the_broker_is_down(client, hr_user):
    run = AutostaffRun.objects.create(created_by=hr_user)
    client.force_login(hr_user)
    page = client.get(run_url(run)).content.decode()
    assert "<html" in page
    assert 'id="run-progress"' in page and 'for="run-progress"' in page
    assert "niet bereikbaar" in page
    assert 'hx-trigger="every 1s"' in page
    assert f'href="{run_url(run)}">Vernieuwen</a>' in page  # without JavaScript
    fragment = client.get(run_url(run), **HX)
    assert "<html" not in fragment.content.decode()
    assert 'id="run-result"' in fragment.content.decode()
    assert fragment["Vary"].count("HX-Request") == 1


def test_a_finished_run_shows_the_comparison_the_dutch_way(client, hr_user, served):
    staffable(served, 2)
    run = computed(hr_user)
    run.result["optimal"].update(objective=8412.4, filled=2)
    run.result["greedy"].update(objective=7390.0, filled=2)
    run.save()
    client.force_login(hr_user)
    for headers in ({}, HX):
        page = client.get(run_url(run), **headers).content.decode()
        assert "optimaal: 8.412 — eerst-beste: 7.390, +13,8%" in page
        assert 'hx-trigger="every 1s"' not in page  # finished: polling stops
        assert page.count('name="voorstel"') == 2


@pytest.mark.parametrize("proposals", [5, 50])
def test_run_page_in_constant_queries(
    client, hr_user, served, django_assert_num_queries, proposals
):
    staffable(served, proposals)
    run = computed(hr_user)
    assert len(run.result["proposals"]) == proposals
    client.force_login(hr_user)
    # session, user, groups, run, requests, members, competency names, role names,
    # unread notifications, session save (3)
    with django_assert_num_queries(12):
        response = client.get(run_url(run))
    assert len(response.context["rows"]) == proposals


def test_apply_the_ticked_ones_then_never_again(client, hr_user, served):
    staffable(served, 3)
    run = computed(hr_user)
    client.force_login(hr_user)
    response = client.post(run_url(run, "hr:autostaff_apply"), {"voorstel": ["0", "2"]})
    assert response.url == run_url(run)
    chosen = {
        (p["role_request"], p["member"])
        for i, p in enumerate(run.result["proposals"])
        if i in (0, 2)
    }
    assert set(Assignment.objects.values_list("role_request_id", "member_id")) == chosen
    page = client.get(run_url(run)).content.decode()
    assert "2 voorstellen zijn klaargezet" in page
    assert page.count("niet overgenomen") == 1
    assert 'name="voorstel"' not in page
    response = client.post(run_url(run, "hr:autostaff_apply"), {"voorstel": ["1"]}, follow=True)
    assert "al verwerkt" in response.content.decode()
    assert Assignment.objects.count() == 2


def test_take_over_nothing_closes_the_run(client, hr_user, served):
    staffable(served, 2)
    run = computed(hr_user)
    client.force_login(hr_user)
    client.post(run_url(run, "hr:autostaff_apply"), {"voorstel": ["0", "1"], "action": "none"})
    assert not Assignment.objects.exists()
    run.refresh_from_db()
    assert run.applied_at is not None
    assert services.autostaff_runs_unpicked(now=run.applied_at) == []


def test_a_queued_run_waits_and_a_failed_one_says_why(client, hr_user):
    client.force_login(hr_user)
    queued = AutostaffRun.objects.create(created_by=hr_user, queued_at=timezone.now())
    page = client.get(run_url(queued), **HX).content.decode()
    assert "in de wachtrij" in page and "niet bereikbaar" not in page
    failed = AutostaffRun.objects.create(
        created_by=hr_user, status=AutostaffRun.Status.FAILED, error="Het ging mis."
    )
    for headers in ({}, HX):
        page = client.get(run_url(failed), **headers).content.decode()
        assert "Het ging mis." in page
        assert 'hx-trigger="every 1s"' not in page
