"""The pool: organisations, members and what they bring, want and have time for."""

from __future__ import annotations

import uuid

from django.conf import settings
from django.contrib.postgres.indexes import GinIndex
from django.contrib.postgres.search import SearchVector
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from competencies.constraints import choice_is_valid, end_not_before_start, level_between_1_and_4
from competencies.models import Competency, Level, Role


class OrganisationKind(models.TextChoices):
    MUNICIPALITY = "municipality", _("gemeente")
    PUBLIC_BODY = "public_body", _("ander overheidsorgaan")
    SUPPLIER = "supplier", _("externe leverancier")


class Organisation(models.Model):
    Kind = OrganisationKind

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    name = models.CharField(_("naam"), max_length=200)
    kind = models.CharField(_("soort"), max_length=20, choices=Kind, default=Kind.MUNICIPALITY)
    cbs_code = models.CharField(
        _("CBS-code"),
        max_length=6,
        unique=True,
        null=True,
        blank=True,
        help_text=_("Gemeentecode van het CBS, zoals GM0344."),
    )
    province = models.CharField(_("provincie"), max_length=100, blank=True)
    shares_members = models.BooleanField(
        _("neemt deel aan delen van medewerkers"),
        default=False,
        help_text=_("Medewerkers die dat zelf toestaan, zijn kandidaat bij andere deelnemers."),
    )
    requires_release = models.BooleanField(
        _("vrijgave door leidinggevende vereist"),
        default=False,
        help_text=_("Inzet wordt pas bevestigd nadat de leidinggevende de uren vrijgeeft."),
    )
    hr_advisors = models.ManyToManyField(
        settings.AUTH_USER_MODEL,
        blank=True,
        related_name="advised_organisations",
        verbose_name=_("HR-adviseurs"),
    )

    class Meta:
        ordering = ["name"]
        verbose_name = _("organisatie")
        verbose_name_plural = _("organisaties")
        constraints = [
            models.CheckConstraint(
                condition=Q(cbs_code__isnull=True) | Q(cbs_code__regex=r"^GM[0-9]{4}$"),
                name="organisation_cbs_code_format",
            ),
            choice_is_valid("kind", OrganisationKind, "organisation_kind_valid"),
        ]

    def __str__(self) -> str:
        return self.name


