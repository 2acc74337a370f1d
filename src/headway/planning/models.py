"""Initiatives and what decides them: teams with their cost and capacity, effort, dependencies, scores,
saved optimiser scenarios and the roadmap.

Only :mod:`headway.planning.services` writes these models.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Stage(models.TextChoices):
    IDEA = "idea", "Idea"
    DISCOVERY = "discovery", "Discovery"
    PLANNED = "planned", "Planned"
    IN_PROGRESS = "in_progress", "In progress"
    SHIPPED = "shipped", "Shipped"
    MEASURED = "measured", "Measured"
    PARKED = "parked", "Parked"


class Kind(models.TextChoices):
    INNOVATE = "innovate", "Innovate"
    ITERATE = "iterate", "Iterate"
    MAINTAIN = "maintain", "Maintain"
    TECH_DEBT = "tech_debt", "Tech debt"


class Commitment(models.TextChoices):
    COMMITTED = "committed", "Committed"
    LIKELY = "likely", "Likely"
    EXPLORING = "exploring", "Exploring"


class Framework(models.TextChoices):
    RICE = "rice", "RICE"
    ICE = "ice", "ICE"
    WSJF = "wsjf", "WSJF"
    VALUE_EFFORT = "value_effort", "Value vs effort"
    WEIGHTED = "weighted", "Weighted scorecard"
    FORMULA = "formula", "Custom formula"


class PlanningTeam(models.Model):
    """A delivery team: its loaded cost per person-week and how many people it has to give each quarter."""

    name = models.CharField(max_length=100, unique=True)
    cost_per_week = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    headcount = models.PositiveIntegerField(default=0)
    weeks_per_quarter = models.PositiveSmallIntegerField(default=12)
    attrition = models.FloatField(default=0, help_text="Annual attrition rate (0.12 is 12 %).")

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def capacity_weeks(self) -> float:
        """Person-weeks the team can give in one quarter."""
        return float(self.headcount * self.weeks_per_quarter)


class Initiative(models.Model):
    """An idea or initiative on its way from idea to measured outcome (or parked)."""

    title = models.CharField(max_length=200)
    problem = models.TextField(blank=True)
    hypothesis = models.TextField(blank=True)
    product_area = models.CharField(max_length=100, blank=True)
    owner = models.ForeignKey("team.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    team = models.ForeignKey(PlanningTeam, null=True, blank=True, on_delete=models.SET_NULL,
                             related_name="initiatives")
    stage = models.CharField(max_length=20, choices=Stage.choices, default=Stage.IDEA)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.ITERATE)
    duration = models.PositiveSmallIntegerField(
        default=1, help_text="Quarters it runs from its start quarter; its effort is spread evenly over them.")
    goal = models.ForeignKey("strategy.Goal", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                             help_text="The goal it serves (a goal of this workspace's strategy).")
    kpi = models.ForeignKey("strategy.Kpi", null=True, blank=True, on_delete=models.SET_NULL, related_name="+",
                            help_text="The KPI it should move; ``expected_impact`` says by how much.")
    expected_impact = models.CharField(max_length=300, blank=True)
    demand_score = models.FloatField(default=0)
    user_value = models.FloatField(default=0)
    business_value = models.FloatField(default=0)
    kano = models.CharField(max_length=20, blank=True)
    inputs = models.JSONField(default=dict, blank=True)
    external_ref = models.CharField(max_length=64, blank=True, db_index=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class Effort(models.Model):
    """Person-weeks one team puts into one initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="efforts")
    team = models.ForeignKey(PlanningTeam, on_delete=models.PROTECT, related_name="efforts")
    weeks = models.FloatField()

    class Meta:
        ordering = ["team__name"]
        constraints = [models.UniqueConstraint(fields=["initiative", "team"], name="planning_effort_once")]

    def __str__(self) -> str:
        return f"{self.weeks:g} person-weeks of {self.team_id} on {self.initiative_id}"


class Dependency(models.Model):
    """``source`` requires ``target`` (which must start no later), or the two conflict."""

    class Type(models.TextChoices):
        REQUIRES = "requires", "Requires"
        CONFLICTS = "conflicts", "Conflicts with"

    source = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="dependencies")
    target = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="dependents")
    type = models.CharField(max_length=10, choices=Type.choices)

    class Meta:
        constraints = [models.UniqueConstraint(fields=["source", "target", "type"], name="planning_dependency_once")]

    def __str__(self) -> str:
        return f"#{self.source_id} {self.type} #{self.target_id}"


class StageChange(models.Model):
    """One step of an initiative's pipeline history."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="stage_history")
    from_stage = models.CharField(max_length=20, blank=True)
    to_stage = models.CharField(max_length=20)
    at = models.DateTimeField(auto_now_add=True)
    actor_label = models.CharField(max_length=150, blank=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"#{self.initiative_id}: {self.from_stage or 'new'} → {self.to_stage}"


class Comment(models.Model):
    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="comments")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    author_label = models.CharField(max_length=150, blank=True)
    body = models.TextField()
    at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["at", "id"]

    def __str__(self) -> str:
        return f"{self.author_label} on #{self.initiative_id}"


class Attachment(models.Model):
    """A link to a document, design or ticket about the initiative."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="attachments")
    title = models.CharField(max_length=200)
    url = models.URLField(max_length=500)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.title


