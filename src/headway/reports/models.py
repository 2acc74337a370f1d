"""The reports app's tables: packs (kept once sent), channels, subscriptions, deliveries, share links."""

from __future__ import annotations

from django.conf import settings
from django.db import models


class Pack(models.Model):
    """A report pack: its structured content (the document), the free text the leader wrote, and its renderings."""

    class Kind(models.TextChoices):
        WEEKLY = "weekly", "Weekly digest"
        MONTHLY = "monthly", "Monthly product review"
        OKR = "okr", "Quarterly OKR scorecard"
        BOARD = "board", "Board pack, product section"
        ROADMAP = "roadmap", "Roadmap one-pager"
        RELEASE_NOTES = "release-notes", "Release notes"

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SENT = "sent", "Sent"

    kind = models.CharField(max_length=20, choices=Kind.choices)
    period = models.CharField(max_length=60, blank=True)
    audience = models.CharField(max_length=20, blank=True)
    title = models.CharField(max_length=200)
    content = models.JSONField(default=dict)
    notes = models.JSONField(default=dict, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.DRAFT)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.title


class Channel(models.Model):
    """Where messages go: an e-mail list, a Slack or Teams incoming webhook, or a signed generic webhook."""

    class Kind(models.TextChoices):
        EMAIL = "email", "E-mail"
        SLACK = "slack", "Slack"
        TEAMS = "teams", "Microsoft Teams"
        WEBHOOK = "webhook", "Webhook"

    name = models.CharField(max_length=80, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    target = models.TextField(help_text="e-mail addresses (comma-separated) or the webhook URL")
    secret = models.CharField(max_length=200, blank=True, help_text="the webhook signing secret")
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Subscription(models.Model):
    """A pack on a schedule, alerts, or a person's reminders, sent to an e-mail address or a channel."""

    class Cadence(models.TextChoices):
        DAILY = "daily", "Daily"
        WEEKLY = "weekly", "Weekly"
        MONTHLY = "monthly", "Monthly"
        QUARTERLY = "quarterly", "Quarterly"
        ALERTS = "alerts", "When an alert is raised"

    pack_kind = models.CharField(max_length=20, blank=True)
    audience = models.CharField(max_length=20, blank=True)
    cadence = models.CharField(max_length=10, choices=Cadence.choices)
    weekday = models.PositiveSmallIntegerField(default=0, help_text="0 = Monday")
    hour = models.PositiveSmallIntegerField(default=8)
    kpis = models.JSONField(default=list, blank=True, help_text="alerts of these KPIs only (empty: all)")
    address = models.CharField(max_length=254, blank=True)
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.CASCADE)
    user = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE,
                             related_name="+", help_text="whose reminders (for reminder subscriptions)")
    token = models.CharField(max_length=64, unique=True)
    next_due_at = models.DateTimeField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    unsubscribed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.pack_kind or 'alerts'} {self.cadence} to {self.address or self.channel}"


class Delivery(models.Model):
    """One message to one channel or address: its status, attempts, the recipients it reached, and the reason."""

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        RETRYING = "retrying", "Retrying"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed"

    pack = models.ForeignKey(Pack, null=True, blank=True, on_delete=models.SET_NULL, related_name="deliveries")
    subject = models.CharField(max_length=300)
    channel = models.ForeignKey(Channel, null=True, blank=True, on_delete=models.SET_NULL)
    channel_kind = models.CharField(max_length=10)
    recipients = models.JSONField(default=list)
    delivered_to = models.JSONField(default=list)
    subscription = models.ForeignKey(Subscription, null=True, blank=True, on_delete=models.SET_NULL)
    alert_id = models.IntegerField(null=True, blank=True)
    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    attempts = models.PositiveIntegerField(default=0)
    error = models.TextField(blank=True)
    log = models.JSONField(default=list)
    text = models.TextField(blank=True)
    html = models.TextField(blank=True)
    job_id = models.IntegerField(null=True, blank=True)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"{self.subject} ({self.status})"


class ShareLink(models.Model):
    """A signed, expiring, revocable read-only link to a saved pack, a live pack (``kind``: rebuilt at each
    opening) or a roadmap audience view."""

    pack = models.ForeignKey(Pack, null=True, blank=True, on_delete=models.CASCADE)
    kind = models.CharField(max_length=20, blank=True, help_text="a live pack's kind (weekly, monthly, ...)")
    audience = models.CharField(max_length=20, blank=True)
    nonce = models.CharField(max_length=32, unique=True)
    expires_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL)
    created_at = models.DateTimeField(auto_now_add=True)
    openings = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return f"share link {self.pk} ({self.audience or self.pack_id})"


class OptOut(models.Model):
    """An e-mail address that unsubscribed from every message (one click from any message's footer)."""

    address = models.CharField(max_length=254, unique=True)
    at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return self.address
