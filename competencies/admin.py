from django.contrib import admin

from competencies.models import Competency, CompetencyGroup, Role


class BilingualAdmin(admin.ModelAdmin):
    list_display = ["name_nl", "name_en", "code", "order", "is_active"]
    list_editable = ["order", "is_active"]
    search_fields = ["name_nl", "name_en", "code"]
    prepopulated_fields = {"code": ["name_nl"]}


@admin.register(CompetencyGroup)
class CompetencyGroupAdmin(BilingualAdmin):
    pass


@admin.register(Competency)
class CompetencyAdmin(BilingualAdmin):
    list_display = [*BilingualAdmin.list_display, "group"]
    list_filter = ["group", "is_active"]
    list_select_related = ["group"]
    search_fields = [*BilingualAdmin.search_fields, "esco_uri"]


@admin.register(Role)
class RoleAdmin(BilingualAdmin):
    list_display = [*BilingualAdmin.list_display, "is_core", "is_optional"]
    list_filter = ["is_core", "is_optional"]
