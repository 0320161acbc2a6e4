"""Database constraints shared by the models of every app (the bottom of the app graph)."""

from __future__ import annotations

from django.db import models
from django.db.models import F, Q


def level_between_1_and_4(field: str, name: str) -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=Q(**{f"{field}__gte": 1, f"{field}__lte": 4}), name=name
    )


def end_not_before_start(name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(end__gte=F("start")), name=name)


def choice_is_valid(field: str, choices: type[models.Choices], name: str) -> models.CheckConstraint:
    return models.CheckConstraint(condition=Q(**{f"{field}__in": choices.values}), name=name)
