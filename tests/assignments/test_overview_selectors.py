"""The pool overview's reads, on hand-worked numbers: who is in the pool, hours per week,
shortages per role and competency, and how inzet is spread."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from django.core.paginator import Paginator

from assignments.models import Assignment, RoleRequest
from assignments.overview_selectors import (
    DistributionOrder,
    GroupedPages,
    Grouping,
    Utilisation,
    capacity_groups,
    capacity_rows,
    distribution,
    overview_members,
    pool_facets,
    shortages,
)
from pool import access
from pool.models import Leave, RoleExperience
from pool.selectors import members_in_pool_of
from tests.factories import (
    AssignmentFactory,
    AvailabilityFactory,
    CompetencyFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleExperienceFactory,
    RoleFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db

# A Wednesday: the first week shown starts on Monday 2 March 2026 (ISO week 10).
TODAY = date(2026, 3, 4)
State = Assignment.State


@pytest.fixture
def served(hr_user):
    organisation = OrganisationFactory(shares_members=True)
    organisation.hr_advisors.add(hr_user)
    return organisation


def inzet(member, start, end, hours, state=State.CONFIRMED, organisation=None):
    opgave = OpgaveFactory(organisation=organisation or member.organisation, start=start, end=end)
    request = RoleRequestFactory(opgave=opgave, hours_per_week=Decimal(hours))
    return AssignmentFactory(role_request=request, member=member, state=state)


# --- Who is in the pool -----------------------------------------------------------------


def test_pool_is_served_members_plus_members_shared_by_sharing_organisations(
    hr_user, served, user_in
):
    own = MemberFactory(organisation=served)
    sharing = OrganisationFactory(shares_members=True)
    shared = MemberFactory(organisation=sharing, shareable=True)
    MemberFactory(organisation=sharing, shareable=False)  # did not opt in
    MemberFactory(organisation=OrganisationFactory(shares_members=False), shareable=True)

    assert set(members_in_pool_of(user=hr_user)) == {own, shared}
    served.shares_members = False  # the advisor's organisation does not take part
    served.save()
    assert set(members_in_pool_of(user=hr_user)) == {own}
    assert not members_in_pool_of(user=user_in(access.MANAGER)).exists()
    assert not members_in_pool_of(user=user_in(access.HR_ADVISOR)).exists()  # serves nobody


def test_members_filter_and_order_by_group(hr_user, served):
    second = OrganisationFactory(name="Aaa-gemeente")
    second.hr_advisors.add(hr_user)
    b = MemberFactory(organisation=served, unit="Ruimte", last_name="Bos")
    a = MemberFactory(organisation=served, unit="Sociaal", last_name="Aa")
    c = MemberFactory(organisation=second, unit="Ruimte", last_name="Claes")

    assert list(overview_members(user=hr_user)) == [c, a, b]
    by_unit = list(overview_members(user=hr_user, grouping=Grouping.UNIT))
    assert by_unit == [c, b, a]
    assert list(overview_members(user=hr_user, unit="Ruimte", organisation=served)) == [b]
    groups = capacity_groups(rows=capacity_rows(members=by_unit, today=TODAY), grouping="afdeling")
    assert [(g.label, len(g.rows)) for g in groups] == [
        ("Ruimte – Aaa-gemeente", 1),
        (f"Ruimte – {served.name}", 1),
        (f"Sociaal – {served.name}", 1),
    ]


@pytest.mark.parametrize("grouping", [Grouping.ORGANISATION, Grouping.UNIT])
def test_pages_by_group_are_the_pages_of_the_whole_order(
    hr_user, served, grouping, django_assert_num_queries
):
    """Counted from the facets and read group by group, every page holds what a page of
    the sorted pool holds, across group boundaries and with any filter."""
    second = OrganisationFactory(name="Aaa-gemeente", shares_members=True)
    second.hr_advisors.add(hr_user)
    sharing = OrganisationFactory(name="Zzz-gemeente", shares_members=True)
    for index in range(23):
        MemberFactory(
            organisation=(served, second, sharing)[index % 3],
            unit=("Ruimte", "", "Sociaal", "Ruimte")[index % 4],
            last_name=f"Naam {index % 7}",
            shareable=index % 2 == 0,
        )
    facets = pool_facets(user=hr_user)
    assert facets.units == ["Ruimte", "Sociaal"]
    assert list(facets.organisations) == [second, served, sharing]
    for filters in ({}, {"unit": "Ruimte"}, {"organisation": served}, {"organisation": second}):
        members = overview_members(user=hr_user, grouping=grouping, **filters)
        with django_assert_num_queries(1):
            pages = GroupedPages(members, facets.groups(grouping=grouping, **filters))
        expected = list(members)
        assert pages.count() == len(expected)
        for size in (1, 2, 5, 50):
            paginator = Paginator(pages, size)
            read = [m for n in paginator.page_range for m in paginator.page(n).object_list]
            assert read == expected, (filters, size)


# --- Capacity per week ------------------------------------------------------------------


def test_weekly_hours_net_of_leave_and_availability_booked_apart_from_proposed(served):
    member = MemberFactory(organisation=served, pool_hours=Decimal(16))
    AvailabilityFactory(  # weeks 2 and 3: 8 hours instead of 16
        member=member, start=date(2026, 3, 16), end=date(2026, 3, 29), hours_per_week=8
    )
    Leave.objects.create(member=member, start=date(2026, 3, 9), end=date(2026, 3, 10))  # 2 days
    Leave.objects.create(member=member, start=date(2026, 3, 30), end=date(2026, 4, 3))  # week 4
    # Confirmed from Wednesday of week 0 to Friday of week 2: the partial week counts in full.
    inzet(member, date(2026, 3, 4), date(2026, 3, 20), 12)
    inzet(member, date(2026, 3, 2), date(2026, 4, 10), 4, state=State.PROPOSED)
    inzet(member, date(2026, 4, 6), date(2026, 4, 10), 6, state=State.ACCEPTED)
    inzet(member, date(2026, 3, 2), date(2026, 5, 29), 8, state=State.DECLINED)
    inzet(member, date(2026, 3, 2), date(2026, 5, 29), 8, state=State.WITHDRAWN)

    [row] = capacity_rows(members=[member], today=TODAY)
    cells = [
        (round(w.capacity, 1), round(w.booked, 1), round(w.proposed, 1), w.utilisation)
        for w in row.weeks[:7]
    ]
    assert cells == (
        [
            (16, 12, 4, Utilisation.PARTLY),
            (9.6, 12, 4, Utilisation.OVERBOOKED),  # 2 of 5 days on leave: 16 × 3/5
            (8, 12, 4, Utilisation.OVERBOOKED),
            (8, 0, 4, Utilisation.FREE),
            (0, 0, 4, Utilisation.UNAVAILABLE),
            (16, 6, 4, Utilisation.PARTLY),
            (16, 0, 0, Utilisation.FREE),
        ]
    )
    assert row.weeks[0].monday == date(2026, 3, 2)
    assert row.weeks[0].text == "12 van 16 uur, 4 voorgesteld"
    assert row.weeks[1].text == "12 van 9,6 uur, 4 voorgesteld"
    assert row.weeks[6].text == "0 van 16 uur"
    assert len(row.weeks) == 12


def test_full_week_and_rows_in_the_members_order(served):
    full = MemberFactory(organisation=served, pool_hours=Decimal(8))
    inzet(full, date(2026, 1, 1), date(2026, 12, 31), 8)
    idle = MemberFactory(organisation=served)
    rows = capacity_rows(members=[idle, full], today=TODAY)
    assert [row.member for row in rows] == [idle, full]
    assert {w.utilisation for w in rows[1].weeks} == {Utilisation.FULL}
    assert {w.utilisation for w in rows[0].weeks} == {Utilisation.FREE}
    assert capacity_rows(members=[], today=TODAY) == []


@pytest.mark.parametrize("count", [5, 50])
def test_capacity_rows_in_one_round_trip(served, django_assert_num_queries, count):
    members = MemberFactory.create_batch(count, organisation=served)
    for member in members:
        inzet(member, date(2026, 3, 2), date(2026, 4, 30), 4)
        Leave.objects.create(member=member, start=date(2026, 3, 9), end=date(2026, 3, 9))
    with django_assert_num_queries(1):  # availability, leave, inzet at once
        rows = capacity_rows(members=members, today=TODAY)
    assert [row.weeks[1].capacity for row in rows] == pytest.approx([12.8] * count)


# --- Shortages ------------------------------------------------------------------------


def test_shortages_per_role_and_competency_biggest_gap_first(hr_user, served):
    r1, r2 = RoleFactory(name_nl="Regie"), RoleFactory(name_nl="Netwerk")
    c1 = CompetencyFactory(name_nl="Verbindend")
    opgave = OpgaveFactory(organisation=served, start=date(2026, 3, 2), end=date(2026, 12, 31))

    def request(role, hours, start, people=1, **fields):
        return RoleRequestFactory(
            opgave=opgave,
            role=role,
            hours_per_week=Decimal(hours),
            people=people,
            start=start,
            end=date(2026, 5, 29),
            **fields,
        )

    a = request(r1, 16, date(2026, 3, 16), people=2)  # one of two places filled below
    RoleRequestCompetencyFactory(role_request=a, competency=c1, min_level=3)
    request(r1, 8, date(2026, 4, 6))
    e = request(r2, 10, date(2026, 3, 9))
    RoleRequestCompetencyFactory(role_request=e, competency=c1, min_level=2, required=False)
    # Not counted: starts after the quarter, filled, or of an organisation not served.
    RoleRequestFactory(opgave=opgave, role=r2, start=date(2026, 7, 1), end=date(2026, 12, 31))
    request(r2, 4, date(2026, 3, 9), status=RoleRequest.Status.FILLED)
    RoleRequestFactory(role=r2, start=date(2026, 3, 9), end=date(2026, 5, 29))

    m1 = MemberFactory(organisation=served, pool_hours=Decimal(16))
    RoleExperienceFactory(member=m1, role=r1, experience=RoleExperience.Experience.SOME)
    MemberCompetencyFactory(member=m1, competency=c1, level=4)
    AssignmentFactory(role_request=a, member=m1, state=State.CONFIRMED)  # weeks 2–12 booked
    m2 = MemberFactory(organisation=served, pool_hours=Decimal(8))
    RoleExperienceFactory(member=m2, role=r1, experience=RoleExperience.Experience.NONE)
    MemberCompetencyFactory(member=m2, competency=c1, level=3)
    m3 = MemberFactory(organisation=served, pool_hours=Decimal(20))
    RoleExperienceFactory(member=m3, role=r2, experience=RoleExperience.Experience.EXTENSIVE)
    MemberCompetencyFactory(member=m3, competency=c1, level=2)
    AvailabilityFactory(member=m3, start=date(2026, 3, 2), end=date(2026, 5, 31), hours_per_week=10)
    Leave.objects.create(member=m3, start=date(2026, 3, 23), end=date(2026, 3, 27))
    # Someone outside the pool with everything asked for adds nothing.
    outsider = MemberFactory(pool_hours=Decimal(30))
    RoleExperienceFactory(member=outsider, role=r1, experience=RoleExperience.Experience.SOME)

    report = shortages(user=hr_user, today=TODAY)

    assert report.request_count == 3
    assert report.first_week == date(2026, 3, 2)
    assert report.last_day == date(2026, 5, 31)
    roles = [
        (r.label, r.requests, r.demand_hours, r.demand_people, r.supply_hours, r.supply_people)
        for r in report.roles
    ]
    # m1 is free 16 hours in weeks 0 and 1 of 13: 32/13 per week. m3 has 10 hours in 12 weeks.
    assert roles == [
        ("Regie", 2, 24, 2, pytest.approx(32 / 13), 1),
        ("Netwerk", 1, 10, 1, pytest.approx(120 / 13), 1),
    ]
    # The required competency first (its gap), the desired one after: demand apart.
    competency, desired = report.competencies
    assert competency.label == "Verbindend, niveau 3 of hoger"
    assert (competency.demand_hours, competency.demand_people) == (16, 1)
    assert (competency.desired_hours, competency.desired_people) == (0, 0)
    assert competency.supply_hours == pytest.approx(32 / 13 + 8)
    assert competency.supply_people == 2
    assert competency.short_hours == pytest.approx(5.5)
    assert competency.short_people == 0
    assert report.roles[0].short_people == 1
    assert desired.label == "Verbindend, niveau 2 of hoger"
    assert (desired.demand_hours, desired.demand_people, desired.requests) == (0, 0, 0)
    assert (desired.desired_hours, desired.desired_people) == (10, 1)
    assert desired.supply_hours == pytest.approx(32 / 13 + 8 + 120 / 13)
    assert (desired.short_hours, desired.short_people) == (0, 0)


def test_desired_demand_never_outranks_a_required_gap(hr_user, served):
    """Biggest gaps first by what is required: a competency only wished for, however much,
    comes after every one that is required and short."""
    opgave = OpgaveFactory(organisation=served, start=date(2026, 3, 2), end=date(2026, 12, 31))
    wished, needed = CompetencyFactory(name_nl="Aaa"), CompetencyFactory(name_nl="Zzz")
    for hours, competency, required in ((40, wished, False), (2, needed, True)):
        request = RoleRequestFactory(
            opgave=opgave,
            hours_per_week=Decimal(hours),
            start=date(2026, 3, 9),
            end=date(2026, 5, 29),
        )
        RoleRequestCompetencyFactory(
            role_request=request, competency=competency, min_level=1, required=required
        )
    report = shortages(user=hr_user, today=TODAY)
    assert [(row.label, row.short_hours, row.desired_hours) for row in report.competencies] == [
        ("Zzz, niveau 1 of hoger", 2, 0),
        ("Aaa, niveau 1 of hoger", 0, 40),
    ]


def test_shortages_of_one_organisation_against_who_may_staff_it(hr_user, served):
    """Its requests only; its own members, and shared members only when it shares."""
    role = RoleFactory(name_nl="Regie")
    served.shares_members = False
    served.save()
    other = OrganisationFactory(shares_members=True)
    other.hr_advisors.add(hr_user)
    partner = OrganisationFactory(shares_members=True)  # not served: shares its members
    for organisation, hours in ((served, 8), (other, 20)):
        RoleRequestFactory(
            opgave=OpgaveFactory(
                organisation=organisation, start=date(2026, 3, 2), end=date(2026, 12, 31)
            ),
            role=role,
            hours_per_week=Decimal(hours),
            start=date(2026, 3, 9),
            end=date(2026, 5, 29),
        )
    for organisation, hours in ((served, 4), (other, 6), (partner, 10)):
        member = MemberFactory(organisation=organisation, pool_hours=hours, shareable=True)
        RoleExperienceFactory(member=member, role=role, experience=RoleExperience.Experience.SOME)

    def regie(organisation=None) -> tuple[float, float, int]:
        [row] = shortages(user=hr_user, today=TODAY, organisation=organisation).roles
        return row.demand_hours, row.supply_hours, row.supply_people

    # All served: both requests; the pool is everyone (other shares, so the partner too).
    assert regie() == (28, pytest.approx(20), 3)
    # Served does not share: only its own member may staff its request.
    assert regie(served) == (8, pytest.approx(4), 1)
    # Other shares: its own and the shareable members of sharing organisations.
    assert regie(other) == (20, pytest.approx(16), 2)
    served.shares_members = True
    served.save()
    assert regie(served) == (8, pytest.approx(20), 3)


def test_no_open_requests_no_shortages(hr_user, served):
    MemberFactory(organisation=served)
    report = shortages(user=hr_user, today=TODAY)
    assert (report.request_count, report.roles, report.competencies) == (0, [], [])


# --- Fair distribution -----------------------------------------------------------------


def test_days_without_inzet_and_share_of_the_past_year(served):
    m1 = MemberFactory(organisation=served, last_name="Aalders")
    inzet(m1, date(2025, 1, 1), date(2025, 6, 30), 8, state=State.COMPLETED)
    inzet(m1, date(2025, 6, 15), date(2025, 8, 31), 8)  # overlaps: days count once
    m2 = MemberFactory(organisation=served, last_name="Bakker")
    inzet(m2, date(2026, 1, 1), date(2026, 12, 31), 8)
    inzet(m2, date(2025, 3, 1), date(2025, 12, 1), 8, state=State.DECLINED)
    m3 = MemberFactory(organisation=served, last_name="Claes")
    inzet(m3, date(2025, 3, 1), date(2025, 12, 1), 8, state=State.PROPOSED)
    m4 = MemberFactory(organisation=served, last_name="Dekker")
    inzet(m4, date(2026, 4, 1), date(2026, 6, 30), 8, state=State.ACCEPTED)  # not started

    rows = distribution(members=overview_members(user=served.hr_advisors.get()), today=TODAY)

    assert [r.member for r in rows] == [m3, m4, m1, m2]
    by_member = {r.member: r for r in rows}
    assert (by_member[m1].days_without, by_member[m1].last_end) == (185, date(2025, 8, 31))
    assert by_member[m1].share == pytest.approx(181 / 365)
    assert by_member[m1].count == 2
    assert by_member[m1].status == "zonder inzet"
    assert (by_member[m2].current, by_member[m2].days_without) == (True, 0)
    assert by_member[m2].share == pytest.approx(62 / 365)
    assert by_member[m2].status == "nu ingezet"
    assert (by_member[m3].days_without, by_member[m3].share, by_member[m3].status) == (
        None,
        0,
        "nooit ingezet",
    )
    assert by_member[m4].days_without is None

    def order(o):
        return [r.member for r in distribution(members=[m1, m2, m3, m4], today=TODAY, order=o)]

    assert order(DistributionOrder.SHARE_HIGH) == [m1, m2, m3, m4]
    assert order(DistributionOrder.SHARE_LOW) == [m3, m4, m2, m1]
    assert order(DistributionOrder.SHORTEST_WITHOUT) == [m2, m1, m3, m4]
    assert order(DistributionOrder.NAME_REVERSED) == [m4, m3, m2, m1]
