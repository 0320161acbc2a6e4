from django import forms
from django.contrib import admin
from django.utils.translation import gettext_lazy as _

from assignments.matching.core import Weights, WeightsError
from assignments.models import (
    Assignment,
    AssignmentTransition,
    Match,
    MatchingWeights,
    Opgave,
    OpgaveLogEntry,
    Release,
    RoleRequest,
    RoleRequestCompetency,
)
from assignments.services import (
    matching_weights_update,
    role_request_matches_invalidate,
)
from assignments.weights_forms import problem_messages
from pool.services import member_matches_invalidate


class RoleRequestInline(admin.TabularInline):
    model = RoleRequest
    fields = ["role", "hours_per_week", "people", "start", "end", "status"]
    extra = 0
    show_change_link = True


class OpgaveLogInline(admin.TabularInline):
    model = OpgaveLogEntry
    fields = ["at", "actor", "action", "from_status", "to_status", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Opgave)
class OpgaveAdmin(admin.ModelAdmin):
    list_display = ["title", "organisation", "owner", "status", "start", "end"]
    list_filter = ["status", "organisation", "predictability", "complexity", "governance"]
    list_select_related = ["organisation", "owner"]
    search_fields = ["title", "description"]
    autocomplete_fields = ["owner"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [RoleRequestInline, OpgaveLogInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        role_request_matches_invalidate(
            role_request_ids=list(form.instance.role_requests.values_list("pk", flat=True))
        )


class RoleRequestCompetencyInline(admin.TabularInline):
    model = RoleRequestCompetency
    autocomplete_fields = ["competency"]
    extra = 0


class AssignmentInline(admin.TabularInline):
    model = Assignment
    fields = ["member", "hours_per_week", "start", "end", "state"]
    autocomplete_fields = ["member"]
    extra = 0
    show_change_link = True


@admin.register(RoleRequest)
class RoleRequestAdmin(admin.ModelAdmin):
    list_display = ["role", "opgave", "hours_per_week", "people", "start", "end", "status"]
    list_filter = ["status", "role"]
    list_select_related = ["role", "opgave"]
    search_fields = ["opgave__title"]
    autocomplete_fields = ["opgave"]
    readonly_fields = ["uuid", "created_at", "updated_at", "matches_stale_since"]
    inlines = [RoleRequestCompetencyInline, AssignmentInline]

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        role_request_matches_invalidate(role_request_ids=[form.instance.pk])
        # Booked hours may have changed through the inzet inline: of the members it holds
        # now, and of those whose inzet it deleted or moved to someone else.
        member_ids = set(form.instance.assignments.values_list("member_id", flat=True))
        for formset in formsets:
            if formset.model is Assignment:
                member_ids.update(item.member_id for item in formset.deleted_objects)
                member_ids.update(_moved_from(inline) for inline in formset.forms)
        member_matches_invalidate(member_ids=sorted(member_ids - {None}))


def _moved_from(form: forms.ModelForm) -> int | None:
    """The member an admin form took the inzet away from, if it changed the member."""
    return form.initial.get("member") if "member" in form.changed_data else None


class AssignmentTransitionInline(admin.TabularInline):
    model = AssignmentTransition
    fields = ["at", "by", "from_state", "to_state", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False


class ReleaseInline(admin.StackedInline):
    """Read-only: releases are decided by the line manager, through the services."""

    model = Release
    fields = ["decision", "requested_at", "decided_by", "decided_at", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["member", "role_request", "hours_per_week", "start", "end", "state"]
    list_filter = ["state"]
    list_select_related = ["member", "role_request__role", "role_request__opgave"]
    search_fields = ["member__last_name", "role_request__opgave__title"]
    autocomplete_fields = ["member", "role_request"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [ReleaseInline, AssignmentTransitionInline]

    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        member_matches_invalidate(
            member_ids=[pk for pk in (obj.member_id, _moved_from(form)) if pk is not None]
        )

    def delete_model(self, request, obj) -> None:
        super().delete_model(request, obj)
        member_matches_invalidate(member_ids=[obj.member_id])

    def delete_queryset(self, request, queryset) -> None:
        member_ids = list(queryset.values_list("member_id", flat=True).distinct())
        super().delete_queryset(request, queryset)
        member_matches_invalidate(member_ids=member_ids)


@admin.register(OpgaveLogEntry)
class OpgaveLogEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "opgave", "actor", "action", "from_status", "to_status"]
    list_select_related = ["opgave", "actor"]
    list_filter = ["action"]
    search_fields = ["opgave__title", "reason"]


@admin.register(RoleRequestCompetency, AssignmentTransition)
class DetailAdmin(admin.ModelAdmin):
    pass


@admin.register(Match)
class MatchAdmin(admin.ModelAdmin):
    """Matches are computed, never edited by hand."""

    list_display = ["role_request", "member", "score", "in_request_top", "in_member_top"]
    list_select_related = ["role_request__role", "role_request__opgave", "member"]
    search_fields = ["member__last_name", "role_request__opgave__title"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class WeightsForm(forms.ModelForm):
    class Meta:
        model = MatchingWeights
        fields = ["values"]
        help_texts = {
            "values": _(
                "Gewichten van de onderdelen van de matchscore, bijvoorbeeld "
                '{"competency": 50, "role_experience": 10, "role_preference": 5, '
                '"availability": 25, "development": 10, "required_factor": 2, '
                '"desired_factor": 1}. Na opslaan worden alle matches herberekend.'
            )
        }

    def clean_values(self) -> dict:
        try:
            return Weights.from_dict(self.cleaned_data["values"] or {}).as_dict()
        except WeightsError as error:  # worded as on the Matchgewichten page
            raise forms.ValidationError(problem_messages(error.problems)) from error
        except (AttributeError, TypeError, ValueError) as error:
            raise forms.ValidationError(str(error)) from error


@admin.register(MatchingWeights)
class MatchingWeightsAdmin(admin.ModelAdmin):
    form = WeightsForm
    list_display = ["__str__", "updated_at", "updated_by"]

    def save_model(self, request, obj, form, change) -> None:
        matching_weights_update(values=obj.values, by=request.user)
        obj.pk = 1  # the singleton row the service wrote, for the admin's redirect
