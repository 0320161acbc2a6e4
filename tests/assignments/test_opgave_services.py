"""The manager's writes: opgaven and role requests, their history, and stale matches."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from assignments import services
from assignments.matching.services import RECOMPUTE_REQUEST_TASK
from assignments.models import (
    Assignment,
    AssignmentTransition,
    Opgave,
    OpgaveLogEntry,
    RoleRequest,
    RoleRequestCompetency,
)
from assignments.selectors import core_roles, role_requests_of, team_composition
from assignments.services import CompetencyNeed, LogAction, OpgaveError
from competencies.models import Role
from pool import access
from pool.models import Organisation
from tests.factories import (
    TODAY,
    AssignmentFactory,
    CompetencyFactory,
    OpgaveFactory,
    OrganisationFactory,
    RoleFactory,
    RoleRequestCompetencyFactory,
    RoleRequestFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def opgave(manager_user):
    return OpgaveFactory(owner=manager_user, status=Opgave.Status.CONCEPT)


def actions(opgave: Opgave) -> list[str]:
    return list(
        OpgaveLogEntry.objects.filter(opgave=opgave)
        .order_by("at", "id")
        .values_list("action", flat=True)
    )


def stale(*role_requests: RoleRequest) -> list[bool]:
    return [RoleRequest.objects.get(pk=r.pk).matches_stale_since is not None for r in role_requests]


def recomputes(callbacks) -> list[int]:
    """The role requests whose recompute the on-commit callbacks send."""
    return [
        c.keywords["role_request_id"]
        for c in callbacks
        if getattr(c, "args", ())[:1] == (RECOMPUTE_REQUEST_TASK,)
    ]


def request_fields(**overrides):
    fields = {
        "role": RoleFactory(),
        "hours_per_week": Decimal(8),
        "start": TODAY + timedelta(weeks=2),
        "end": TODAY + timedelta(weeks=20),
        "people": 1,
        "open_to_development": False,
    }
    return {**fields, **overrides}


def confirmed_on(role_request: RoleRequest) -> Assignment:
    return AssignmentFactory(role_request=role_request, state=Assignment.State.CONFIRMED)


# -- opgaven -----------------------------------------------------------------------------


def test_create_makes_a_concept_owned_by_the_manager_with_a_history_row(manager_user):
    organisation = OrganisationFactory(kind=Organisation.Kind.PUBLIC_BODY)
    opgave = services.opgave_create(
        by=manager_user,
        title="  Warmtetransitie Noord  ",
        description="Wijkaanpak",
        organisation=organisation,
        start=TODAY,
        end=TODAY + timedelta(days=90),
        predictability=Opgave.Predictability.UNPREDICTABLE,
        complexity=Opgave.Complexity.COMPLEX,
    )
    assert (opgave.status, opgave.owner, opgave.title) == (
        Opgave.Status.CONCEPT,
        manager_user,
        "Warmtetransitie Noord",
    )
    entry = OpgaveLogEntry.objects.get(opgave=opgave)
    assert (entry.action, entry.actor, entry.to_status) == ("created", manager_user, "concept")


def test_create_refuses_suppliers_and_non_managers(manager_user, user_in):
    fields = {
        "title": "X",
        "start": TODAY,
        "end": TODAY,
        "predictability": Opgave.Predictability.PREDICTABLE,
        "complexity": Opgave.Complexity.SIMPLE,
    }
    supplier = OrganisationFactory(kind=Organisation.Kind.SUPPLIER, cbs_code=None)
    with pytest.raises(ValidationError) as refused:
        services.opgave_create(by=manager_user, organisation=supplier, **fields)
    assert "organisation" in refused.value.error_dict
    with pytest.raises(OpgaveError):
        services.opgave_create(
            by=user_in(access.HR_ADVISOR), organisation=OrganisationFactory(), **fields
        )
    with pytest.raises(ValidationError):  # end before start: the model's own rule
        services.opgave_create(
            by=manager_user,
            organisation=OrganisationFactory(),
            **{**fields, "end": TODAY - timedelta(days=1)},
        )
    assert not Opgave.objects.exists()


def test_update_records_changes_and_a_new_period_makes_matches_stale(opgave, manager_user):
    role_request = RoleRequestFactory(opgave=opgave)
    fields = {
        "title": "Nieuwe titel",
        "description": opgave.description,
        "organisation": opgave.organisation,
        "start": opgave.start,
        "end": opgave.end,
        "predictability": opgave.predictability,
        "complexity": opgave.complexity,
        "governance": opgave.governance,
    }
    services.opgave_update(opgave=opgave, by=manager_user, **fields)
    assert stale(role_request) == [False]  # the title does not change any match
    entry = OpgaveLogEntry.objects.get(opgave=opgave, action="updated")
    assert entry.data["changes"] == {"title": [opgave.title, "Nieuwe titel"]}

    services.opgave_update(
        opgave=opgave, by=manager_user, **{**fields, "end": opgave.end + timedelta(days=30)}
    )
    assert stale(role_request) == [True]
    assert actions(opgave) == ["updated", "updated"]

    # An unchanged form writes nothing.
    services.opgave_update(
        opgave=opgave, by=manager_user, **{**fields, "end": opgave.end + timedelta(days=30)}
    )
    assert actions(opgave) == ["updated", "updated"]


def test_update_refuses_a_period_that_leaves_requests_outside(opgave, manager_user):
    RoleRequestFactory(opgave=opgave)
    with pytest.raises(ValidationError) as refused:
        services.opgave_update(
            opgave=opgave,
            by=manager_user,
            title=opgave.title,
            description="",
            organisation=opgave.organisation,
            start=opgave.start + timedelta(days=7),
            end=opgave.end - timedelta(days=7),
            predictability=opgave.predictability,
            complexity=opgave.complexity,
            governance=opgave.governance,
        )
    assert set(refused.value.error_dict) == {"start", "end"}


def test_only_the_owner_changes_an_opgave(opgave, user_in):
    other_manager = user_in(access.MANAGER)
    role_request = RoleRequestFactory(opgave=opgave)
    attempts = [
        lambda: services.opgave_open(opgave=opgave, by=other_manager),
        lambda: services.opgave_cancel(opgave=opgave, by=other_manager, reason="weg"),
        lambda: services.opgave_copy(opgave=opgave, by=other_manager),
        lambda: services.opgave_request_core_roles(opgave=opgave, by=other_manager),
        lambda: services.role_request_create(opgave=opgave, by=other_manager, **request_fields()),
        lambda: services.role_request_remove(role_request=role_request, by=other_manager),
        lambda: services.role_request_update(
            role_request=role_request, by=other_manager, **request_fields()
        ),
    ]
    for attempt in attempts:
        with pytest.raises(OpgaveError):
            attempt()
    assert Opgave.objects.count() == 1
    assert RoleRequest.objects.filter(opgave=opgave).count() == 1
    assert actions(opgave) == []


def test_open_needs_a_role_request_and_makes_matches_stale(opgave, manager_user):
    with pytest.raises(OpgaveError, match="minstens één rol"):
        services.opgave_open(opgave=opgave, by=manager_user)
    role_request = RoleRequestFactory(opgave=opgave)
    services.opgave_open(opgave=opgave, by=manager_user)
    opgave.refresh_from_db()
    assert opgave.status == Opgave.Status.OPEN
    assert stale(role_request) == [True]
    entry = OpgaveLogEntry.objects.get(opgave=opgave)
    assert (entry.action, entry.from_status, entry.to_status) == ("opened", "concept", "open")
    with pytest.raises(OpgaveError):
        services.opgave_open(opgave=opgave, by=manager_user)  # not a concept any more


def test_open_enqueues_a_recompute_after_commit(
    opgave, manager_user, django_capture_on_commit_callbacks
):
    requests = RoleRequestFactory.create_batch(2, opgave=opgave)
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        services.opgave_open(opgave=opgave, by=manager_user)
    # one recompute per role request, sent only after commit
    assert sorted(recomputes(callbacks)) == sorted(r.pk for r in requests)


def test_complete_ends_the_inzet_and_needs_a_reason(manager_user):
    opgave = OpgaveFactory(owner=manager_user, status=Opgave.Status.IN_PROGRESS)
    role_request = RoleRequestFactory(opgave=opgave)
    confirmed = AssignmentFactory(role_request=role_request, state=Assignment.State.CONFIRMED)
    proposed = AssignmentFactory(role_request=role_request)
    declined = AssignmentFactory(role_request=role_request, state=Assignment.State.DECLINED)

    with pytest.raises(OpgaveError, match="reden"):
        services.opgave_complete(opgave=opgave, by=manager_user, reason="  ")
    services.opgave_complete(opgave=opgave, by=manager_user, reason="Plan is vastgesteld")

    opgave.refresh_from_db()
    assert opgave.status == Opgave.Status.COMPLETED
    states = {a.pk: a.state for a in Assignment.objects.all()}
    assert states == {
        confirmed.pk: Assignment.State.COMPLETED,
        proposed.pk: Assignment.State.WITHDRAWN,
        declined.pk: Assignment.State.DECLINED,
    }
    assert (
        AssignmentTransition.objects.filter(reason="Plan is vastgesteld", by=manager_user).count()
        == 2
    )
    entry = OpgaveLogEntry.objects.get(opgave=opgave)
    assert (entry.action, entry.from_status, entry.to_status, entry.reason) == (
        "completed",
        "in_progress",
        "completed",
        "Plan is vastgesteld",
    )
    assert stale(role_request) == [True]
    confirmed.member.refresh_from_db()
    assert confirmed.member.matches_stale_since is not None  # their hours are free again


def test_a_concept_is_cancelled_not_completed(opgave, manager_user):
    with pytest.raises(OpgaveError):
        services.opgave_complete(opgave=opgave, by=manager_user, reason="klaar")
    services.opgave_cancel(opgave=opgave, by=manager_user, reason="Geen budget")
    opgave.refresh_from_db()
    assert opgave.status == Opgave.Status.CANCELLED
    with pytest.raises(OpgaveError):
        services.opgave_cancel(opgave=opgave, by=manager_user, reason="nogmaals")
    with pytest.raises(OpgaveError):  # nothing changes on a cancelled opgave
        services.role_request_create(opgave=opgave, by=manager_user, **request_fields())
    assert actions(opgave) == ["cancelled"]


def test_copy_copies_requests_and_needs_but_staffs_nobody(manager_user):
    opgave = OpgaveFactory(owner=manager_user, status=Opgave.Status.IN_PROGRESS)
    staffed = RoleRequestFactory(opgave=opgave, people=2, open_to_development=True)
    need = RoleRequestCompetencyFactory(role_request=staffed, min_level=3, required=False)
    confirmed_on(staffed)
    RoleRequestFactory(opgave=opgave, status=RoleRequest.Status.WITHDRAWN)  # not copied
    new_start = opgave.start + timedelta(days=365)

    copy = services.opgave_copy(opgave=opgave, by=manager_user, start=new_start)

    assert (copy.status, copy.owner, copy.title) == (
        Opgave.Status.CONCEPT,
        manager_user,
        f"Kopie van {opgave.title}",
    )
    assert (copy.start, copy.end) == (new_start, opgave.end + timedelta(days=365))
    [copied] = RoleRequest.objects.filter(opgave=copy)
    assert (copied.role, copied.people, copied.open_to_development, copied.status) == (
        staffed.role,
        2,
        True,
        RoleRequest.Status.OPEN,
    )
    assert copied.start == staffed.start + timedelta(days=365)
    assert list(
        RoleRequestCompetency.objects.filter(role_request=copied).values_list(
            "competency", "min_level", "required"
        )
    ) == [(need.competency_id, 3, False)]
    assert not Assignment.objects.filter(role_request__opgave=copy).exists()
    assert stale(copied) == [True]
    assert actions(copy) == ["copied"]
    assert OpgaveLogEntry.objects.get(opgave=copy).data["source"] == str(opgave.uuid)


def test_copy_without_a_start_keeps_the_dates(opgave, manager_user):
    copy = services.opgave_copy(opgave=opgave, by=manager_user)
    assert (copy.start, copy.end) == (opgave.start, opgave.end)


# -- role requests -----------------------------------------------------------------------


def test_create_role_request_with_needs_logs_and_marks_stale(
    opgave, manager_user, django_capture_on_commit_callbacks
):
    required, desired = CompetencyFactory(), CompetencyFactory()
    with django_capture_on_commit_callbacks(execute=False) as callbacks:
        role_request = services.role_request_create(
            opgave=opgave,
            by=manager_user,
            needs=[CompetencyNeed(required.pk, 3), CompetencyNeed(desired.pk, 2, required=False)],
            **request_fields(start=opgave.start, end=opgave.end, people=2),
        )
    assert recomputes(callbacks) == [role_request.pk]
    assert stale(role_request) == [True]
    assert set(
        RoleRequestCompetency.objects.filter(role_request=role_request).values_list(
            "competency", "min_level", "required"
        )
    ) == {(required.pk, 3, True), (desired.pk, 2, False)}
    entry = OpgaveLogEntry.objects.get(opgave=opgave)
    assert entry.action == LogAction.ROLE_REQUEST_ADDED
    assert entry.data["role_request"] == str(role_request.uuid)


def test_create_role_request_refuses_bad_input(opgave, manager_user):
    competency = CompetencyFactory()
    with pytest.raises(ValidationError) as refused:
        services.role_request_create(
            opgave=opgave,
            by=manager_user,
            **request_fields(start=opgave.start - timedelta(days=1), end=opgave.end),
        )
    assert set(refused.value.error_dict) == {"start"}
    with pytest.raises(ValidationError) as refused:
        services.role_request_create(
            opgave=opgave,
            by=manager_user,
            needs=[CompetencyNeed(competency.pk, 2), CompetencyNeed(competency.pk, 3)],
            **request_fields(start=opgave.start, end=opgave.end),
        )
    assert set(refused.value.error_dict) == {"needs"}
    with pytest.raises(ValidationError):
        services.role_request_create(
            opgave=opgave,
            by=manager_user,
            **request_fields(start=opgave.start, end=opgave.end, hours_per_week=Decimal(61)),
        )
    with pytest.raises(ValidationError) as refused:
        services.role_request_create(
            opgave=opgave,
            by=manager_user,
            **request_fields(start=opgave.start, end=opgave.end, role=RoleFactory(is_active=False)),
        )
    assert set(refused.value.error_dict) == {"role"}
    assert not RoleRequest.objects.exists()
    assert actions(opgave) == []


def test_update_role_request_records_what_changed(opgave, manager_user):
    role_request = RoleRequestFactory(opgave=opgave)
    old_need = RoleRequestCompetencyFactory(role_request=role_request, min_level=2)
    new_competency = CompetencyFactory()
    services.role_request_update(
        role_request=role_request,
        by=manager_user,
        role=role_request.role,
        hours_per_week=Decimal(12),
        start=role_request.start,
        end=role_request.end,
        people=1,
        open_to_development=False,
        needs=[CompetencyNeed(old_need.competency_id, 4), CompetencyNeed(new_competency.pk, 1)],
    )
    role_request.refresh_from_db()
    assert role_request.hours_per_week == Decimal(12)
    assert set(
        RoleRequestCompetency.objects.filter(role_request=role_request).values_list(
            "competency", "min_level"
        )
    ) == {(old_need.competency_id, 4), (new_competency.pk, 1)}
    assert stale(role_request) == [True]
    entry = OpgaveLogEntry.objects.get(opgave=opgave)
    assert entry.action == LogAction.ROLE_REQUEST_CHANGED
    assert entry.data["changes"]["hours_per_week"] == ["8", "12"]
    assert set(entry.data["changes"]) == {"hours_per_week", "needs"}


def test_a_confirmed_request_only_takes_more_people_or_a_later_end(manager_user):
    opgave = OpgaveFactory(owner=manager_user, end=TODAY + timedelta(weeks=52))
    role_request = RoleRequestFactory(opgave=opgave, end=TODAY + timedelta(weeks=30))
    need = RoleRequestCompetencyFactory(role_request=role_request)
    confirmed_on(role_request)
    current = {
        "role": role_request.role,
        "hours_per_week": role_request.hours_per_week,
        "start": role_request.start,
        "end": role_request.end,
        "people": role_request.people,
        "open_to_development": role_request.open_to_development,
        "needs": [CompetencyNeed(need.competency_id, need.min_level, need.required)],
    }
    refused_changes = [
        {"hours_per_week": Decimal(16)},
        {"start": role_request.start + timedelta(days=7)},
        {"end": role_request.end - timedelta(days=7)},  # shorter: refused
        {"role": RoleFactory()},
        {"open_to_development": True},
        {"needs": []},
    ]
    for change in refused_changes:
        with pytest.raises(OpgaveError, match="alleen personen toevoegen"):
            services.role_request_update(
                role_request=role_request, by=manager_user, **{**current, **change}
            )
    assert actions(opgave) == []
    assert stale(role_request) == [False]

    services.role_request_update(
        role_request=role_request,
        by=manager_user,
        **{**current, "people": 3, "end": role_request.end + timedelta(weeks=4)},
    )
    role_request.refresh_from_db()
    assert (role_request.people, role_request.end) == (3, TODAY + timedelta(weeks=34))
    assert actions(opgave) == [LogAction.ROLE_REQUEST_CHANGED]
    assert stale(role_request) == [True]

    with pytest.raises(OpgaveError, match="alleen personen toevoegen"):
        services.role_request_update(
            role_request=role_request, by=manager_user, **{**current, "people": 2}
        )
    with pytest.raises(OpgaveError, match="bevestigd"):
        services.role_request_remove(role_request=role_request, by=manager_user)


def test_a_filled_request_that_asks_for_more_people_is_open_again(opgave, manager_user):
    role_request = RoleRequestFactory(opgave=opgave, status=RoleRequest.Status.FILLED)
    confirmed_on(role_request)
    services.role_request_update(
        role_request=role_request,
        by=manager_user,
        role=role_request.role,
        hours_per_week=role_request.hours_per_week,
        start=role_request.start,
        end=role_request.end,
        people=2,
        open_to_development=False,
    )
    role_request.refresh_from_db()
    assert role_request.status == RoleRequest.Status.OPEN


def test_remove_deletes_a_request_nobody_was_ever_on(opgave, manager_user):
    role_request = RoleRequestFactory(opgave=opgave)
    RoleRequestCompetencyFactory(role_request=role_request)
    assert services.role_request_remove(role_request=role_request, by=manager_user) is None
    assert not RoleRequest.objects.filter(pk=role_request.pk).exists()
    entry = OpgaveLogEntry.objects.get(opgave=opgave)
    assert entry.action == LogAction.ROLE_REQUEST_REMOVED
    assert entry.data["role"]["nl"] == role_request.role.name_nl


def test_remove_withdraws_a_request_with_proposals_and_the_proposals(opgave, manager_user):
    role_request = RoleRequestFactory(opgave=opgave)
    proposal = AssignmentFactory(role_request=role_request)
    kept = services.role_request_remove(
        role_request=role_request, by=manager_user, reason="Toch niet nodig"
    )
    assert kept.status == RoleRequest.Status.WITHDRAWN
    proposal.refresh_from_db()
    assert proposal.state == Assignment.State.WITHDRAWN
    assert stale(role_request) == [True]
    entry = OpgaveLogEntry.objects.get(opgave=opgave)
    assert (entry.action, entry.reason) == (LogAction.ROLE_REQUEST_WITHDRAWN, "Toch niet nodig")
    with pytest.raises(OpgaveError):
        services.role_request_remove(role_request=role_request, by=manager_user)


def test_core_roles_are_requested_once_each(opgave, manager_user):
    regie = Role.objects.get(code="regie")
    RoleRequestFactory(opgave=opgave, role=regie)  # already there: skipped
    created = services.opgave_request_core_roles(opgave=opgave, by=manager_user)
    codes = [r.role.code for r in created]
    assert codes == ["begroting", "politieke-afstemming", "vakinhoud", "netwerk"]
    assert all(
        (r.start, r.end, r.people, r.hours_per_week)
        == (opgave.start, opgave.end, 1, services.CORE_ROLE_HOURS)
        for r in created
    )
    assert stale(*created) == [True] * 4
    assert actions(opgave) == [LogAction.ROLE_REQUEST_ADDED] * 4
    with pytest.raises(OpgaveError, match="Alle kernrollen"):
        services.opgave_request_core_roles(opgave=opgave, by=manager_user)


# -- the team check ----------------------------------------------------------------------


def test_team_composition_sees_covered_requested_and_missing_core_roles(opgave):
    roles = {role.code: role for role in core_roles()}
    covered = RoleRequestFactory(opgave=opgave, role=roles["vakinhoud"])
    confirmed_on(covered)
    RoleRequestFactory(opgave=opgave, role=roles["netwerk"])
    RoleRequestFactory(opgave=opgave, role=roles["regie"], status=RoleRequest.Status.WITHDRAWN)
    team = team_composition(
        opgave=opgave, role_requests=list(role_requests_of(opgave=opgave)), roles=core_roles()
    )
    assert [r.code for r in team.covered] == ["vakinhoud"]
    assert [r.code for r in team.requested] == ["netwerk"]
    assert [r.code for r in team.missing] == ["regie", "begroting", "politieke-afstemming"]
    assert opgave.is_maatwerk
    assert len(team.warnings) == 2
    assert "regie" in team.warnings[0] and "politieke afstemming" in team.warnings[1]


def test_standard_work_gets_no_warning(manager_user):
    opgave = OpgaveFactory(
        owner=manager_user,
        predictability=Opgave.Predictability.PREDICTABLE,
        complexity=Opgave.Complexity.SIMPLE,
    )
    team = team_composition(opgave=opgave, role_requests=[], roles=core_roles())
    assert len(team.missing) == 5
    assert team.warnings == []