class ScoringModel(models.Model):
    """A way to score: a framework (or a weighted scorecard or formula) and when its inputs go stale."""

    name = models.CharField(max_length=60, unique=True)
    framework = models.CharField(max_length=20, choices=Framework.choices)
    formula = models.CharField(max_length=500, blank=True)
    weights = models.JSONField(default=dict, blank=True)
    stale_after_days = models.PositiveIntegerField(default=90)
    primary = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-primary", "name"]

    def __str__(self) -> str:
        return self.name


class Score(models.Model):
    """One computed score; every computation is kept, the latest per initiative and model is current."""

    initiative = models.ForeignKey(Initiative, on_delete=models.CASCADE, related_name="scores")
    model = models.ForeignKey(ScoringModel, on_delete=models.CASCADE, related_name="scores")
    value = models.FloatField()
    normalised = models.FloatField(default=0)
    inputs = models.JSONField(default=dict)
    computed_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        ordering = ["-computed_at", "-id"]

    def __str__(self) -> str:
        return f"#{self.initiative_id}: {self.value:g}"


class Scenario(models.Model):
    """A saved optimiser run: the constraints asked and the plan found."""

    name = models.CharField(max_length=100, unique=True)
    constraints = models.JSONField(default=dict)
    result = models.JSONField(default=dict)
    value = models.FloatField(default=0)
    optimal = models.BooleanField(default=False)
    gap = models.FloatField(default=0)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class RoadmapItem(models.Model):
    """An initiative placed on the roadmap: the quarter it starts (``2026-Q3``) and how sure we are."""

    initiative = models.OneToOneField(Initiative, on_delete=models.CASCADE, related_name="roadmap_item")
    quarter = models.CharField(max_length=7)
    commitment = models.CharField(max_length=10, choices=Commitment.choices, default=Commitment.LIKELY)
    scenario = models.CharField(max_length=100, blank=True)

    class Meta:
        ordering = ["quarter", "initiative_id"]

    def __str__(self) -> str:
        return f"#{self.initiative_id} in {self.quarter} ({self.commitment})"


class HiringRole(models.Model):
    """A role a team can hire for: the team x ladder level (x location where pay differs), its annual loaded cost,
    one-off recruiting cost, lead time from opening to start, ramp (share of full speed in the starter's first,
    second, ... quarter), mentor weeks taken from the team in the starter's first quarter and a cap on starters
    per quarter."""

    team = models.ForeignKey(PlanningTeam, on_delete=models.CASCADE, related_name="roles")
    level = models.CharField(max_length=20, blank=True, help_text="A ladder level's slug, blank outside the ladder.")
    location = models.CharField(max_length=100, blank=True)
    title = models.CharField(max_length=150)
    annual_cost = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    hiring_cost = models.DecimalField(max_digits=12, decimal_places=2, default=0)
    lead_quarters = models.PositiveSmallIntegerField(default=1)
    ramp = models.JSONField(default=list, help_text="Shares of full speed per quarter, e.g. [0.5, 1.0].")
    mentor_weeks = models.FloatField(default=0)
    max_per_quarter = models.PositiveSmallIntegerField(null=True, blank=True)
    weeks_per_person = models.FloatField(null=True, blank=True,
                                         help_text="Person-weeks a quarter at full speed (blank: the team's).")

    class Meta:
        ordering = ["team__name", "level", "location", "id"]
        constraints = [models.UniqueConstraint(fields=["team", "level", "location"], name="unique_hiring_role")]

    def __str__(self) -> str:
        return self.key

    @property
    def key(self) -> str:
        """How plans name the role: ``web engineer`` or ``web senior_pm (Berlin)``."""
        where = f" ({self.location})" if self.location else ""
        return f"{self.team.name} {self.level or self.title}{where}"


class OpeningStatus(models.TextChoices):
    PLANNED = "planned", "Planned"
    APPROVED = "approved", "Approved"
    OPEN = "open", "Open"
    FILLED = "filled", "Filled"
    CANCELLED = "cancelled", "Cancelled"


class Opening(models.Model):
    """One person to hire in the hiring plan: planned, approved by the leader, open, filled (a person in the org
    chart) or cancelled."""

    role = models.ForeignKey(HiringRole, on_delete=models.PROTECT, related_name="openings")
    status = models.CharField(max_length=10, choices=OpeningStatus.choices, default=OpeningStatus.PLANNED)
    start_quarter = models.CharField(max_length=7, help_text="The quarter the starter should start, e.g. 2026-Q3.")
    note = models.TextField(blank=True)
    scenario = models.CharField(max_length=100, blank=True)
    approved_by = models.CharField(max_length=150, blank=True)
    approved_at = models.DateTimeField(null=True, blank=True)
    person = models.ForeignKey("team.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["start_quarter", "id"]

    def __str__(self) -> str:
        return f"opening {self.pk}: {self.role} in {self.start_quarter} ({self.status})"
