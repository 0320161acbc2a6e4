"""Reads for the audit log: staffing decisions, opgave changes and permission changes.

Three tables hold the history (AssignmentTransition, OpgaveLogEntry, AuditEntry); the log
is their union, newest first, paged in the database, then one query per table for the
rows of the page: a constant number of queries however long the history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any

from django.contrib.auth.models import AbstractBaseUser
from django.core.paginator import Page, Paginator
from django.db.models import CharField, Q, QuerySet, Value
from django.db.models.functions import Concat
from django.utils.translation import gettext_lazy as _

from assignments.models import AssignmentState, AssignmentTransition, Opgave, OpgaveLogEntry

# The opgave history page's own description of a change, so that both read the same.
from assignments.views import _describe as describe_opgave_change
from assignments.weights_forms import weight_changes
from pool.access import ADMINISTRATOR, HR_ADVISOR, group_names
from pool.importing import IMPORT_TABLES, Counts, ImportResult
from pool.models import AuditEntry, Member, Organisation

PAGE_SIZE = 50
TRANSITION, OPGAVE_CHANGE, AUDIT = "transition", "opgave", "audit"


@dataclass(frozen=True)
class AuditRow:
    at: datetime
    actor: AbstractBaseUser | None
    what: Any
    details: list[Any]
    member: Member | None = None
    opgave: Opgave | None = None


def _keys(queryset: QuerySet, kind: str) -> QuerySet:
    return queryset.annotate(kind=Value(kind, output_field=CharField())).values("kind", "pk", "at")


def _scoped(user: AbstractBaseUser) -> tuple[QuerySet, QuerySet, QuerySet]:
    """The three histories as far as `user` may read them.

    HR advisors read what concerns the organisations they serve (inzet on their opgaven or
    of their members); functional administrators everything; anybody else nothing.
    """
    transitions = AssignmentTransition.objects.all()
    changes = OpgaveLogEntry.objects.all()
    entries = AuditEntry.objects.all()
    groups = group_names(user)
    if ADMINISTRATOR in groups:
        return transitions, changes, entries
    if HR_ADVISOR not in groups:
        return transitions.none(), changes.none(), entries.none()
    served = Organisation.objects.filter(hr_advisors=user).values("pk")
    return (
        transitions.filter(
            Q(assignment__role_request__opgave__organisation__in=served)
            | Q(assignment__member__organisation__in=served)
        ),
        changes.filter(opgave__organisation__in=served),
        entries.filter(organisation__in=served),
    )


def audit_page(
    *, user: AbstractBaseUser, person: str = "", opgave: str = "", number: Any = 1
) -> Page:
    """One page of the log that `user` may read, filtered by person and opgave (any part of
    a name or title, or an exact personnel number); its rows are AuditRows."""
    transitions, changes, entries = _scoped(user)
    if person := person.strip():
        members = (
            Member.objects.annotate(name=Concat("first_name", Value(" "), "last_name"))
            .filter(Q(name__icontains=person) | Q(personnel_number=person))
            .values("pk")
        )
        transitions = transitions.filter(assignment__member__in=members)
        changes = changes.none()  # opgave changes concern no person
        entries = entries.filter(member__in=members)
    if opgave := opgave.strip():
        opgaven = Opgave.objects.filter(title__icontains=opgave).values("pk")
        transitions = transitions.filter(assignment__role_request__opgave__in=opgaven)
        changes = changes.filter(opgave__in=opgaven)
        entries = entries.none()  # permission changes concern no opgave
    keys = (
        _keys(transitions, TRANSITION)
        .union(_keys(changes, OPGAVE_CHANGE), _keys(entries, AUDIT), all=True)
        .order_by("-at", "-pk")
    )
    page = Paginator(keys, PAGE_SIZE).get_page(number)
    page.object_list = _rows(list(page.object_list))
    return page


def _rows(keys: list[dict[str, Any]]) -> list[AuditRow]:
    ids = {
        kind: [k["pk"] for k in keys if k["kind"] == kind]
        for kind in (TRANSITION, OPGAVE_CHANGE, AUDIT)
    }
    rows: dict[tuple[str, int], AuditRow] = {}
    for step in AssignmentTransition.objects.filter(pk__in=ids[TRANSITION]).select_related(
        "by",
        "assignment__member",
        "assignment__role_request__opgave",
        "assignment__role_request__role",
    ):
        assignment = step.assignment
        rows[TRANSITION, step.pk] = AuditRow(
            at=step.at,
            actor=step.by,
            what=_("Inzet als %(role)s: %(from)s → %(to)s")
            % {
                "role": assignment.role_request.role,
                "from": AssignmentState(step.from_state).label if step.from_state else "–",
                "to": AssignmentState(step.to_state).label,
            },
            details=[step.reason] if step.reason else [],
            member=assignment.member,
            opgave=assignment.role_request.opgave,
        )
    for change in OpgaveLogEntry.objects.filter(pk__in=ids[OPGAVE_CHANGE]).select_related(
        "actor", "opgave"
    ):
        described = describe_opgave_change(change)
        details = described["details"] + ([change.reason] if change.reason else [])
        rows[OPGAVE_CHANGE, change.pk] = AuditRow(
            at=change.at,
            actor=change.actor,
            what=described["what"],
            details=details,
            opgave=change.opgave,
        )
    for entry in AuditEntry.objects.filter(pk__in=ids[AUDIT]).select_related(
        "actor", "member", "account", "organisation"
    ):
        rows[AUDIT, entry.pk] = AuditRow(
            at=entry.at,
            actor=entry.actor,
            what=entry.get_action_display(),
            details=_audit_details(entry),
            member=entry.member,
        )
    return [rows[key["kind"], key["pk"]] for key in keys]


def _audit_details(entry: AuditEntry) -> list[Any]:
    data = entry.data or {}
    details: list[Any] = []
    if entry.account is not None:
        details.append(_("Account: %(username)s") % {"username": entry.account.get_username()})
    if entry.organisation is not None and entry.member is None:
        details.append(_("Organisatie: %(name)s") % {"name": entry.organisation})
    if data.get("added"):
        details.append(_("Toegevoegd: %(items)s") % {"items": ", ".join(map(str, data["added"]))})
    if data.get("removed"):
        details.append(_("Verwijderd: %(items)s") % {"items": ", ".join(map(str, data["removed"]))})
    if data.get("fields"):
        details.append(_("Gewijzigd: %(items)s") % {"items": ", ".join(data["fields"])})
    if entry.action == AuditEntry.Action.WEIGHTS_CHANGED and "to" in data:
        details.extend(weight_changes(data.get("from", {}), data["to"]))
    if entry.action == AuditEntry.Action.IMPORT:
        counts = {table: Counts(**data[table]) for table in IMPORT_TABLES if table in data}
        details.append(str(ImportResult(**counts)))
    return details
