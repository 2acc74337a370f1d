"""Strategy: product areas, the versioned vision and strategy, periods, goals with key results and updates,
KPIs with their daily values, targets, precomputed status per period, and alerts."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class ProductArea(models.Model):
    """A product line, a product within a line, or an area within a product."""

    class Kind(models.TextChoices):
        LINE = "line", "Product line"
        PRODUCT = "product", "Product"
        AREA = "area", "Area"

    name = models.CharField(max_length=120, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="children")
    description = models.TextField(blank=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class StrategyVersion(models.Model):
    """One version of the vision and strategy document of the workspace (``area`` null) or of a product area.

    Versions are never changed: an edit adds the next version, so the history says who changed what when.
    """

    area = models.ForeignKey(ProductArea, null=True, blank=True, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    vision = models.TextField(blank=True)
    body = models.TextField(blank=True)
    note = models.CharField(max_length=300, blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["area", "version"], name="strategy_version_unique",
                                               nulls_distinct=False)]

    def __str__(self) -> str:
        return f"{self.area or 'workspace'} v{self.version}"


class Period(models.Model):
    """A span goals and targets refer to: a fiscal quarter (from the workspace's fiscal-year start) or custom."""

    class Kind(models.TextChoices):
        QUARTER = "quarter", "Fiscal quarter"
        CUSTOM = "custom", "Custom"

    name = models.CharField(max_length=60, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.QUARTER)
    start = models.DateField()
    end = models.DateField()

    class Meta:
        ordering = ["start", "end"]

    def __str__(self) -> str:
        return self.name

    @property
    def days(self) -> int:
        return (self.end - self.start).days + 1


class Kpi(models.Model):
    """A key performance indicator: computed from a catalogue metric, or imported / entered by hand."""

    class Source(models.TextChoices):
        METRIC = "metric", "Metric (computed from events)"
        MANUAL = "manual", "Imported or entered by hand"

    class Direction(models.TextChoices):
        HIGHER = "higher", "Higher is better"
        LOWER = "lower", "Lower is better"

    class Aggregation(models.TextChoices):
        SUM = "sum", "Sum of the days"
        MEAN = "mean", "Average of the days"
        LAST = "last", "Last value"

    class Unit(models.TextChoices):
        COUNT = "count", "Count"
        NUMBER = "number", "Number"
        CURRENCY = "currency", "Money"
        PERCENT = "percent", "Percent (a share from 0 to 1)"

    name = models.SlugField(max_length=100, unique=True)
    label = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.METRIC)
    metric = models.CharField(max_length=100, blank=True)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.COUNT)
    direction = models.CharField(max_length=10, choices=Direction.choices, default=Direction.HIGHER)
    aggregation = models.CharField(max_length=10, choices=Aggregation.choices, default=Aggregation.SUM)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="kpis")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="inputs")
    is_north_star = models.BooleanField(default=False)
    position = models.PositiveIntegerField(default=0)
    last_computed_at = models.DateTimeField(null=True, blank=True)
    last_error = models.TextField(blank=True)
    last_error_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-is_north_star", "position", "name"]
        constraints = [models.UniqueConstraint(fields=["is_north_star"], condition=models.Q(is_north_star=True),
                                               name="one_north_star")]

    def __str__(self) -> str:
        return self.label


class KpiValue(models.Model):
    """A KPI's value on one day: computed from its metric (the daily cache) or imported / entered by hand."""

    class Origin(models.TextChoices):
        COMPUTED = "computed", "Computed"
        IMPORTED = "imported", "Imported"
        MANUAL = "manual", "Entered by hand"

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="values")
    date = models.DateField()
    value = models.FloatField()
    origin = models.CharField(max_length=10, choices=Origin.choices, default=Origin.COMPUTED)

    class Meta:
        ordering = ["kpi", "date"]
        constraints = [models.UniqueConstraint(fields=["kpi", "date"], name="kpi_value_per_day")]

    def __str__(self) -> str:
        return f"{self.kpi.name} {self.date}: {self.value}"


class KpiTarget(models.Model):
    """What a KPI should reach over a period (by its aggregation: a total, an average or a final value)."""

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="targets")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="targets")
    value = models.FloatField()
    set_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kpi", "period__start"]
        constraints = [models.UniqueConstraint(fields=["kpi", "period"], name="kpi_target_per_period")]

    def __str__(self) -> str:
        return f"{self.kpi.name} {self.period.name}: {self.value}"