class Member(models.Model):
    """A person in the pool. A member may exist before they have an account (imported)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="member",
        verbose_name=_("account"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.PROTECT,
        related_name="members",
        verbose_name=_("organisatie"),
    )
    personnel_number = models.CharField(_("personeelsnummer"), max_length=40)
    first_name = models.CharField(_("voornaam"), max_length=100)
    last_name = models.CharField(_("achternaam"), max_length=150)
    email = models.EmailField(_("e-mailadres"), blank=True)
    unit = models.CharField(_("thuisafdeling"), max_length=150, blank=True)
    line_manager = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="managed_members",
        verbose_name=_("leidinggevende"),
    )
    contract_hours = models.DecimalField(_("contracturen per week"), max_digits=4, decimal_places=1)
    pool_hours = models.DecimalField(
        _("uren per week voor de pool"),
        max_digits=4,
        decimal_places=1,
        help_text=_("Standaard beschikbare uren voor opgaven; per periode aan te passen."),
    )
    is_external = models.BooleanField(_("extern (inhuur)"), default=False)
    shareable = models.BooleanField(
        _("beschikbaar voor andere organisaties"),
        default=False,
        help_text=_("Alleen als beide organisaties deelnemen aan het delen van medewerkers."),
    )
    profile_confirmed_at = models.DateTimeField(_("profiel bevestigd op"), null=True, blank=True)
    # Set once the member left and their personal data was removed (AVG); irreversible.
    anonymised_at = models.DateTimeField(_("geanonimiseerd op"), null=True, blank=True)
    # Set when something that affects this member's match scores changed and the scores
    # have not been recomputed since; cleared by the recompute (compare-and-set on the value).
    matches_stale_since = models.DateTimeField(null=True, blank=True, editable=False)
    # Moves in the transaction of every change to what matching reads of the member (see
    # pool.services.member_matches_invalidate): whoever keeps members in memory compares it
    # to know whom to read again (assignments.pool_supply).
    revision = models.PositiveBigIntegerField(default=0, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["last_name", "first_name"]
        indexes = [
            models.Index(
                fields=["matches_stale_since"],
                condition=Q(matches_stale_since__isnull=False),
                name="member_matches_stale",
            ),
            # Typo-tolerant name search (pg_trgm), used by the HR candidate search.
            GinIndex(
                fields=["last_name", "first_name"],
                opclasses=["gin_trgm_ops", "gin_trgm_ops"],
                name="member_name_trgm",
            ),
            # A page of the capacity heatmap, grouped per organisation or per unit of one,
            # read in name order without sorting the whole pool (overview_selectors).
            models.Index(
                fields=["organisation", "last_name", "first_name", "id"],
                name="member_in_organisation_by_name",
            ),
            models.Index(
                fields=["organisation", "unit", "last_name", "first_name", "id"],
                name="member_in_unit_by_name",
            ),
            # The pool snapshot's check for changes (count, sum of ids and of revisions)
            # reads this small index instead of every member's row: 4 ms against 10 at
            # 20,000 members.
            models.Index(fields=["id", "revision"], name="member_revision"),
        ]
        verbose_name = _("medewerker")
        verbose_name_plural = _("medewerkers")
        constraints = [
            models.UniqueConstraint(
                fields=["organisation", "personnel_number"], name="member_unique_personnel_number"
            ),
            models.CheckConstraint(
                condition=Q(contract_hours__gt=0, contract_hours__lte=60),
                name="member_contract_hours_range",
            ),
            models.CheckConstraint(
                condition=Q(pool_hours__gte=0, pool_hours__lte=F("contract_hours")),
                name="member_pool_hours_within_contract",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    @property
    def full_name(self) -> str:
        return f"{self.first_name} {self.last_name}"


class MemberCompetency(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="competencies")
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competentie")
    )
    level = models.PositiveSmallIntegerField(_("niveau"), choices=Level)
    evidence = models.CharField(
        _("onderbouwing"),
        max_length=500,
        blank=True,
        help_text=_("Kort voorbeeld waaruit dit niveau blijkt."),
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["competency__order", "competency__name_nl"]
        verbose_name = _("competentie van medewerker")
        verbose_name_plural = _("competenties van medewerkers")
        # The HR candidate search: Dutch full text and trigram similarity over evidence.
        indexes = [
            GinIndex(SearchVector("evidence", config="dutch"), name="member_comp_evidence_fts"),
            GinIndex(
                fields=["evidence"],
                opclasses=["gin_trgm_ops"],
                name="member_comp_evidence_trgm",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["member", "competency"], name="member_competency_unique"
            ),
            level_between_1_and_4("level", "member_competency_level_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.competency} ({self.level})"


class RoleExperience(models.Model):
    class Experience(models.IntegerChoices):
        NONE = 0, _("geen")
        SOME = 1, _("enige")
        SUBSTANTIAL = 2, _("ruime")
        EXTENSIVE = 3, _("zeer ruime")

    class Preference(models.IntegerChoices):
        RATHER_NOT = 0, _("liever niet")
        NEUTRAL = 1, _("neutraal")
        LIKES = 2, _("graag")

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="role_experience")
    role = models.ForeignKey(
        Role, on_delete=models.PROTECT, related_name="+", verbose_name=_("rol")
    )
    experience = models.PositiveSmallIntegerField(
        _("ervaring"), choices=Experience, default=Experience.NONE
    )
    preference = models.PositiveSmallIntegerField(
        _("voorkeur"), choices=Preference, default=Preference.NEUTRAL
    )

    class Meta:
        ordering = ["role__order"]
        verbose_name = _("rolervaring")
        verbose_name_plural = _("rolervaring")
        constraints = [
            models.UniqueConstraint(fields=["member", "role"], name="role_experience_unique"),
            models.CheckConstraint(
                condition=Q(experience__gte=0, experience__lte=3),
                name="role_experience_range",
            ),
            models.CheckConstraint(
                condition=Q(preference__gte=0, preference__lte=2),
                name="role_preference_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.get_experience_display()}"


class Period(models.Model):
    """A date range; end is inclusive. The API addresses a period by its UUID (API-53)."""

    uuid = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    start = models.DateField(_("van"))
    end = models.DateField(_("tot en met"))

    class Meta:
        abstract = True
        ordering = ["start"]


class Availability(Period):
    """Hours per week for pool work in a period, overriding the member's default pool hours."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="availability")
    hours_per_week = models.DecimalField(_("uren per week"), max_digits=4, decimal_places=1)
    note = models.CharField(_("toelichting"), max_length=200, blank=True)

    class Meta(Period.Meta):
        verbose_name = _("beschikbaarheid")
        verbose_name_plural = _("beschikbaarheid")
        constraints = [
            end_not_before_start("availability_end_after_start"),
            models.CheckConstraint(
                condition=Q(hours_per_week__gt=0, hours_per_week__lte=60),
                name="availability_hours_range",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.start} – {self.end}: {self.hours_per_week}"


class Leave(Period):
    """A period in which the member is not available for pool work at all."""

    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="leave")
    note = models.CharField(_("toelichting"), max_length=200, blank=True)

    class Meta(Period.Meta):
        verbose_name = _("verlof")
        verbose_name_plural = _("verlof")
        constraints = [end_not_before_start("leave_end_after_start")]

    def __str__(self) -> str:
        return f"{self.start} – {self.end}"


