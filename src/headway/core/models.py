"""Workspace, users with roles, API tokens, the audit log and login throttling."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser
from django.db import models

from headway.core.permissions import Role

CURRENCIES = ["USD", "EUR", "GBP", "CAD", "AUD", "JPY", "CHF", "SEK", "NOK", "DKK", "INR", "BRL", "SGD", "NZD"]


class Workspace(models.Model):
    """The company Headway runs for; there is exactly one."""

    class WeekStart(models.TextChoices):
        MONDAY = "monday", "Monday"
        SUNDAY = "sunday", "Sunday"

    name = models.CharField(max_length=120)
    industry = models.CharField(max_length=120, blank=True)
    fiscal_year_start_month = models.PositiveSmallIntegerField(default=1)
    timezone = models.CharField(max_length=64, default="UTC")
    week_start = models.CharField(max_length=6, choices=WeekStart.choices, default=WeekStart.MONDAY)
    currency = models.CharField(max_length=3, default="USD")
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.name


class User(AbstractUser):
    """A person who logs in; what they may do follows from ``role``."""

    role = models.CharField(max_length=20, choices=[(r.value, r.label) for r in Role], default=Role.VIEWER)
    display_name = models.CharField(max_length=150, blank=True)

    @property
    def name(self) -> str:
        return self.display_name or self.get_full_name() or self.username


class ApiToken(models.Model):
    """A personal API token: shown once at creation, stored as a SHA-256 digest."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(max_length=100)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(auto_now_add=True)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"


class AuditEvent(models.Model):
    """Who created, changed, deleted or viewed (confidential) what, and when."""

    class Action(models.TextChoices):
        CREATE = "create"
        UPDATE = "update"
        DELETE = "delete"
        VIEW = "view"
        LOGIN = "login"
        LOGIN_FAILED = "login_failed"
        LOGOUT = "logout"

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    actor = models.ForeignKey(User, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    actor_label = models.CharField(max_length=150, blank=True)
    action = models.CharField(max_length=20, choices=Action.choices)
    object_type = models.CharField(max_length=60)
    object_id = models.CharField(max_length=64, blank=True)
    summary = models.CharField(max_length=300)
    changes = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["-at", "-id"]

    def __str__(self) -> str:
        return f"{self.at:%Y-%m-%d %H:%M} {self.actor_label} {self.action} {self.object_type} {self.object_id}"


class LoginAttempt(models.Model):
    """A failed login, kept to throttle guessing per username and per address."""

    at = models.DateTimeField(auto_now_add=True, db_index=True)
    username = models.CharField(max_length=150, db_index=True)
    address = models.CharField(max_length=64, blank=True, db_index=True)

    def __str__(self) -> str:
        return f"{self.username} from {self.address or 'unknown'} at {self.at:%Y-%m-%d %H:%M}"


class Job(models.Model):
    """A piece of background work (a theme run, an import, a KPI refresh): its progress, attempts and outcome.

    The work itself runs as a Django task (:mod:`headway.core.tasks`); this row is what pages, the API and the
    CLI read. ``heartbeat_at`` moves while the work runs, so a job whose worker was killed is found and run again.
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RUNNING = "running", "Running"
        RETRYING = "retrying", "Waiting to retry"
        SUCCEEDED = "succeeded", "Done"
        FAILED = "failed", "Failed"

    kind = models.CharField(max_length=64, db_index=True)
    label = models.CharField(max_length=200)
    arguments = models.JSONField(default=dict)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED, db_index=True)
    progress = models.FloatField(default=0.0)
    message = models.CharField(max_length=300, blank=True)
    attempts = models.PositiveSmallIntegerField(default=0)
    max_attempts = models.PositiveSmallIntegerField(default=3)
    error = models.TextField(blank=True)
    result = models.JSONField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    started_at = models.DateTimeField(null=True, blank=True)
    heartbeat_at = models.DateTimeField(null=True, blank=True)
    run_after = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.label} ({self.status})"

    @property
    def done(self) -> bool:
        return self.status in (self.Status.SUCCEEDED, self.Status.FAILED)


class ScheduleState(models.Model):
    """When each periodic job (:mod:`headway.core.schedules`) is next due; one row per schedule name."""

    name = models.CharField(max_length=64, unique=True)
    next_due_at = models.DateTimeField()
    last_job = models.ForeignKey(Job, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")

    def __str__(self) -> str:
        return f"{self.name} due {self.next_due_at:%Y-%m-%d %H:%M}"