class KpiProgress(models.Model):
    """The precomputed progress of a KPI over a period (what pages, the API and the CLI read)."""

    class Status(models.TextChoices):
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"
        NO_TARGET = "no_target", "No target"
        NO_DATA = "no_data", "No data"

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="progress")
    period = models.ForeignKey(Period, on_delete=models.CASCADE, related_name="+")
    as_of = models.DateField()
    status = models.CharField(max_length=10, choices=Status.choices)
    rule = models.TextField(blank=True)
    target = models.FloatField(null=True, blank=True)
    projection = models.FloatField(null=True, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    level = models.FloatField(default=0.8)
    period_to_date = models.FloatField(null=True, blank=True)
    current = models.FloatField(null=True, blank=True)
    current_date = models.DateField(null=True, blank=True)
    days_elapsed = models.PositiveIntegerField(default=0)
    days_total = models.PositiveIntegerField(default=0)
    model = models.CharField(max_length=200, blank=True)
    computed_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["kpi", "period__start"]
        constraints = [models.UniqueConstraint(fields=["kpi", "period"], name="kpi_progress_per_period")]

    def __str__(self) -> str:
        return f"{self.kpi.name} {self.period.name}: {self.status}"


class Goal(models.Model):
    """A company objective or a product goal for a period; ``parent`` is the goal it supports."""

    class Level(models.TextChoices):
        COMPANY = "company", "Company objective"
        PRODUCT = "product", "Product goal"

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", "Not started"
        ON_TRACK = "on_track", "On track"
        AT_RISK = "at_risk", "At risk"
        OFF_TRACK = "off_track", "Off track"
        DONE = "done", "Done"
        DROPPED = "dropped", "Dropped"

    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    level = models.CharField(max_length=10, choices=Level.choices, default=Level.PRODUCT)
    period = models.ForeignKey(Period, on_delete=models.PROTECT, related_name="goals")
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="goals")
    parent = models.ForeignKey("self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children")
    area = models.ForeignKey(ProductArea, null=True, blank=True, on_delete=models.SET_NULL, related_name="goals")
    status = models.CharField(max_length=12, choices=Status.choices, default=Status.NOT_STARTED)
    confidence = models.PositiveSmallIntegerField(default=50)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["period__start", "level", "title"]

    def __str__(self) -> str:
        return self.title


class KeyResult(models.Model):
    """A measurable result of a goal: a KPI reaching its target for the goal's period."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="key_results")
    kpi = models.ForeignKey(Kpi, on_delete=models.PROTECT, related_name="key_results")
    title = models.CharField(max_length=200, blank=True)
    position = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["goal", "position", "pk"]

    def __str__(self) -> str:
        return self.title or self.kpi.label


class GoalUpdate(models.Model):
    """A check-in on a goal: its status and confidence (0–100%) with a comment."""

    goal = models.ForeignKey(Goal, on_delete=models.CASCADE, related_name="updates")
    status = models.CharField(max_length=12, choices=Goal.Status.choices)
    confidence = models.PositiveSmallIntegerField()
    comment = models.TextField(blank=True)
    author = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                               related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return f"{self.goal}: {self.status} {self.confidence}%"


class Alert(models.Model):
    """A KPI outside its expected band, or a target turning off track, explained in words."""

    class Kind(models.TextChoices):
        ANOMALY = "anomaly", "Outside its expected band"
        OFF_TRACK = "off_track", "Target turned off track"

    kpi = models.ForeignKey(Kpi, on_delete=models.CASCADE, related_name="alerts")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    direction = models.CharField(max_length=4)
    since = models.DateField()
    until = models.DateField()
    slots = models.PositiveIntegerField(default=1)
    actual = models.FloatField()
    expected = models.FloatField()
    delta = models.FloatField()
    delta_pct = models.FloatField(null=True, blank=True)
    message = models.TextField()
    breakdown = models.JSONField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    acknowledged_at = models.DateTimeField(null=True, blank=True)
    acknowledged_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True,
                                        on_delete=models.SET_NULL, related_name="+")

    class Meta:
        ordering = ["-since", "-pk"]
        constraints = [models.UniqueConstraint(fields=["kpi", "kind", "since"], name="alert_once_per_start")]

    def __str__(self) -> str:
        return self.message[:80]
