from __future__ import annotations

import pytest
from django.contrib.auth import authenticate
from django.core.management import call_command
from django.db import transaction
from django.test import RequestFactory

from assignments.demo import demo_seed
from assignments.models import Assignment, Opgave, RoleRequest
from assignments.services import REBUILD_TASK
from pool import access
from pool.models import Member, MemberCompetency, Organisation
from tests.factories import TODAY

pytestmark = pytest.mark.django_db


def fingerprint() -> tuple:
    """Everything that makes the demo data set what it is, in a comparable form."""
    return (
        list(Organisation.objects.order_by("name").values_list("name", "cbs_code")),
        list(
            Member.objects.order_by("personnel_number").values_list(
                "personnel_number",
                "first_name",
                "last_name",
                "organisation__name",
                "pool_hours",
                "unit",
            )
        ),
        list(
            MemberCompetency.objects.order_by(
                "member__personnel_number", "competency__code"
            ).values_list("member__personnel_number", "competency__code", "level")
        ),
        list(Opgave.objects.order_by("title").values_list("title", "status", "start", "end")),
        sorted(Assignment.objects.values_list("member__personnel_number", "state")),
    )


def seeded_fingerprint(seed: int) -> tuple:
    with transaction.atomic():
        demo_seed(members=60, opgaven=12, seed=seed, today=TODAY)
        result = fingerprint()
        transaction.set_rollback(True)
    return result


def test_seed_demo_is_deterministic_per_seed():
    first, again, other = seeded_fingerprint(7), seeded_fingerprint(7), seeded_fingerprint(8)
    assert first == again
    assert first != other


def test_seed_demo_default_counts_and_accounts():
    call_command("seed_demo")
    assert Member.objects.count() == 300
    assert Opgave.objects.count() == 40
    municipalities = Organisation.objects.filter(kind=Organisation.Kind.MUNICIPALITY)
    assert municipalities.count() >= 3
    assert set(municipalities.values_list("cbs_code", flat=True)) >= {"GM0344", "GM0307"}
    # Real CBS names, not made up ones.
    assert Organisation.objects.get(cbs_code="GM0344").name == "Utrecht"
    assert set(Opgave.objects.values_list("status", flat=True)) == set(Opgave.Status.values)
    assert RoleRequest.objects.filter(status=RoleRequest.Status.OPEN).exists()
    assert Assignment.objects.filter(state=Assignment.State.CONFIRMED).exists()
    assert MemberCompetency.objects.count() >= 300 * 5

    for username, group in [
        ("hr", access.HR_ADVISOR),
        ("manager", access.MANAGER),
        ("medewerker", access.MEMBER),
        ("beheer", access.ADMINISTRATOR),
        ("leidinggevende", access.LINE_MANAGER),
    ]:
        # django-axes needs the login request (it throttles per username and address).
        user = authenticate(RequestFactory().post("/inloggen/"), username=username, password="demo")
        assert user is not None, username
        assert user.groups.filter(name=group).exists()
    demo_member = Member.objects.get(user__username="medewerker")
    assert demo_member.assignments.filter(state=Assignment.State.PROPOSED).exists()


def test_seed_demo_never_overbooks_a_member():
    demo_seed(members=200, opgaven=30, seed=3, today=TODAY)
    for member in Member.objects.prefetch_related("assignments"):
        booked = sum(
            a.hours_per_week
            for a in member.assignments.all()
            if a.state in Assignment.ACTIVE_STATES
        )
        assert booked <= member.pool_hours


def test_seed_demo_if_empty_leaves_existing_data_alone(capsys):
    call_command("seed_demo", members=20, opgaven=3)
    call_command("seed_demo", "--if-empty")
    assert Member.objects.count() == 20
    assert "already" in capsys.readouterr().out


def test_seed_demo_leaves_every_match_to_compute(django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks() as callbacks:
        demo_seed(members=20, opgaven=5, seed=1, today=TODAY)
    assert not Member.objects.filter(matches_stale_since__isnull=True).exists()
    # One full rebuild, not one task per member.
    sent = [c.args for c in callbacks if getattr(c, "args", None)]
    assert sent == [(REBUILD_TASK,)]
