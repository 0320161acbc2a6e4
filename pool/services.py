"""Writes for the pool: accounts and groups, members and their profiles."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from decimal import Decimal
from functools import partial
from typing import NamedTuple

from django.contrib.auth.models import AbstractBaseUser, Group, Permission
from django.core.exceptions import ValidationError
from django.db import IntegrityError, models, transaction
from django.db.models import F, QuerySet
from django.template.defaultfilters import floatformat
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext_lazy as _

from competencies.models import Competency, Role
from config.celery import enqueue
from config.concurrency import version_check
from pool.access import ADMINISTERED_APPS, ADMINISTRATOR, ALL_GROUPS
from pool.models import (
    AuditEntry,
    Availability,
    LearningGoal,
    Leave,
    Member,
    MemberCompetency,
    Organisation,
    RoleExperience,
)


@transaction.atomic
def groups_ensure() -> None:
    """Create the user groups; functional administrators may change every catalogue model."""
    for name in ALL_GROUPS:
        Group.objects.get_or_create(name=name)
    administrator = Group.objects.get(name=ADMINISTRATOR)
    administrator.permissions.set(
        Permission.objects.filter(content_type__app_label__in=ADMINISTERED_APPS)
    )


# The matching tasks live in the assignments app, which depends on this one; they are
# addressed by name so that the pool does not import them.
RECOMPUTE_MEMBER_TASK = "assignments.recompute_member_matches"


def member_matches_invalidate(*, member_ids: list[int]) -> None:
    """Mark members' matches stale and ask for a recompute once the transaction commits.

    The stale mark is written in the same transaction as the change, so a lost task
    (broker down, worker killed) is caught up by the sweep. So is the member's revision,
    which tells the processes that keep members in memory to read them again.
    """
    Member.objects.filter(pk__in=member_ids).update(
        matches_stale_since=timezone.now(), revision=F("revision") + 1
    )
    for member_id in member_ids:
        transaction.on_commit(partial(enqueue, RECOMPUTE_MEMBER_TASK, member_id=member_id))


# --- The member's own profile ---------------------------------------------------------
#
# Forms check shape; these services decide. Errors are ValidationErrors keyed by model
# field name, so a view can put each beside the field it concerns. `full_clean` runs without
# constraint validation (its messages name the constraint): each service checks its rules
# with a readable message first, and uniqueness is left to the database, whose refusal
# `_save` turns into the same kind of error, so a concurrent duplicate is caught as well.


def _hours(value: Decimal) -> str:
    return floatformat(value, -1)


def _period(start: date, end: date) -> dict[str, str]:
    return {"start": date_format(start), "end": date_format(end)}


def _constraint_name(error: IntegrityError) -> str | None:
    diag = getattr(error.__cause__, "diag", None)
    return getattr(diag, "constraint_name", None)


def _save(instance: models.Model, *, refusals: dict[str, ValidationError], **kwargs) -> None:
    """Save inside a savepoint; a constraint named in `refusals` becomes that error.

    Precondition: `full_clean(validate_constraints=False)` has passed.
    """
    try:
        with transaction.atomic():
            instance.save(**kwargs)
    except IntegrityError as error:
        refusal = refusals.get(_constraint_name(error) or "")
        if refusal is None:
            raise
        raise refusal from error


def _lock(member: Member) -> Member:
    """Lock the member's row, so that rules over several of their rows (no overlapping
    periods) hold when two requests change the same profile at once."""
    return Member.objects.select_for_update().get(pk=member.pk)


def _check_period(*, start: date, end: date) -> None:
    if end < start:
        raise ValidationError(
            {"end": ValidationError(_("De einddatum ligt voor de begindatum."), code="order")}
        )
    if end < timezone.localdate():
        raise ValidationError(
            {"end": ValidationError(_("Deze periode is al voorbij."), code="past")}
        )


def _check_hours(*, field: str, hours: Decimal, member: Member, allow_zero: bool) -> None:
    if hours < 0 or (hours == 0 and not allow_zero):
        message = (
            _("Vul 0 of meer uren in.") if allow_zero else _("Vul een aantal uren groter dan 0 in.")
        )
        raise ValidationError({field: ValidationError(message, code="range")})
    if hours > member.contract_hours:
        raise ValidationError(
            {
                field: ValidationError(
                    _("Dat is meer dan je contracturen (%(hours)s uur per week)."),
                    code="above_contract",
                    params={"hours": _hours(member.contract_hours)},
                )
            }
        )


def _check_competency_active(competency: Competency) -> None:
    if not (competency.is_active and competency.group.is_active):
        raise ValidationError(
            {
                "competency": ValidationError(
                    _("Deze competentie staat niet meer in de catalogus."), code="inactive"
                )
            }
        )


@transaction.atomic
def member_details_update(
    *,
    member: Member,
    email: str,
    unit: str,
    pool_hours: Decimal,
    shareable: bool,
    version: str = "",
) -> Member:
    """Change what a member may change about themselves; pool hours stay within contract.
    An edit made on another `version` is refused (config/concurrency)."""
    member = _lock(member)
    version_check(member, version)
    _check_hours(field="pool_hours", hours=pool_hours, member=member, allow_zero=True)
    affects_matches = pool_hours != member.pool_hours or shareable != member.shareable
    member.email, member.unit = email, unit
    member.pool_hours, member.shareable = pool_hours, shareable
    member.full_clean(validate_constraints=False)
    member.save(update_fields=["email", "unit", "pool_hours", "shareable", "updated_at"])
    if affects_matches:
        member_matches_invalidate(member_ids=[member.pk])
    return member


@transaction.atomic
def member_profile_confirm(*, member: Member) -> Member:
    """The member confirms their profile is up to date. Matching inputs do not change."""
    member.profile_confirmed_at = timezone.now()
    member.full_clean(validate_constraints=False)
    member.save(update_fields=["profile_confirmed_at", "updated_at"])
    return member


@transaction.atomic
def member_competency_add(
    *, member: Member, competency: Competency, level: int, evidence: str = ""
) -> MemberCompetency:
    _check_competency_active(competency)
    item = MemberCompetency(member=member, competency=competency, level=level, evidence=evidence)
    item.full_clean(validate_constraints=False)
    _save(
        item,
        refusals={
            "member_competency_unique": ValidationError(
                {
                    "competency": ValidationError(
                        _("Deze competentie staat al in je profiel; wijzig daar het niveau."),
                        code="duplicate",
                    )
                }
            )
        },
    )
    member_matches_invalidate(member_ids=[member.pk])
    return item


@transaction.atomic
def member_competency_update(
    *, member_competency: MemberCompetency, level: int, evidence: str
) -> MemberCompetency:
    member_competency.level, member_competency.evidence = level, evidence
    member_competency.full_clean(validate_constraints=False)
    _save(member_competency, refusals={}, update_fields=["level", "evidence", "updated_at"])
    member_matches_invalidate(member_ids=[member_competency.member_id])
    return member_competency


@transaction.atomic
def member_competency_remove(*, member_competency: MemberCompetency) -> None:
    member_id = member_competency.member_id
    member_competency.delete()
    member_matches_invalidate(member_ids=[member_id])


class RoleExperienceEntry(NamedTuple):
    role: Role
    experience: int
    preference: int


@transaction.atomic
def member_role_experience_set(
    *, member: Member, entries: Sequence[RoleExperienceEntry]
) -> list[RoleExperience]:
    """Record experience with and preference for each role given; others stay as they are.

    An explicit "geen ervaring" is stored too: HR can tell it from "not filled in".
    """
    member = _lock(member)
    existing = {row.role_id: row for row in RoleExperience.objects.filter(member=member)}
    changed, result = False, []
    for entry in entries:
        if not entry.role.is_active:
            raise ValidationError(
                _("De rol %(role)s is niet meer actief."), params={"role": entry.role}
            )
        row = existing.get(entry.role.pk) or RoleExperience(member=member, role=entry.role)
        if row.pk and (row.experience, row.preference) == (entry.experience, entry.preference):
            result.append(row)
            continue
        row.experience, row.preference = entry.experience, entry.preference
        row.full_clean(validate_constraints=False)
        _save(row, refusals={})  # the member's row lock rules out a concurrent duplicate
        changed = True
        result.append(row)
    if changed:
        member_matches_invalidate(member_ids=[member.pk])
    return result


def _check_no_overlap(queryset: QuerySet, *, start: date, end: date, message: str) -> None:
    clash = queryset.filter(start__lte=end, end__gte=start).order_by("start").first()
    if clash is not None:
        raise ValidationError(
            {
                "start": ValidationError(
                    message, code="overlap", params=_period(clash.start, clash.end)
                )
            }
        )


@transaction.atomic
def availability_add(
    *, member: Member, start: date, end: date, hours_per_week: Decimal, note: str = ""
) -> Availability:
    """Hours per week for pool work in a period, instead of the member's default pool hours.

    Periods may not overlap: matching could not tell which of two overlapping periods holds.
    """
    member = _lock(member)
    _check_period(start=start, end=end)
    _check_hours(field="hours_per_week", hours=hours_per_week, member=member, allow_zero=False)
    _check_no_overlap(
        Availability.objects.filter(member=member),
        start=start,
        end=end,
        message=_(
            "Deze periode overlapt met je beschikbaarheid van %(start)s tot en met %(end)s. "
            "Verwijder die eerst of kies andere data."
        ),
    )
    period = Availability(
        member=member, start=start, end=end, hours_per_week=hours_per_week, note=note
    )
    period.full_clean(validate_constraints=False)
    _save(period, refusals={})
    member_matches_invalidate(member_ids=[member.pk])
    return period


@transaction.atomic
def availability_remove(*, availability: Availability) -> None:
    member_id = availability.member_id
    availability.delete()
    member_matches_invalidate(member_ids=[member_id])


@transaction.atomic
def leave_add(*, member: Member, start: date, end: date, note: str = "") -> Leave:
    """A period without pool work; leave periods may not overlap (they would count twice)."""
    member = _lock(member)
    _check_period(start=start, end=end)
    _check_no_overlap(
        Leave.objects.filter(member=member),
        start=start,
        end=end,
        message=_(
            "Deze periode overlapt met je verlof van %(start)s tot en met %(end)s. "
            "Verwijder dat eerst of kies andere data."
        ),
    )
    period = Leave(member=member, start=start, end=end, note=note)
    period.full_clean(validate_constraints=False)
    _save(period, refusals={})
    member_matches_invalidate(member_ids=[member.pk])
    return period


@transaction.atomic
def leave_remove(*, leave: Leave) -> None:
    member_id = leave.member_id
    leave.delete()
    member_matches_invalidate(member_ids=[member_id])


@transaction.atomic
def learning_goal_add(
    *, member: Member, competency: Competency, target_level: int, note: str = ""
) -> LearningGoal:
    """A competency to develop, to a level above the one the member holds now."""
    _check_competency_active(competency)
    held = (
        MemberCompetency.objects.filter(member=member, competency=competency)
        .values_list("level", flat=True)
        .first()
    )
    if held is not None and held >= target_level:
        raise ValidationError(
            {
                "target_level": ValidationError(
                    _(
                        "Je hebt deze competentie al op niveau %(level)s; "
                        "kies een hoger doelniveau."
                    ),
                    code="not_above_current",
                    params={"level": held},
                )
            }
        )
    goal = LearningGoal(member=member, competency=competency, target_level=target_level, note=note)
    goal.full_clean(validate_constraints=False)
    _save(
        goal,
        refusals={
            "learning_goal_unique": ValidationError(
                {
                    "competency": ValidationError(
                        _("Voor deze competentie heb je al een leerdoel."), code="duplicate"
                    )
                }
            )
        },
    )
    member_matches_invalidate(member_ids=[member.pk])
    return goal


@transaction.atomic
def learning_goal_remove(*, learning_goal: LearningGoal) -> None:
    member_id = learning_goal.member_id
    learning_goal.delete()
    member_matches_invalidate(member_ids=[member_id])


# --- Audit log ----------------------------------------------------------------------------


def audit_record(
    *,
    action: str,
    by: AbstractBaseUser | None,
    member: Member | None = None,
    organisation: Organisation | None = None,
    account: AbstractBaseUser | None = None,
    data: dict | None = None,
) -> AuditEntry:
    """Write one audit log row, in the caller's transaction. `data`: ids and codes, no names."""
    return AuditEntry.objects.create(
        action=action,
        actor=by,
        member=member,
        organisation=organisation or (member.organisation if member else None),
        account=account,
        data=data or {},
    )
