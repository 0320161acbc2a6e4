"""The load test's accounts: N per group, with the known password, each with something to see."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import User
from django.core.management import CommandError, call_command

from assignments.models import Opgave
from pool import access
from pool.models import Organisation
from tests.factories import MemberFactory, OpgaveFactory, OrganisationFactory

pytestmark = pytest.mark.django_db


def test_accounts_per_group_with_members_opgaven_and_organisations(monkeypatch):
    monkeypatch.setenv("ROLPOOL_LOADTEST_PASSWORD", "eerste-wachtwoord")
    OrganisationFactory.create_batch(2)
    MemberFactory.create_batch(4)
    OpgaveFactory.create_batch(5)

    call_command("loadtest_accounts", per_group=2)
    monkeypatch.setenv("ROLPOOL_LOADTEST_PASSWORD", "tweede-wachtwoord")
    call_command("loadtest_accounts", per_group=2)  # again: same accounts, new password

    accounts = User.objects.filter(username__startswith="lt-").order_by("username")
    assert [(user.username, *user.groups.values_list("name", flat=True)) for user in accounts] == [
        ("lt-hr-1", access.HR_ADVISOR),
        ("lt-hr-2", access.HR_ADVISOR),
        ("lt-medewerker-1", access.MEMBER),
        ("lt-medewerker-2", access.MEMBER),
        ("lt-opdrachtgever-1", access.MANAGER),
        ("lt-opdrachtgever-2", access.MANAGER),
    ]
    assert all(user.check_password("tweede-wachtwoord") for user in accounts)
    assert all(User.objects.get(username=f"lt-medewerker-{n}").member for n in (1, 2))
    owners = Opgave.objects.values_list("owner__username", flat=True)
    assert sorted(owners) == ["lt-opdrachtgever-1"] * 3 + ["lt-opdrachtgever-2"] * 2
    for organisation in Organisation.objects.all():
        assert {"lt-hr-1", "lt-hr-2"} <= set(
            organisation.hr_advisors.values_list("username", flat=True)
        )


def test_accounts_need_the_password_and_a_data_set(monkeypatch):
    monkeypatch.delenv("ROLPOOL_LOADTEST_PASSWORD", raising=False)
    with pytest.raises(CommandError, match="ROLPOOL_LOADTEST_PASSWORD"):
        call_command("loadtest_accounts", per_group=2)
    monkeypatch.setenv("ROLPOOL_LOADTEST_PASSWORD", "wachtwoord")
    with pytest.raises(CommandError, match="seed_demo"):
        call_command("loadtest_accounts", per_group=2)
    assert not User.objects.filter(username__startswith="lt-").exists()
