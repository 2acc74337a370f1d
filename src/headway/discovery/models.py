"""Customers (accounts and their people), feedback items, themes and their computation runs, and demand links."""

from __future__ import annotations

from django.db import models


class Account(models.Model):
    """A customer company; ``external_id`` is its id in the CRM (imports update by it)."""

    name = models.CharField(max_length=200)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    segment = models.CharField(max_length=60, blank=True)
    plan = models.CharField(max_length=60, blank=True)
    arr = models.FloatField(default=0)
    owner = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name

    @property
    def mrr(self) -> float:
        """Monthly recurring revenue: a twelfth of ARR."""
        return round(self.arr / 12, 2)


class Contact(models.Model):
    """A person at an account; email and phone are contact details (product leaders and admins only)."""

    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.CASCADE, related_name="people"
    )
    name = models.CharField(max_length=200, blank=True)
    email = models.CharField(max_length=254, blank=True, db_index=True)
    phone = models.CharField(max_length=40, blank=True)
    title = models.CharField(max_length=150, blank=True)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["name", "id"]

    def __str__(self) -> str:
        return self.name or f"person {self.pk}"


class Source(models.TextChoices):
    SUPPORT = "support", "Support ticket"
    SALES = "sales", "Sales note"
    SURVEY = "survey", "Survey answer"
    REVIEW = "review", "App review"
    INTERVIEW = "interview", "Interview"
    NPS = "nps", "NPS comment"


class ThemeRun(models.Model):
    """One computation of themes over all feedback; its row is the progress bar's source."""

    class Status(models.TextChoices):
        QUEUED = "queued"
        RUNNING = "running"
        DONE = "done"
        FAILED = "failed"

    status = models.CharField(max_length=10, choices=Status.choices, default=Status.QUEUED)
    progress = models.FloatField(default=0)
    message = models.CharField(max_length=300, blank=True)
    method = models.CharField(max_length=40, blank=True)
    requested = models.CharField(max_length=20, default="auto")
    items = models.PositiveIntegerField(default=0)
    themes = models.PositiveIntegerField(default=0)
    model = models.BinaryField(null=True, blank=True)
    theme_map = models.JSONField(default=dict, blank=True)
    details = models.JSONField(default=dict, blank=True)
    started_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    finished_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-id"]

    def __str__(self) -> str:
        return f"theme run {self.pk} ({self.status})"

    @property
    def active(self) -> bool:
        return self.status in (self.Status.QUEUED, self.Status.RUNNING)

    @property
    def percent(self) -> int:
        return round(self.progress * 100)


class Theme(models.Model):
    """A theme of feedback; a parent theme groups themes. A renamed label is kept by later runs."""

    label = models.CharField(max_length=120)
    keywords = models.JSONField(default=list, blank=True)
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="children"
    )
    is_parent = models.BooleanField(default=False)
    size = models.PositiveIntegerField(default=0)
    label_edited = models.BooleanField(default=False)
    created_by_user = models.BooleanField(default=False)
    run = models.ForeignKey(ThemeRun, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-size", "id"]

    def __str__(self) -> str:
        return self.label


class FeedbackItem(models.Model):
    """One piece of customer feedback. ``pinned`` items were placed by a person and stay in their theme."""

    text = models.TextField()
    source = models.CharField(max_length=20, choices=Source.choices, default=Source.SUPPORT)
    account = models.ForeignKey(
        Account, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    contact = models.ForeignKey(
        Contact, null=True, blank=True, on_delete=models.SET_NULL, related_name="feedback"
    )
    received_on = models.DateField(db_index=True)
    rating = models.PositiveSmallIntegerField(null=True, blank=True)
    nps = models.PositiveSmallIntegerField(null=True, blank=True)
    link = models.URLField(max_length=500, blank=True)
    tags = models.JSONField(default=list, blank=True)
    external_id = models.CharField(max_length=100, null=True, blank=True, unique=True)
    sentiment = models.FloatField(default=0)
    sentiment_label = models.CharField(max_length=10, default="neutral")
    truncated = models.BooleanField(default=False)
    duplicate_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="duplicates"
    )
    duplicate_similarity = models.FloatField(null=True, blank=True)
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.SET_NULL, related_name="items")
    theme_similarity = models.FloatField(null=True, blank=True)
    pinned = models.BooleanField(default=False)
    vector = models.BinaryField(null=True, blank=True)
    reviewed = models.BooleanField(default=False)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-received_on", "-id"]

    def __str__(self) -> str:
        return self.text[:60]


class Importance(models.TextChoices):
    NICE_TO_HAVE = "nice_to_have", "Nice to have"
    IMPORTANT = "important", "Important"
    CRITICAL = "critical", "Critical"


#: How an idea reference names a planning initiative: ``initiative:12``.
INITIATIVE_PREFIX = "initiative:"


class DemandLink(models.Model):
    """Feedback (one item or a whole theme) linked to an idea with an importance.

    The idea (``idea_ref``) is a planning initiative (``initiative:12``) or a free reference. Discovery keeps no
    foreign key to planning: planning removes the links of an initiative it deletes.
    """

    idea_ref = models.CharField(max_length=120, db_index=True)
    item = models.ForeignKey(
        FeedbackItem, null=True, blank=True, on_delete=models.CASCADE, related_name="links"
    )
    theme = models.ForeignKey(Theme, null=True, blank=True, on_delete=models.CASCADE, related_name="links")
    importance = models.CharField(max_length=20, choices=Importance.choices, default=Importance.IMPORTANT)
    created_by = models.CharField(max_length=150, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return f"{self.idea_ref} ← {self.theme or self.item} ({self.importance})"

    @property
    def initiative_id(self) -> int | None:
        """The id of the planning initiative the link is to (None for a free reference)."""
        number = self.idea_ref[len(INITIATIVE_PREFIX):] if self.idea_ref.startswith(INITIATIVE_PREFIX) else ""
        return int(number) if number.isdigit() else None
