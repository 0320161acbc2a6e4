"""Give a seeded data set many accounts per group, for the load test (bench/loadtest/).

Creates (or keeps) `lt-medewerker-1…N`, `lt-opdrachtgever-1…N` and `lt-hr-1…N`, all with
the password in ROLPOOL_LOADTEST_PASSWORD:
* each medewerker account is linked to a pool member who had no account yet;
* the opgaven of the data set are spread over the opdrachtgever accounts, so each owns
  some (the demo account `manager` owns none afterwards);
* the HR advisors serve every organisation, as the demo account `hr` does.

Run it again to change the password; it never touches other accounts. Meant for a
benchmark database only.
"""

from __future__ import annotations

import os

from django.contrib.auth.hashers import make_password
from django.contrib.auth.models import Group, User
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from assignments.models import Opgave
from pool import access
from pool.models import Member, Organisation

PASSWORD_VARIABLE = "ROLPOOL_LOADTEST_PASSWORD"  # noqa: S105 - a variable's name
PREFIXES = {
    access.MEMBER: "lt-medewerker",
    access.MANAGER: "lt-opdrachtgever",
    access.HR_ADVISOR: "lt-hr",
}


class Command(BaseCommand):
    help = "Create N load-test accounts per group (medewerker, opdrachtgever, HR-adviseur)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--per-group", type=int, default=200)

    def handle(self, *, per_group: int, **options):
        password = os.environ.get(PASSWORD_VARIABLE, "")
        if not password:
            raise CommandError(f"Set {PASSWORD_VARIABLE} to the accounts' password.")
        if per_group < 1:
            raise CommandError("--per-group must be at least 1.")
        if not Member.objects.exists():
            raise CommandError("The database holds no data set; run seed_demo first.")
        with transaction.atomic():
            accounts = {
                group: _accounts(group, prefix, per_group, make_password(password))
                for group, prefix in PREFIXES.items()
            }
            _link_members(accounts[access.MEMBER])
            _spread_opgaven(accounts[access.MANAGER])
            for organisation in Organisation.objects.all():
                organisation.hr_advisors.add(*accounts[access.HR_ADVISOR])
        self.stdout.write(
            f"{per_group} accounts per group: "
            + ", ".join(f"{prefix}-1…{per_group}" for prefix in PREFIXES.values())
        )


def _accounts(group: str, prefix: str, count: int, password: str) -> list[User]:
    names = [f"{prefix}-{number}" for number in range(1, count + 1)]
    existing = set(User.objects.filter(username__in=names).values_list("username", flat=True))
    User.objects.bulk_create(
        User(username=name, email=f"{name}@rolpool.example", first_name=prefix, last_name=name)
        for name in names
        if name not in existing
    )
    users = list(User.objects.filter(username__in=names).order_by("pk"))
    User.objects.filter(username__in=names).update(password=password)
    Group.objects.get(name=group).user_set.add(*users)
    return users


def _link_members(users: list[User]) -> None:
    linked = set(Member.objects.filter(user__in=users).values_list("user_id", flat=True))
    unlinked = [user for user in users if user.pk not in linked]
    free = list(Member.objects.filter(user__isnull=True).order_by("pk")[: len(unlinked)])
    if len(free) < len(unlinked):
        raise CommandError("Too few members without an account for the medewerker accounts.")
    for member, user in zip(free, unlinked, strict=True):
        member.user = user
    Member.objects.bulk_update(free, ["user"])


def _spread_opgaven(users: list[User]) -> None:
    opgaven = list(Opgave.objects.order_by("pk").values_list("pk", flat=True))
    for index, user in enumerate(users):
        Opgave.objects.filter(pk__in=opgaven[index :: len(users)]).update(owner=user)
