from django.contrib import admin

from assignments.models import (
    Assignment,
    AssignmentTransition,
    Opgave,
    OpgaveLogEntry,
    RoleRequest,
    RoleRequestCompetency,
)


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
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [RoleRequestCompetencyInline, AssignmentInline]


class AssignmentTransitionInline(admin.TabularInline):
    model = AssignmentTransition
    fields = ["at", "by", "from_state", "to_state", "reason"]
    readonly_fields = fields
    extra = 0
    can_delete = False


@admin.register(Assignment)
class AssignmentAdmin(admin.ModelAdmin):
    list_display = ["member", "role_request", "hours_per_week", "start", "end", "state"]
    list_filter = ["state"]
    list_select_related = ["member", "role_request__role", "role_request__opgave"]
    search_fields = ["member__last_name", "role_request__opgave__title"]
    autocomplete_fields = ["member", "role_request"]
    readonly_fields = ["uuid", "created_at", "updated_at"]
    inlines = [AssignmentTransitionInline]


@admin.register(OpgaveLogEntry)
class OpgaveLogEntryAdmin(admin.ModelAdmin):
    list_display = ["at", "opgave", "actor", "action", "from_status", "to_status"]
    list_select_related = ["opgave", "actor"]
    list_filter = ["action"]
    search_fields = ["opgave__title", "reason"]


@admin.register(RoleRequestCompetency, AssignmentTransition)
class DetailAdmin(admin.ModelAdmin):
    pass
