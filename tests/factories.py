"""factory_boy factories for the models of every app."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal

import factory
from django.contrib.auth.models import Group, User
from django.utils import timezone

from assignments.models import Assignment, Opgave, RoleRequest, RoleRequestCompetency
from competencies.models import Competency, CompetencyGroup, Role
from pool.models import (
    Availability,
    LearningGoal,
    Member,
    MemberCompetency,
    Organisation,
    RoleExperience,
)

# Dates relative to the day the tests run, so that "open" requests stay in the future.
TODAY = timezone.localdate()


class UserFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = User
        skip_postgeneration_save = True

    username = factory.Sequence(lambda n: f"user{n}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    email = factory.LazyAttribute(lambda u: f"{u.username}@example.org")
    password = factory.django.Password("geheim-wachtwoord")

    @factory.post_generation
    def groups(self, create: bool, extracted: list[str] | None, **kwargs) -> None:
        if create and extracted:
            self.groups.add(*(Group.objects.get(name=name) for name in extracted))


class OrganisationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Organisation

    name = factory.Sequence(lambda n: f"Gemeente {n}")
    # GM9000–GM9999: no real municipality has such a code, and it stays six characters.
    cbs_code = factory.Sequence(lambda n: f"GM{9000 + n % 1000:04d}")


class CompetencyGroupFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = CompetencyGroup
        django_get_or_create = ["code"]

    code = factory.Sequence(lambda n: f"test-groep-{n}")
    name_nl = factory.Sequence(lambda n: f"Testgroep {n}")
    name_en = factory.Sequence(lambda n: f"Test group {n}")


class CompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Competency

    group = factory.SubFactory(CompetencyGroupFactory)
    code = factory.Sequence(lambda n: f"test-competentie-{n}")
    name_nl = factory.Sequence(lambda n: f"Testcompetentie {n}")
    name_en = factory.Sequence(lambda n: f"Test competency {n}")


class RoleFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Role

    code = factory.Sequence(lambda n: f"test-rol-{n}")
    name_nl = factory.Sequence(lambda n: f"Testrol {n}")
    name_en = factory.Sequence(lambda n: f"Test role {n}")


class MemberFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Member

    organisation = factory.SubFactory(OrganisationFactory)
    personnel_number = factory.Sequence(lambda n: f"T{n:06d}")
    first_name = factory.Faker("first_name", locale="nl_NL")
    last_name = factory.Faker("last_name", locale="nl_NL")
    contract_hours = Decimal(36)
    pool_hours = Decimal(16)


class MemberCompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = MemberCompetency

    member = factory.SubFactory(MemberFactory)
    competency = factory.SubFactory(CompetencyFactory)
    level = 2


class RoleExperienceFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleExperience

    member = factory.SubFactory(MemberFactory)
    role = factory.SubFactory(RoleFactory)


class AvailabilityFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Availability

    member = factory.SubFactory(MemberFactory)
    start = TODAY
    end = TODAY + timedelta(weeks=12)
    hours_per_week = Decimal(8)


class LearningGoalFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = LearningGoal

    member = factory.SubFactory(MemberFactory)
    competency = factory.SubFactory(CompetencyFactory)
    target_level = 3


class OpgaveFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Opgave

    title = factory.Sequence(lambda n: f"Opgave {n}")
    organisation = factory.SubFactory(OrganisationFactory)
    owner = factory.SubFactory(UserFactory)
    predictability = Opgave.Predictability.UNPREDICTABLE
    complexity = Opgave.Complexity.COMPLEX
    status = Opgave.Status.OPEN
    start = TODAY + timedelta(weeks=2)
    end = TODAY + timedelta(weeks=30)


class RoleRequestFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleRequest

    opgave = factory.SubFactory(OpgaveFactory)
    role = factory.SubFactory(RoleFactory)
    hours_per_week = Decimal(8)
    start = factory.SelfAttribute("opgave.start")
    end = factory.SelfAttribute("opgave.end")


class RoleRequestCompetencyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = RoleRequestCompetency

    role_request = factory.SubFactory(RoleRequestFactory)
    competency = factory.SubFactory(CompetencyFactory)
    min_level = 2


class AssignmentFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Assignment

    role_request = factory.SubFactory(RoleRequestFactory)
    member = factory.SubFactory(MemberFactory)
    hours_per_week = factory.SelfAttribute("role_request.hours_per_week")
    start = factory.SelfAttribute("role_request.start")
    end = factory.SelfAttribute("role_request.end")
