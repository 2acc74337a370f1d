"""Impact's tables: annotations, each shipped initiative's measurement (settings and read-out), experiments.

Release markers are not stored: they are the dates initiatives entered ``shipped``, read from planning's public
services. Only :mod:`headway.impact.services` writes these models.
"""

from __future__ import annotations

from django.db import models


class Verdict(models.TextChoices):
    HIT = "hit", "Hit"
    MISS = "miss", "Miss"
    INCONCLUSIVE = "inconclusive", "Inconclusive"
    OPPOSITE = "opposite", "Opposite"


class Method(models.TextChoices):
    FORECAST = "forecast", "Before/after against the KPI's own forecast (correlational)"
    COUNTERFACTUAL = "counterfactual", "Counterfactual with control series (structural time series)"
    DIFF_IN_DIFF = "diff_in_diff", "Difference-in-differences"
    EXPERIMENT = "experiment", "Randomised experiment"


class Annotation(models.Model):
    """A dated note drawn on charts: for the whole workspace, one KPI or one saved insight."""

    class Scope(models.TextChoices):
        WORKSPACE = "workspace", "Workspace"
        KPI = "kpi", "KPI"
        INSIGHT = "insight", "Saved insight"

    date = models.DateField()
    text = models.CharField(max_length=300)
    scope = models.CharField(max_length=20, choices=Scope.choices, default=Scope.WORKSPACE)
    target = models.CharField(max_length=100, blank=True, help_text="The KPI name or insight id of the scope.")
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["date", "id"]

    def __str__(self) -> str:
        return f"{self.date}: {self.text}"


class Experiment(models.Model):
    """An experiment read from exposure events: its variants, control, metrics and dates."""

    name = models.SlugField(max_length=100, unique=True)
    title = models.CharField(max_length=200)
    exposure_event = models.CharField(max_length=200, default="$exposure")
    variant_property = models.CharField(max_length=200, default="variant")
    flag_property = models.CharField(max_length=200, blank=True)
    flag_value = models.CharField(max_length=200, blank=True)
    control = models.CharField(max_length=100, default="control")
    metric_event = models.CharField(max_length=200)
    math = models.CharField(max_length=20, default="conversion")
    metric_property = models.CharField(max_length=200, blank=True)
    secondary = models.JSONField(default=list, blank=True, help_text="[{event, math, property}] secondary metrics")
    date_from = models.DateField()
    date_to = models.DateField()
    sequential = models.BooleanField(default=False)
    initiative_id = models.IntegerField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date_from", "name"]

    def __str__(self) -> str:
        return self.name


class Measurement(models.Model):
    """A shipped initiative's measurement: when to measure, with what, and the stored read-out."""

    initiative_id = models.IntegerField(unique=True)
    measure_after_days = models.PositiveIntegerField(default=28)
    method = models.CharField(max_length=20, blank=True, help_text="Blank: the strongest the data allows.")
    controls = models.JSONField(default=list, blank=True, help_text="KPI names the change did not touch.")
    segment = models.CharField(max_length=200, blank=True,
                               help_text="property=value of the part that got the change (difference-in-differences).")
    shipped_on = models.DateField(null=True, blank=True)
    measured_at = models.DateTimeField(null=True, blank=True)
    kpi = models.CharField(max_length=100, blank=True)
    used_method = models.CharField(max_length=20, choices=Method.choices, blank=True)
    verdict = models.CharField(max_length=20, choices=Verdict.choices, blank=True)
    expected = models.FloatField(null=True, blank=True)
    expected_relative = models.BooleanField(default=False)
    average_effect = models.FloatField(null=True, blank=True)
    lower = models.FloatField(null=True, blank=True)
    upper = models.FloatField(null=True, blank=True)
    relative_effect = models.FloatField(null=True, blank=True)
    p_value = models.FloatField(null=True, blank=True)
    readout = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["initiative_id"]

    def __str__(self) -> str:
        return f"initiative #{self.initiative_id}: {self.verdict or 'not measured'}"
