"""The pool's supply kept in memory (assignments.pool_supply): read once per process and
week, then only the members whose revision moved. Every change through the services or
the admin shows on the shortages page at once, with the figures a fresh read gives."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.urls import reverse

from assignments import pool_supply
from assignments.matching.adapter import week_of
from assignments.models import Assignment
from assignments.overview_selectors import shortages
from assignments.privacy_services import member_anonymise
from assignments.services import (
    assignment_accept,
    assignment_confirm,
    assignment_propose,
    assignment_withdraw,
)
from pool import access
from pool.models import Member, RoleExperience
from pool.selectors import members_in_pool_of
from pool.services import (
    RoleExperienceEntry,
    availability_add,
    leave_add,
    member_competency_add,
    member_details_update,
    member_role_experience_set,
)
from tests.factories import (
    TODAY,
    AssignmentFactory,
    CompetencyFactory,
    MemberCompetencyFactory,
    MemberFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleExperienceFactory,
    RoleFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
    UserFactory,
)

pytestmark = pytest.mark.django_db

MONDAY = week_of(TODAY)
QUARTER_END = MONDAY + timedelta(weeks=13, days=-1)


@pytest.fixture
def served(hr_user):
    organisation = OrganisationFactory(shares_members=True)
    organisation.hr_advisors.add(hr_user)
    return organisation


@pytest.fixture
def role():
    return RoleFactory(name_nl="Regie")


@pytest.fixture
def competency():
    return CompetencyFactory(name_nl="Verbindend")


@pytest.fixture
def open_request(served, role, competency):
    """8 hours a week for two people over the whole quarter: Regie, Verbindend level 2."""
    opgave = OpgaveFactory(organisation=served, start=MONDAY, end=MONDAY + timedelta(weeks=20))
    request = RoleRequestFactory(
        opgave=opgave,
        role=role,
        hours_per_week=Decimal(8),
        people=2,
        start=MONDAY,
        end=QUARTER_END,
    )
    RoleRequestCompetencyFactory(role_request=request, competency=competency, min_level=2)
    return request


def qualified(organisation, role, competency, **fields) -> Member:
    """A member with some experience in the role and the competency at level 3."""
    member = MemberFactory(
        organisation=organisation, user=UserFactory(groups=[access.MEMBER]), **fields
    )
    RoleExperienceFactory(member=member, role=role, experience=RoleExperience.Experience.SOME)
    MemberCompetencyFactory(member=member, competency=competency, level=3)
    return member


def supply(hr_user) -> list[tuple[str, float, int]]:
    report = shortages(user=hr_user, today=TODAY)
    return [
        (row.label, round(row.supply_hours, 9), row.supply_people)
        for row in report.roles + report.competencies
    ]


def assert_as_fresh(hr_user) -> list[tuple[str, float, int]]:
    """The figures from this process's snapshot are those a new process reads."""
    kept = supply(hr_user)
    pool_supply._snapshots.clear()
    assert supply(hr_user) == kept
    return kept


def test_a_confirmed_inzet_changes_the_figures_at_once(
    client, hr_user, served, role, competency, open_request
):
    member = qualified(served, role, competency, pool_hours=Decimal(16))
    assert supply(hr_user) == [
        ("Regie", 16, 1),
        ("Verbindend, niveau 2 of hoger", 16, 1),
    ]

    assignment = assignment_propose(role_request=open_request, member=member, by=hr_user)
    assert supply(hr_user)[0] == ("Regie", 16, 1)  # a proposal books no hours
    assignment_accept(assignment=assignment, by=member.user)
    assert supply(hr_user)[0] == ("Regie", 8, 1)  # 8 of 16 hours booked in every week
    assignment_confirm(assignment=assignment, by=hr_user)
    assert assert_as_fresh(hr_user)[0] == ("Regie", 8, 1)
    client.force_login(hr_user)
    capacity = client.get(reverse("hr:capacity")).content.decode()
    assert "8 van 16 uur, deels bezet" in capacity

    assignment_withdraw(assignment=assignment, by=hr_user, reason="Andere prioriteit")
    assert supply(hr_user)[0] == ("Regie", 16, 1)
    assert "0 van 16 uur, vrij" in client.get(reverse("hr:capacity")).content.decode()


