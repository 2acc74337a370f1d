"""Saved insights and the metric catalogue; the events themselves live in the events store, not here."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class SavedInsight(models.Model):
    """A named insight query of any kind that someone saved to come back to or pin to the dashboard."""

    class Kind(models.TextChoices):
        TRENDS = "trends", "Trends"
        FUNNEL = "funnel", "Funnel"
        RETENTION = "retention", "Retention"
        STICKINESS = "stickiness", "Stickiness"
        LIFECYCLE = "lifecycle", "Lifecycle"
        PATHS = "paths", "Paths"

    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=20, choices=Kind.choices, default=Kind.TRENDS)
    query = models.JSONField(default=dict)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="saved_insights")
    pinned = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["-pinned", "name", "pk"]

    def __str__(self) -> str:
        return self.name


class MetricDefinition(models.Model):
    """One metric of the catalogue, as validated from a metrics-as-code YAML file."""

    name = models.CharField(max_length=100, unique=True)
    kind = models.CharField(max_length=20)
    description = models.TextField(blank=True)
    definition = models.JSONField(default=dict)
    position = models.PositiveIntegerField(default=0)
    source = models.CharField(max_length=300, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["position", "name"]

    def __str__(self) -> str:
        return self.name


class Cohort(models.Model):
    """A saved set of persons defined by behaviour or by event property, e.g. "did purchase at least 2 times
    in the last 30 days"; usable as a filter in every insight. ``definition`` is validated by the service."""

    name = models.CharField(max_length=200, unique=True)
    description = models.TextField(blank=True)
    definition = models.JSONField(default=dict)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                              related_name="cohorts")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name
