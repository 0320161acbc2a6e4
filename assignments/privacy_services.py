"""Writes for privacy (AVG/GDPR): anonymising a member who left the organisation."""

from __future__ import annotations

from django.apps import apps
from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assignments.models import ACTIVE_STATES, AssignmentTransition, Match
from assignments.services import role_request_matches_invalidate
from pool.access import ADMINISTRATOR, group_names
from pool.models import AuditEntry, Member
from pool.services import audit_record

ANONYMOUS_FIRST_NAME = "Geanonimiseerde"


class PrivacyError(Exception):
    """A privacy step that the rules refuse; the message is for the person who tried."""


@transaction.atomic
def member_anonymise(*, member: Member, by: AbstractBaseUser) -> Member:
    """Remove a departed member's personal data for good, keeping the staffing history.

    The member row stays (as "Geanonimiseerde medewerker <id>") so that opgaven, inzet and
    their transitions keep their meaning; competencies, role experience, availability,
    leave, learning goals and matches go; the account is scrubbed, deactivated and
    unlinked. Reasons the member wrote themselves (declining a proposal) are cleared, as
    they may say why. Irreversible.
    """
    if ADMINISTRATOR not in group_names(by):
        raise PrivacyError(_("Alleen een functioneel beheerder kan medewerkers anonimiseren."))
    member = Member.objects.select_for_update().get(pk=member.pk)
    if member.anonymised_at is not None:
        raise PrivacyError(_("Deze medewerker is al geanonimiseerd."))
    if member.assignments.filter(state__in=ACTIVE_STATES, end__gte=timezone.localdate()).exists():
        raise PrivacyError(
            _(
                "Deze medewerker heeft nog lopende inzet of openstaande voorstellen. Trek die "
                "eerst in; daarna kan de medewerker worden geanonimiseerd."
            )
        )
    user = member.user
    if user is not None:
        AssignmentTransition.objects.filter(assignment__member=member, by=user).update(reason="")
        _account_scrub(user)
    request_ids = list(member.matches.values_list("role_request_id", flat=True))
    Match.objects.filter(member=member).delete()
    for related in ("competencies", "role_experience", "availability", "leave", "learning_goals"):
        getattr(member, related).all().delete()
    member.first_name = ANONYMOUS_FIRST_NAME
    member.last_name = f"medewerker {member.pk}"
    member.personnel_number = f"geanonimiseerd-{member.pk}"
    member.email = ""
    member.unit = ""
    member.user = None
    member.line_manager = None
    member.shareable = False
    member.pool_hours = 0  # never a candidate again
    member.profile_confirmed_at = None
    member.matches_stale_since = None
    member.revision += 1  # under the row lock taken above
    member.anonymised_at = timezone.now()
    member.full_clean()
    member.save()
    # The requests lost a stored candidate: recompute who comes in their place.
    role_request_matches_invalidate(role_request_ids=request_ids)
    audit_record(action=AuditEntry.Action.MEMBER_ANONYMISED, by=by, member=member)
    return member


def _account_scrub(user: AbstractBaseUser) -> None:
    """No name, address, password, group, session, token or notification remains."""
    user.username = f"geanonimiseerd-{user.pk}"
    user.first_name = user.last_name = user.email = ""
    user.is_active = user.is_staff = user.is_superuser = False
    user.set_unusable_password()
    user.save()
    user.groups.clear()
    user.user_permissions.clear()
    # Looked up by name: the notifications app is optional to this one. Sessions need no
    # clean-up: an inactive account's session no longer authenticates.
    for app_label, model, field in (
        ("authtoken", "Token", "user"),
        ("notifications", "Notification", "recipient"),
        ("notifications", "NotificationPreference", "user"),
    ):
        _delete_for(app_label, model, field, user)


def _delete_for(app_label: str, model: str, field: str, user: AbstractBaseUser) -> None:
    try:
        model_class = apps.get_model(app_label, model)
    except LookupError:
        return
    model_class.objects.filter(**{field: user}).delete()
