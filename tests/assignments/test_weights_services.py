"""Changing the matching weights: stored once, audited, and every match recomputed."""

from __future__ import annotations

import pytest

from assignments.matching import services
from assignments.matching.core import Weights, WeightsError
from assignments.models import Match, MatchingWeights, RoleRequest
from assignments.services import REBUILD_TASK, matching_weights_update
from assignments.weights_selectors import weights_recompute_pending
from pool.models import AuditEntry, Member
from tests.assignments.matching.test_worker import request_and_weak_member
from tests.factories import TODAY, MemberFactory, RoleRequestFactory, UserFactory

pytestmark = pytest.mark.django_db
COMPETENCY_ONLY = {"competency": 1, "role_experience": 0, "role_preference": 0, "availability": 0}


@pytest.fixture
def by():
    return UserFactory()


def sent_tasks(callbacks) -> list[tuple]:
    return [c.args for c in callbacks if getattr(c, "args", None)]


def test_a_change_marks_everything_stale_and_sends_one_rebuild(
    by, django_capture_on_commit_callbacks
):
    MemberFactory.create_batch(3)
    open_request = RoleRequestFactory()
    filled = RoleRequestFactory(status=RoleRequest.Status.FILLED)
    with django_capture_on_commit_callbacks() as callbacks:
        assert matching_weights_update(values={"availability": 40}, by=by) is True
    changed_at = MatchingWeights.objects.get(pk=1).updated_at
    assert set(Member.objects.values_list("matches_stale_since", flat=True)) == {changed_at}
    stale = dict(RoleRequest.objects.values_list("pk", "matches_stale_since"))
    assert stale == {open_request.pk: changed_at, filled.pk: None}
    assert sent_tasks(callbacks) == [(REBUILD_TASK,)]  # one rebuild, not a task per member
    assert weights_recompute_pending(changed_at=changed_at)


def test_the_weights_in_force_change_nothing(by, django_capture_on_commit_callbacks):
    member = MemberFactory()
    with django_capture_on_commit_callbacks() as callbacks:
        assert matching_weights_update(values=Weights().as_dict(), by=by) is False
    assert not MatchingWeights.objects.exists()
    assert not AuditEntry.objects.exists()
    assert sent_tasks(callbacks) == []
    member.refresh_from_db()
    assert member.matches_stale_since is None


def test_weights_the_core_refuses_store_nothing(by):
    with pytest.raises(WeightsError) as refused:
        matching_weights_update(values={**COMPETENCY_ONLY, "competency": 0}, by=by)
    assert refused.value.problems == {"": "no_positive_part"}
    assert not MatchingWeights.objects.exists()
    assert not AuditEntry.objects.exists()


def test_the_rebuild_scores_by_the_new_weights_and_ends_the_wait(by):
    request, member, _competency = request_and_weak_member()
    services.matches_rebuild(today=TODAY)
    assert Match.objects.get(role_request=request, member=member).score != pytest.approx(25)

    matching_weights_update(values=COMPETENCY_ONLY, by=by)
    changed_at = MatchingWeights.objects.get(pk=1).updated_at
    services.matches_rebuild(today=TODAY)
    # Only the competency part counts now: level 1 of the minimum 4 is a quarter.
    match = Match.objects.get(role_request=request, member=member)
    assert match.score == pytest.approx(25)
    assert match.explanation["parts"]["competency"]["weight"] == 1
    assert not weights_recompute_pending(changed_at=changed_at)
