from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin
from django.contrib.auth.models import User
from django.shortcuts import redirect
from django.utils.translation import gettext_lazy as _

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
from pool.services import audit_record, member_matches_invalidate


class AuditsManyToMany:
    """Write an audit log row when the admin changes one many-to-many field of an object."""

    audited_relation: str  # the field
    audited_value: str  # what of each related row the log keeps (an id or a code)
    audited_action: str
    audited_as: str  # the AuditEntry field the object goes in

    def save_related(self, request, form, formsets, change) -> None:
        def current() -> set:
            related = getattr(form.instance, self.audited_relation)
            return set(related.values_list(self.audited_value, flat=True))

        before = current() if change else set()
        super().save_related(request, form, formsets, change)
        after = current()
        if before != after:
            audit_record(
                action=self.audited_action,
                by=request.user,
                data={"added": sorted(after - before), "removed": sorted(before - after)},
                **{self.audited_as: form.instance},
            )


@admin.register(Organisation)
class OrganisationAdmin(AuditsManyToMany, admin.ModelAdmin):
    # Which HR advisors serve an organisation decides who sees its people.
    audited_relation, audited_value, audited_as = "hr_advisors", "pk", "organisation"
    audited_action = AuditEntry.Action.HR_ADVISORS_CHANGED
    list_display = ["name", "cbs_code", "kind", "province", "shares_members", "requires_release"]
    list_filter = ["kind", "shares_members", "requires_release", "province"]
    search_fields = ["name", "cbs_code"]
    filter_horizontal = ["hr_advisors"]


class MemberCompetencyInline(admin.TabularInline):
    model = MemberCompetency
    autocomplete_fields = ["competency"]
    extra = 0


class RoleExperienceInline(admin.TabularInline):
    model = RoleExperience
    extra = 0


class AvailabilityInline(admin.TabularInline):
    model = Availability
    extra = 0


class LeaveInline(admin.TabularInline):
    model = Leave
    extra = 0


class LearningGoalInline(admin.TabularInline):
    model = LearningGoal
    autocomplete_fields = ["competency"]
    extra = 0


@admin.register(Member)
class MemberAdmin(admin.ModelAdmin):
    list_display = [
        "last_name",
        "first_name",
        "personnel_number",
        "organisation",
        "unit",
        "pool_hours",
        "is_external",
    ]
    list_filter = ["organisation", "is_external", "shareable"]
    list_select_related = ["organisation"]
    search_fields = ["first_name", "last_name", "personnel_number", "email"]
    autocomplete_fields = ["user", "line_manager"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [
        MemberCompetencyInline,
        RoleExperienceInline,
        AvailabilityInline,
        LeaveInline,
        LearningGoalInline,
    ]

    actions = ["anonymise"]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        member_matches_invalidate(member_ids=[form.instance.pk])

    @admin.action(description=_("Anonimiseren (medewerker is vertrokken)"))
    def anonymise(self, request, queryset):
        """One member at a time, through the confirmation page that explains what happens."""
        if queryset.count() != 1:
            self.message_user(request, _("Kies precies één medewerker."), messages.WARNING)
            return None
        # By name: the page lives in the assignments app, which depends on this one.
        return redirect("privacy:member_anonymise", uuid=queryset.get().uuid)


class InvalidatesMemberMatches(admin.ModelAdmin):
    """Admin edits of a member's details make that member's matches stale."""

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        member_matches_invalidate(member_ids=[obj.member_id])

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        member_matches_invalidate(member_ids=[obj.member_id])

    def delete_queryset(self, request, queryset) -> None:
        member_ids = list(queryset.values_list("member_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        member_matches_invalidate(member_ids=member_ids)


@admin.register(MemberCompetency)
class MemberCompetencyAdmin(InvalidatesMemberMatches):
    list_display = ["member", "competency", "level"]
    list_filter = ["level", "competency__group"]
    list_select_related = ["member", "competency"]
    search_fields = ["member__last_name", "competency__name_nl"]
    autocomplete_fields = ["member", "competency"]


@admin.register(RoleExperience, Availability, Leave, LearningGoal)
class MemberDetailAdmin(InvalidatesMemberMatches):
    list_select_related = ["member"]
    search_fields = ["member__last_name", "member__personnel_number"]
    list_display = ["__str__", "member"]
    autocomplete_fields = ["member"]


# Account changes that grant or take away access are written to the audit log.
AUDITED_ACCOUNT_FIELDS = ("is_active", "is_staff", "is_superuser", "user_permissions")


class AuditedUserAdmin(AuditsManyToMany, UserAdmin):
    audited_relation, audited_value, audited_as = "groups", "name", "account"
    audited_action = AuditEntry.Action.GROUPS_CHANGED

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        changed = [name for name in AUDITED_ACCOUNT_FIELDS if name in form.changed_data]
        if change and changed:
            audit_record(
                action=AuditEntry.Action.ACCOUNT_CHANGED,
                by=request.user,
                account=obj,
                data={"fields": changed},
            )


admin.site.unregister(User)
admin.site.register(User, AuditedUserAdmin)
