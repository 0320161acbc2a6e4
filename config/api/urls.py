"""/api/v1/: Dutch plural collections in kebab-case, objects by UUID, no trailing slashes."""

from __future__ import annotations

from django.urls import path, re_path
from rest_framework.routers import SimpleRouter

from assignments.api import AssignmentViewSet, MatchViewSet, OpgaveViewSet, RoleRequestViewSet
from competencies.api import CompetencyViewSet, RoleViewSet
from config.api.problems import not_found
from config.api.schema import DocsView, SchemaJSONView, SchemaYAMLView
from pool.api import (
    UUID_REGEX,
    AvailabilityViewSet,
    LearningGoalViewSet,
    LeaveViewSet,
    MemberCompetencyViewSet,
    MemberViewSet,
    OrganisationViewSet,
    RoleExperienceViewSet,
)

# No trailing slashes (API-48): a path with one falls through to `not_found` below.
router = SimpleRouter(trailing_slash=False)
router.register("organisaties", OrganisationViewSet, basename="organisatie")
router.register("competenties", CompetencyViewSet, basename="competentie")
router.register("rollen", RoleViewSet, basename="rol")
router.register("medewerkers", MemberViewSet, basename="medewerker")
# The parts of a member's profile, as sub-collections of the member.
for part, viewset, basename in (
    ("competenties", MemberCompetencyViewSet, "medewerker-competentie"),
    ("leerdoelen", LearningGoalViewSet, "medewerker-leerdoel"),
    ("rolervaringen", RoleExperienceViewSet, "medewerker-rolervaring"),
    ("beschikbaarheden", AvailabilityViewSet, "medewerker-beschikbaarheid"),
    ("verloven", LeaveViewSet, "medewerker-verlof"),
):
    router.register(f"medewerkers/(?P<uuid>{UUID_REGEX})/{part}", viewset, basename=basename)
router.register("opgaven", OpgaveViewSet, basename="opgave")
router.register("rolvragen", RoleRequestViewSet, basename="rolvraag")
router.register("inzetten", AssignmentViewSet, basename="inzet")
router.register("matches", MatchViewSet, basename="match")

urlpatterns = [
    path("openapi.json", SchemaJSONView.as_view(), name="api-schema-json"),
    path("openapi.yaml", SchemaYAMLView.as_view(), name="api-schema-yaml"),
    path("docs", DocsView.as_view(), name="api-docs"),
    *router.urls,
    re_path(r"^[\s\S]*$", not_found),  # [\s\S], not ".": also a path with a newline in it
]
