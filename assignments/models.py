"""Opgaven, their role requests and the inzet of members on them."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from competencies.constraints import choice_is_valid, end_not_before_start, level_between_1_and_4
from competencies.models import Competency, Level, Role
from pool.models import Member, Organisation, Period

# Choices live at module level so that the models' Meta constraints can refer to them.


class OpgaveStatus(models.TextChoices):
    CONCEPT = "concept", _("concept")
    OPEN = "open", _("open")
    IN_PROGRESS = "in_progress", _("in uitvoering")
    COMPLETED = "completed", _("afgerond")
    CANCELLED = "cancelled", _("geannuleerd")


class Predictability(models.TextChoices):
    PREDICTABLE = "predictable", _("voorspelbaar: bekend werk, vaste aanpak")
    PARTLY = "partly", _("deels voorspelbaar")
    UNPREDICTABLE = "unpredictable", _("onvoorspelbaar: nieuw, aanpak onderweg bepalen")


class Complexity(models.TextChoices):
    SIMPLE = "simple", _("eenvoudig: één vakgebied, weinig partijen")
    MODERATE = "moderate", _("gemiddeld")
    COMPLEX = "complex", _("complex: meerdere vakgebieden en partijen")


class Governance(models.TextChoices):
    HIERARCHY = "hierarchy", _("klassiek-hiërarchisch: procedures en verantwoording")
    NPM = "npm", _("New Public Management: resultaat en efficiëntie")
    NETWORK = "network", _("netwerksturing: co-creatie met partners en inwoners")


class RoleRequestStatus(models.TextChoices):
    OPEN = "open", _("open")
    FILLED = "filled", _("bezet")
    WITHDRAWN = "withdrawn", _("ingetrokken")


class AssignmentState(models.TextChoices):
    PROPOSED = "proposed", _("voorgesteld")
    ACCEPTED = "accepted", _("geaccepteerd")
    CONFIRMED = "confirmed", _("bevestigd")
    DECLINED = "declined", _("afgewezen")
    WITHDRAWN = "withdrawn", _("ingetrokken")
    COMPLETED = "completed", _("afgerond")


ACTIVE_STATES = (AssignmentState.PROPOSED, AssignmentState.ACCEPTED, AssignmentState.CONFIRMED)
BOOKED_STATES = (AssignmentState.ACCEPTED, AssignmentState.CONFIRMED)


class Opgave(Period):
    Status = OpgaveStatus
    Predictability = Predictability
    Complexity = Complexity
    Governance = Governance

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    title = models.CharField(_("titel"), max_length=200)
    description = models.TextField(_("omschrijving"), blank=True)
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="opgaven",
        verbose_name=_("organisatie"),
    )
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="owned_opgaven",
        verbose_name=_("opdrachtgever"),
    )
    predictability = models.CharField(_("voorspelbaarheid"), max_length=20, choices=Predictability)
    complexity = models.CharField(_("complexiteit"), max_length=20, choices=Complexity)
    governance = models.CharField(
        _("sturingsaccent"), max_length=20, choices=Governance, default=Governance.NETWORK
    )
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.CONCEPT)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Period.Meta):
        verbose_name = _("opgave")
        verbose_name_plural = _("opgaven")
        constraints = [
            end_not_before_start("opgave_end_after_start"),
            choice_is_valid("status", OpgaveStatus, "opgave_status_valid"),
            choice_is_valid("predictability", Predictability, "opgave_predictability_valid"),
            choice_is_valid("complexity", Complexity, "opgave_complexity_valid"),
            choice_is_valid("governance", Governance, "opgave_governance_valid"),
        ]
        indexes = [models.Index(fields=["status", "organisation"])]

    def __str__(self) -> str:
        return self.title

    @property
    def is_maatwerk(self) -> bool:
        """Standard work stays in the line; anything unpredictable or complex goes to the pool."""
        return (
            self.predictability != self.Predictability.PREDICTABLE
            or self.complexity == self.Complexity.COMPLEX
        )


class OpgaveLogEntry(models.Model):
    """One change to an opgave or its role requests: who, when, what, why."""

    opgave = models.ForeignKey(Opgave, on_delete=models.CASCADE, related_name="log")
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    action = models.CharField(max_length=40)
    from_status = models.CharField(max_length=20, blank=True)
    to_status = models.CharField(max_length=20, blank=True)
    reason = models.TextField(blank=True)
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("wijziging van opgave")
        verbose_name_plural = _("wijzigingen van opgaven")

    def __str__(self) -> str:
        return f"{self.opgave}: {self.action}"


class RoleRequest(Period):
    Status = RoleRequestStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    opgave = models.ForeignKey(
        Opgave, on_delete=models.CASCADE, related_name="role_requests", verbose_name=_("opgave")
    )
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="+", verbose_name=_("rol")
    )
    hours_per_week = models.DecimalField(_("uren per week"), max_digits=4, decimal_places=1)
    people = models.PositiveSmallIntegerField(_("aantal personen"), default=1)
    open_to_development = models.BooleanField(
        _("ruimte voor ontwikkeling"),
        default=False,
        help_text=_("Iemand die de competentie nog ontwikkelt, mag deze rol als leerkans pakken."),
    )
    notes = models.TextField(_("toelichting"), blank=True)
    status = models.CharField(_("status"), max_length=20, choices=Status, default=Status.OPEN)
    competencies = models.ManyToManyField(
        Competency, through="RoleRequestCompetency", related_name="+"
    )
    # Like Member.matches_stale_since: set on change, cleared when the matches are current.
    matches_stale_since = models.DateTimeField(null=True, blank=True, editable=False)
    # The lowest score among the stored best candidates when the list is full (else null):
    # the bar a member's new score must clear to enter the list.
    match_floor = models.FloatField(null=True, blank=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Period.Meta):
        verbose_name = _("rolvraag")
        verbose_name_plural = _("rolvragen")
        constraints = [
            end_not_before_start("role_request_end_after_start"),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0, hours_per_week__lte=60),
                name="role_request_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(people__gte=1, people__lte=50), name="role_request_people_range"
            ),
            choice_is_valid("status", RoleRequestStatus, "role_request_status_valid"),
        ]
        indexes = [
            models.Index(fields=["status", "start"]),
            models.Index(
                fields=["matches_stale_since"],
                condition=Q(matches_stale_since__isnull=False),
                name="role_request_matches_stale",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role} – {self.opgave}"


class RoleRequestCompetency(models.Model):
    role_request = models.ForeignKey(
        RoleRequest, on_delete=models.CASCADE, related_name="competency_needs"
    )
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competentie")
    )
    min_level = models.PositiveSmallIntegerField(_("minimumniveau"), choices=Level)
    required = models.BooleanField(
        _("vereist"), default=True, help_text=_("Vereist weegt zwaarder dan gewenst.")
    )

    class Meta:
        ordering = ["-required", "competency__name_nl"]
        verbose_name = _("gevraagde competentie")
        verbose_name_plural = _("gevraagde competenties")
        constraints = [
            models.UniqueConstraint(
                fields=["role_request", "competency"], name="role_request_competency_unique"
            ),
            level_between_1_and_4("min_level", "role_request_competency_level_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.competency} ≥ {self.min_level}"


class Assignment(Period):
    """Inzet: a member on a role request. Only accepted and confirmed inzet consume hours."""

    State = AssignmentState
    ACTIVE_STATES = ACTIVE_STATES
    BOOKED_STATES = BOOKED_STATES

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    role_request = models.ForeignKey(
        RoleRequest,
        on_delete=models.PROTECT,
        related_name="assignments",
        verbose_name=_("rolvraag"),
    )
    member = models.ForeignKey(
        Member, on_delete=models.PROTECT, related_name="assignments", verbose_name=_("medewerker")
    )
    hours_per_week = models.DecimalField(_("uren per week"), max_digits=4, decimal_places=1)
    state = models.CharField(_("status"), max_length=20, choices=State, default=State.PROPOSED)
    score = models.FloatField(_("matchscore bij voorstel"), null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta(Period.Meta):
        verbose_name = _("inzet")
        verbose_name_plural = _("inzet")
        constraints = [
            end_not_before_start("assignment_end_after_start"),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0, hours_per_week__lte=60),
                name="assignment_hours_range",
            ),
            choice_is_valid("state", AssignmentState, "assignment_state_valid"),
            models.UniqueConstraint(
                fields=["role_request", "member"],
                condition=Q(state__in=ACTIVE_STATES),
                name="assignment_one_active_per_member_and_request",
            ),
        ]
        indexes = [models.Index(fields=["member", "state"])]

    def __str__(self) -> str:
        return f"{self.member} – {self.role_request}"


class AssignmentTransition(models.Model):
    assignment = models.ForeignKey(Assignment, on_delete=models.CASCADE, related_name="transitions")
    from_state = models.CharField(max_length=20, blank=True)
    to_state = models.CharField(max_length=20)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(auto_now_add=True)
    reason = models.TextField(blank=True)

    class Meta:
        ordering = ["at", "id"]
        verbose_name = _("statuswijziging van inzet")
        verbose_name_plural = _("statuswijzigingen van inzet")
        constraints = [
            choice_is_valid("to_state", AssignmentState, "assignment_transition_state_valid"),
        ]

    def __str__(self) -> str:
        return f"{self.from_state or '–'} → {self.to_state}"


class ReleaseDecision(models.TextChoices):
    PENDING = "pending", _("wacht op vrijgave")
    APPROVED = "approved", _("vrijgegeven")
    REFUSED = "refused", _("niet vrijgegeven")


class Release(models.Model):
    """Vrijgave: the member's line manager lets the hours of accepted inzet go, or not.

    Asked for when a member of an organisation that requires release accepts a proposal;
    HR can confirm only once it is approved. The one who decides is whoever is the
    member's line manager at that moment (Member.line_manager), so pending releases move
    along with a change of line manager; `decided_by` records who it was. A refusal ends
    the inzet (withdrawn), which frees the member's hours for other work.
    """

    Decision = ReleaseDecision

    assignment = models.OneToOneField(
        Assignment, on_delete=models.CASCADE, related_name="release", verbose_name=_("inzet")
    )
    decision = models.CharField(
        _("besluit"), max_length=20, choices=Decision, default=Decision.PENDING
    )
    requested_at = models.DateTimeField(_("gevraagd op"), auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("besloten door"),
    )
    decided_at = models.DateTimeField(_("besloten op"), null=True, blank=True)
    reason = models.TextField(_("reden"), blank=True)

    class Meta:
        verbose_name = _("vrijgave")
        verbose_name_plural = _("vrijgaven")
        constraints = [
            choice_is_valid("decision", ReleaseDecision, "release_decision_valid"),
            models.CheckConstraint(
                condition=Q(decision=ReleaseDecision.PENDING, decided_at__isnull=True)
                | (~Q(decision=ReleaseDecision.PENDING) & Q(decided_at__isnull=False)),
                name="release_decided_at_iff_decided",
            ),
            models.CheckConstraint(
                condition=~Q(decision=ReleaseDecision.REFUSED) | ~Q(reason=""),
                name="release_refusal_has_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["requested_at"],
                condition=Q(decision=ReleaseDecision.PENDING),
                name="release_pending",
            ),
            models.Index(fields=["decided_by", "-decided_at"], name="release_decided_by"),
        ]

    def __str__(self) -> str:
        return f"{self.assignment}: {self.get_decision_display()}"


class Match(models.Model):
    """A stored score of one member for one open role request, with its explanation.

    Only the best candidates per request (`in_request_top`) and the best requests per
    member (`in_member_top`) are kept; a row may be both.
    """

    # match_unique_pair starts with role_request: an index of its own would only cost
    # every write of a match one more index entry.
    role_request = models.ForeignKey(
        RoleRequest, on_delete=models.CASCADE, related_name="matches", db_index=False
    )
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="matches")
    score = models.FloatField(_("score"))
    explanation = models.JSONField(_("toelichting"), default=dict)
    in_request_top = models.BooleanField(default=False)
    in_member_top = models.BooleanField(default=False)
    computed_at = models.DateTimeField()

    class Meta:
        verbose_name = _("match")
        verbose_name_plural = _("matches")
        constraints = [
            models.UniqueConstraint(fields=["role_request", "member"], name="match_unique_pair"),
            models.CheckConstraint(
                condition=Q(score__gte=0, score__lte=100), name="match_score_0_100"
            ),
            models.CheckConstraint(
                condition=Q(in_request_top=True) | Q(in_member_top=True),
                name="match_kept_for_a_reason",
            ),
        ]
        indexes = [
            models.Index(
                fields=["role_request", "-score"],
                condition=Q(in_request_top=True),
                name="match_request_top",
            ),
            models.Index(
                fields=["member", "-score"],
                condition=Q(in_member_top=True),
                name="match_member_top",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.member} – {self.role_request}: {self.score:.0f}"


class MatchingWeights(models.Model):
    """The one set of matching weights, visible to HR and editable by functional admins."""

    values = models.JSONField(_("gewichten"), default=dict)
    updated_at = models.DateTimeField(auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("matchgewichten")
        verbose_name_plural = _("matchgewichten")
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="matching_weights_singleton")]

    def __str__(self) -> str:
        return str(_("Matchgewichten"))


class AutostaffRunStatus(models.TextChoices):
    PENDING = "pending", _("wacht op verwerking")
    RUNNING = "running", _("bezig")
    DONE = "done", _("klaar")
    FAILED = "failed", _("mislukt")


class AutostaffRun(models.Model):
    """One auto-staffing computation for an HR advisor: what they chose, how far it got,
    the proposals it found, and whether (and by whom) they were taken over.

    `selection` is what the advisor chose (see autostaff_selectors.AutostaffSelection);
    `result` is written once by the task; `outcome` once, when the run is applied.
    """

    Status = AutostaffRunStatus

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="autostaff_runs"
    )
    created_at = models.DateTimeField(auto_now_add=True)
    selection = models.JSONField(default=dict)
    status = models.CharField(max_length=20, choices=Status, default=Status.PENDING)
    progress = models.PositiveSmallIntegerField(default=0)
    # When the task was handed to the broker; null while the broker could not be reached.
    queued_at = models.DateTimeField(null=True, blank=True)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    result = models.JSONField(default=dict, blank=True)
    error = models.TextField(blank=True)
    applied_at = models.DateTimeField(null=True, blank=True)
    applied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.JSONField(default=list, blank=True)

    class Meta:
        verbose_name = _("automatische bezetting")
        verbose_name_plural = _("automatische bezettingen")
        constraints = [
            choice_is_valid("status", AutostaffRunStatus, "autostaff_run_status_valid"),
            models.CheckConstraint(
                condition=Q(progress__lte=100), name="autostaff_run_progress_0_100"
            ),
            # Only a finished computation can be applied, and only once (applied_at is set
            # once, under the run's row lock, see autostaff_run_apply).
            models.CheckConstraint(
                condition=Q(applied_at__isnull=True) | Q(status=AutostaffRunStatus.DONE),
                name="autostaff_run_applied_only_when_done",
            ),
        ]
        indexes = [
            models.Index(fields=["created_by", "-created_at"]),
            models.Index(
                fields=["created_at"],
                condition=Q(status__in=["pending", "running"]),
                name="autostaff_run_unfinished",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.created_by} {self.created_at:%Y-%m-%d %H:%M}: {self.status}"

    @property
    def is_finished(self) -> bool:
        return self.status in (AutostaffRunStatus.DONE, AutostaffRunStatus.FAILED)