def test_profile_changes_show_at_once(hr_user, served, role, competency, open_request):
    member = qualified(served, role, competency, pool_hours=Decimal(16))
    newcomer = MemberFactory(organisation=served, pool_hours=Decimal(10))
    assert supply(hr_user) == [("Regie", 16, 1), ("Verbindend, niveau 2 of hoger", 16, 1)]

    member_competency_add(member=newcomer, competency=competency, level=2)
    assert assert_as_fresh(hr_user)[1] == ("Verbindend, niveau 2 of hoger", 26, 2)
    member_role_experience_set(
        member=newcomer,
        entries=[
            RoleExperienceEntry(
                role=role,
                experience=RoleExperience.Experience.SUBSTANTIAL,
                preference=RoleExperience.Preference.NEUTRAL,
            )
        ],
    )
    assert assert_as_fresh(hr_user)[0] == ("Regie", 26, 2)
    member_details_update(member=member, email="", unit="", pool_hours=Decimal(12), shareable=False)
    assert assert_as_fresh(hr_user)[0] == ("Regie", 22, 2)
    # Fewer hours over the whole quarter; a week of leave takes one week's hours.
    availability_add(member=member, start=TODAY, end=QUARTER_END, hours_per_week=Decimal(4))
    assert assert_as_fresh(hr_user)[0] == ("Regie", 14, 2)
    leave_add(member=newcomer, start=MONDAY + timedelta(weeks=2), end=MONDAY + timedelta(days=18))
    assert assert_as_fresh(hr_user)[0] == ("Regie", pytest.approx(4 + 10 * 12 / 13), 2)


def test_members_joining_and_leaving_the_pool(
    hr_user, user_in, served, role, competency, open_request
):
    qualified(served, role, competency, pool_hours=Decimal(16))
    sharing = OrganisationFactory(shares_members=True)
    shared = qualified(sharing, role, competency, pool_hours=Decimal(8), shareable=True)
    assert supply(hr_user)[0] == ("Regie", 24, 2)

    leaving = qualified(served, role, competency, pool_hours=Decimal(4))  # a new member
    assert supply(hr_user)[0] == ("Regie", 28, 3)
    member_anonymise(member=leaving, by=user_in(access.ADMINISTRATOR))
    assert supply(hr_user)[0] == ("Regie", 24, 2)
    # The scope is asked of the database on every view: an organisation that stops
    # sharing takes its members out of the advisor's pool at once.
    sharing.shares_members = False
    sharing.save()
    assert assert_as_fresh(hr_user)[0] == ("Regie", 16, 1)
    Member.objects.filter(pk=shared.pk).delete()
    assert supply(hr_user)[0] == ("Regie", 16, 1)