class LearningGoal(models.Model):
    member = models.ForeignKey(Member, on_delete=models.CASCADE, related_name="learning_goals")
    competency = models.ForeignKey(
        Competency, on_delete=models.PROTECT, related_name="+", verbose_name=_("competentie")
    )
    target_level = models.PositiveSmallIntegerField(_("doelniveau"), choices=Level)
    note = models.CharField(_("toelichting"), max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["competency__name_nl"]
        verbose_name = _("leerdoel")
        verbose_name_plural = _("leerdoelen")
        constraints = [
            models.UniqueConstraint(fields=["member", "competency"], name="learning_goal_unique"),
            level_between_1_and_4("target_level", "learning_goal_level_1_4"),
        ]

    def __str__(self) -> str:
        return f"{self.competency} → {self.target_level}"


class AuditAction(models.TextChoices):
    GROUPS_CHANGED = "groups_changed", _("groepen van account gewijzigd")
    ACCOUNT_CHANGED = "account_changed", _("rechten van account gewijzigd")
    HR_ADVISORS_CHANGED = "hr_advisors_changed", _("HR-adviseurs van organisatie gewijzigd")
    MEMBER_ANONYMISED = "member_anonymised", _("medewerker geanonimiseerd")
    IMPORT = "import", _("import")
    WEIGHTS_CHANGED = "weights_changed", _("matchgewichten gewijzigd")


class AuditEntry(models.Model):
    """A permission-relevant change that no other history records: who, when, what.

    Staffing decisions are in AssignmentTransition and opgave changes in OpgaveLogEntry;
    the audit log page reads all three. `data` holds ids and codes, never names.
    """

    Action = AuditAction

    at = models.DateTimeField(_("tijdstip"), auto_now_add=True, db_index=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        related_name="+",
        verbose_name=_("door"),
    )
    action = models.CharField(_("actie"), max_length=30, choices=Action)
    member = models.ForeignKey(
        Member,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="audit_entries",
        verbose_name=_("medewerker"),
    )
    organisation = models.ForeignKey(
        Organisation,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("organisatie"),
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("account"),
    )
    data = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = _("auditregel")
        verbose_name_plural = _("auditlog")
        constraints = [choice_is_valid("action", AuditAction, "audit_entry_action_valid")]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.get_action_display()}"