def test_admin_changes_to_inzet_show_at_once(
    admin_client, hr_user, served, role, competency, open_request
):
    member = qualified(served, role, competency, pool_hours=Decimal(16))
    inzet = AssignmentFactory(
        role_request=open_request,
        member=member,
        hours_per_week=Decimal(8),
        start=MONDAY,
        end=QUARTER_END,
        state=Assignment.State.CONFIRMED,
    )
    assert supply(hr_user)[0] == ("Regie", 8, 1)

    # Moved to someone else: both members' hours change.
    other = qualified(served, role, competency, pool_hours=Decimal(10))
    assert supply(hr_user)[0] == ("Regie", 18, 2)
    change = reverse("admin:assignments_assignment_change", args=[inzet.pk])
    response = admin_client.post(
        change, {**admin_form_data(admin_client, change), "member": other.pk}
    )
    assert response.status_code == 302
    assert assert_as_fresh(hr_user)[0] == ("Regie", 18, 2)  # 16 free, and 10 - 8

    response = admin_client.post(
        reverse("admin:assignments_assignment_delete", args=[inzet.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    assert assert_as_fresh(hr_user)[0] == ("Regie", 26, 2)


def admin_form_data(admin_client, url: str) -> dict:
    """What the admin's change form posts back unchanged: its fields and its inlines'
    management forms."""
    context = admin_client.get(url).context
    form = context["adminform"].form
    data = {name: form[name].value() for name in form.fields if form[name].value() is not None}
    for inline in context["inline_admin_formsets"]:
        management = inline.formset.management_form
        data.update(
            {management[name].html_name: management[name].value() for name in management.fields}
        )
    return data


def test_reads_only_what_changed(
    hr_user, served, role, competency, open_request, django_assert_num_queries
):
    members = [qualified(served, role, competency) for _ in range(5)]
    pool = members_in_pool_of(user=hr_user)
    # The pool's ids and revisions; the weeks up to the last open request; everyone's
    # hours, competencies, learning goals and roles in one round trip.
    with django_assert_num_queries(3):
        snapshot, member_ids = pool_supply.pool_snapshot(pool=pool, first_week=MONDAY)
    assert member_ids.tolist() == sorted(m.pk for m in members)
    with django_assert_num_queries(1):
        assert pool_supply.pool_snapshot(pool=pool, first_week=MONDAY)[0] is snapshot

    member_competency_add(member=members[2], competency=CompetencyFactory(), level=1)
    # The pool's sums, which no longer match, its ids and revisions, and the one round
    # trip that reads the member who changed.
    with django_assert_num_queries(3):
        changed, _ids = pool_supply.pool_snapshot(pool=pool, first_week=MONDAY)
    assert len(changed.rows.held) == len(snapshot.rows.held) + 1
    with django_assert_num_queries(3):  # a new week: everyone again
        pool_supply.pool_snapshot(pool=pool, first_week=MONDAY + timedelta(weeks=1))


def test_a_web_worker_reads_the_snapshot_as_it_starts(
    hr_user, served, role, competency, open_request, django_assert_num_queries
):
    """gunicorn's post_worker_init reads everyone (the end of the last open request, then
    one round trip), so the first Tekorten view asks only who is in the pool, and the
    figures are those of a fresh read."""
    from config import gunicorn

    members = [qualified(served, role, competency) for _ in range(3)]
    expected = shortages(user=hr_user, today=TODAY)
    pool_supply._snapshots.clear()
    with django_assert_num_queries(2):
        gunicorn.post_worker_init(worker=None)
    warmed = pool_supply._snapshots[MONDAY]
    assert warmed.rows.member_ids.tolist() == sorted(m.pk for m in members)
    with django_assert_num_queries(1):
        assert (
            pool_supply.pool_snapshot(pool=members_in_pool_of(user=hr_user), first_week=MONDAY)[0]
            is warmed
        )
    assert shortages(user=hr_user, today=TODAY) == expected

    with django_assert_num_queries(0):  # already held: nothing read again
        pool_supply.pool_snapshot_warm(today=TODAY)


def test_a_failed_warm_up_leaves_the_snapshot_to_the_first_view(monkeypatch, caplog):
    def unreachable(*args, **kwargs):
        raise ConnectionError("database starting")

    from config import gunicorn

    monkeypatch.setattr(pool_supply, "read_members", unreachable)
    gunicorn.post_worker_init(worker=None)
    assert pool_supply._snapshots == {}
    assert "pool snapshot" in caplog.text


def test_supply_sums_per_role_and_level(hr_user, served, role, competency):
    """Each row counts the members who qualify for it, and only those with free hours."""
    other_role = RoleFactory()
    free = qualified(served, role, competency, pool_hours=Decimal(10))
    expert = MemberFactory(organisation=served, pool_hours=Decimal(6))
    MemberCompetencyFactory(member=expert, competency=competency, level=4)
    none_free = qualified(served, role, competency, pool_hours=Decimal(0))
    RoleExperienceFactory(member=expert, role=other_role, experience=RoleExperience.Experience.NONE)
    snapshot, member_ids = pool_supply.pool_snapshot(
        pool=members_in_pool_of(user=hr_user), first_week=MONDAY
    )
    free_hours = snapshot.free_of(member_ids)
    assert snapshot.role_supply(free=free_hours, roles=[role.pk, other_role.pk]) == {
        role.pk: pool_supply.Supply(10, 1),  # none_free qualifies but has no hours
        other_role.pk: pool_supply.Supply(0, 0),  # no experience is not enough
    }
    asked = [(competency.pk, level) for level in (1, 3, 4)]
    assert snapshot.competency_supply(free=free_hours, asked=asked) == {
        (competency.pk, 1): pool_supply.Supply(16, 2),
        (competency.pk, 3): pool_supply.Supply(16, 2),
        (competency.pk, 4): pool_supply.Supply(6, 1),
    }
    assert {free.pk, expert.pk, none_free.pk} == set(member_ids.tolist())
