"""People of the product organisation and their partners, with the reporting line between them.

People need not be users: ``user`` links a person to their login when they have one.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models


class Department(models.TextChoices):
    PRODUCT = "product", "Product"
    ENGINEERING = "engineering", "Engineering"
    DESIGN = "design", "Design"
    MARKETING = "marketing", "Marketing"
    SALES = "sales", "Sales"


class Level(models.TextChoices):
    """The product career ladder's levels, most junior first (blank for people outside product)."""

    APM = "apm", "Associate PM"
    PM = "pm", "Product manager"
    SENIOR_PM = "senior_pm", "Senior PM"
    PRINCIPAL_PM = "principal_pm", "Principal PM"
    GROUP_PM = "group_pm", "Group PM"
    DIRECTOR = "director", "Director of product"
    VP = "vp", "VP of product"
    CPO = "cpo", "Chief product officer"


class Track(models.TextChoices):
    IC = "ic", "Individual contributor"
    MANAGER = "manager", "Manager"


class Specialisation(models.TextChoices):
    CORE = "core", "Core"
    GROWTH = "growth", "Growth"
    DATA = "data", "Data"
    PLATFORM = "platform", "Platform"


class Person(models.Model):
    """Someone in the org chart; ``manager`` is null only at the top."""

    name = models.CharField(max_length=150)
    title = models.CharField(max_length=150)
    level = models.CharField(max_length=20, choices=Level.choices, blank=True)
    track = models.CharField(max_length=10, choices=Track.choices, default=Track.IC)
    specialisation = models.CharField(max_length=10, choices=Specialisation.choices, blank=True)
    department = models.CharField(max_length=20, choices=Department.choices, default=Department.PRODUCT)
    team = models.CharField(max_length=100, blank=True)
    manager = models.ForeignKey("self", null=True, blank=True, on_delete=models.PROTECT, related_name="reports")
    start_date = models.DateField(null=True, blank=True)
    location = models.CharField(max_length=100, blank=True)
    email = models.EmailField(blank=True)
    user = models.OneToOneField(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                related_name="person")
    active = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["name", "id"]
        verbose_name_plural = "people"

    def __str__(self) -> str:
        return f"{self.name} ({self.title})"


# --- career ladder ---------------------------------------------------------------------------------------


class LadderVersion(models.Model):
    """One version of the workspace's career ladder, stored as the engine's plain data (``ladder_to_dict``)."""

    version = models.PositiveIntegerField(unique=True)
    name = models.CharField(max_length=150)
    change_note = models.CharField(max_length=300, blank=True)
    data = models.JSONField()
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]

    def __str__(self) -> str:
        return f"{self.name} v{self.version}"


class TeamSettings(models.Model):
    """Workspace-wide team settings (one row): the anonymity threshold of 360 reviews."""

    anonymity_threshold = models.PositiveSmallIntegerField(default=3)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"anonymity threshold {self.anonymity_threshold}"



# --- check-ins -------------------------------------------------------------------------------------------


class Cadence(models.TextChoices):
    WEEKLY = "weekly", "Weekly"
    BIWEEKLY = "biweekly", "Every two weeks"
    MONTHLY = "monthly", "Monthly"


class CheckinPair(models.Model):
    """A manager and a report who meet on a cadence."""

    manager = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checkin_pairs_as_manager")
    report = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="checkin_pairs_as_report")
    cadence = models.CharField(max_length=10, choices=Cadence.choices, default=Cadence.WEEKLY)
    started = models.DateField()
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["manager__name", "report__name", "id"]
        constraints = [models.UniqueConstraint(fields=["manager", "report"], name="one_pair_per_manager_report")]

    def __str__(self) -> str:
        return f"check-ins {self.manager_id} ↔ {self.report_id}"



class Checkin(models.Model):
    """One check-in of a pair: the report's pulse (1–5 with a comment) and shared notes."""

    pair = models.ForeignKey(CheckinPair, on_delete=models.CASCADE, related_name="checkins")
    date = models.DateField()
    pulse = models.PositiveSmallIntegerField(null=True, blank=True)
    pulse_comment = models.TextField(blank=True)
    notes = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-date", "-id"]

    def __str__(self) -> str:
        return f"check-in {self.date}"



class AgendaItem(models.Model):
    """A topic for the pair's check-ins; open items carry over until done; private ones only for the author."""

    pair = models.ForeignKey(CheckinPair, on_delete=models.CASCADE, related_name="agenda")
    checkin = models.ForeignKey(Checkin, null=True, blank=True, on_delete=models.SET_NULL, related_name="agenda")
    text = models.CharField(max_length=500)
    author = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    private = models.BooleanField(default=False)
    done = models.BooleanField(default=False)
    carried = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["id"]

    def __str__(self) -> str:
        return self.text



class ActionItem(models.Model):
    """Something agreed in a check-in, with an owner and a due date."""

    pair = models.ForeignKey(CheckinPair, on_delete=models.CASCADE, related_name="actions")
    checkin = models.ForeignKey(Checkin, null=True, blank=True, on_delete=models.SET_NULL, related_name="actions")
    text = models.CharField(max_length=500)
    owner = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+")
    due = models.DateField(null=True, blank=True)
    done = models.BooleanField(default=False)

    class Meta:
        ordering = ["due", "id"]

    def __str__(self) -> str:
        return self.text



# --- 360 reviews -----------------------------------------------------------------------------------------


class CycleState(models.TextChoices):
    DRAFT = "draft", "Draft"
    NOMINATING = "nominating", "Nominating"
    COLLECTING = "collecting", "Collecting"
    CALIBRATING = "calibrating", "Calibrating"
    RELEASED = "released", "Released"
    CLOSED = "closed", "Closed"


class ReviewCycle(models.Model):
    """A round of 360 reviews; its questions are the competencies of the ladder version it uses."""

    name = models.CharField(max_length=150)
    state = models.CharField(max_length=12, choices=CycleState.choices, default=CycleState.DRAFT)
    ladder = models.ForeignKey(LadderVersion, on_delete=models.PROTECT, related_name="cycles")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-id"]

    def __str__(self) -> str:
        return self.name


class Review(models.Model):
    """One reviewee in a cycle, with the manager's ratings for calibration and private notes."""

    cycle = models.ForeignKey(ReviewCycle, on_delete=models.CASCADE, related_name="reviews")
    reviewee = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="reviews")
    manager = models.ForeignKey(Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+")
    manager_notes = models.TextField(blank=True)
    performance = models.PositiveSmallIntegerField(null=True, blank=True)
    potential = models.PositiveSmallIntegerField(null=True, blank=True)
    #: the anonymous report as released: computed once, at release, with the threshold then in force (the
    #: engine's ``report_to_dict``); later threshold changes, erasures or org moves never change it
    released_report = models.JSONField(null=True, blank=True)
    #: the logins of the reviewee's management chain when the content opened to it (calibration), kept with
    #: the release: who may read the report and the notes, whatever the org chart says later
    chain_logins = models.JSONField(null=True, blank=True)
    #: the reviewee's login when the content opened (None: they had none)
    reviewee_login = models.IntegerField(null=True, blank=True)

    class Meta:
        ordering = ["reviewee__name", "id"]
        constraints = [models.UniqueConstraint(fields=["cycle", "reviewee"], name="one_review_per_cycle_person")]

    def __str__(self) -> str:
        return f"review {self.pk} in cycle {self.cycle_id}"



class NominationStatus(models.TextChoices):
    PROPOSED = "proposed", "Proposed"
    APPROVED = "approved", "Approved"
    DECLINED = "declined", "Declined"


class Nomination(models.Model):
    """A reviewer asked to review a reviewee; the group follows from who they are to the reviewee."""

    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="nominations")
    reviewer = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="nominations_to_review")
    group = models.CharField(max_length=20)
    status = models.CharField(max_length=10, choices=NominationStatus.choices, default=NominationStatus.PROPOSED)
    submitted = models.BooleanField(default=False)
    reminded_at = models.DateTimeField(null=True, blank=True)  # the last reminder, shown to the reviewer only
    reminders = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["id"]
        constraints = [models.UniqueConstraint(fields=["review", "reviewer"], name="one_nomination_per_reviewer")]

    def __str__(self) -> str:
        return f"nomination {self.pk}"



class Response(models.Model):
    """A submitted review. Random id and no timestamp: rows carry no submission order.

    No service returns these rows: they only feed the engine's anonymous aggregation.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    review = models.ForeignKey(Review, on_delete=models.CASCADE, related_name="responses")
    nomination = models.OneToOneField(Nomination, on_delete=models.CASCADE, related_name="response")
    group = models.CharField(max_length=20)
    ratings = models.JSONField(default=dict)
    comment = models.TextField(blank=True)

    def __str__(self) -> str:
        return "a review response"



# --- job descriptions ------------------------------------------------------------------------------------


class JobDescription(models.Model):
    """A job description; its text lives in versions (the engine's fields as JSON)."""

    title = models.CharField(max_length=200)
    level = models.CharField(max_length=40)
    specialisation = models.CharField(max_length=40)
    team = models.CharField(max_length=100)
    location = models.CharField(max_length=100)
    version = models.PositiveIntegerField(default=1)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["title", "id"]

    def __str__(self) -> str:
        return self.title



class JobDescriptionVersion(models.Model):
    """One saved version of a job description."""

    job = models.ForeignKey(JobDescription, on_delete=models.CASCADE, related_name="versions")
    version = models.PositiveIntegerField()
    data = models.JSONField()
    note = models.CharField(max_length=300, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL,
                                   related_name="+")
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["-version"]
        constraints = [models.UniqueConstraint(fields=["job", "version"], name="one_jd_version_number")]

    def __str__(self) -> str:
        return f"job description {self.job_id} v{self.version}"


class InterviewKit(models.Model):
    """A job's interview kit: the scorecard attributes (the level's competencies with their anchors) and the
    interviews with their focus attributes, as the team engine built them."""

    job = models.OneToOneField(JobDescription, on_delete=models.CASCADE, related_name="kit")
    data = models.JSONField(default=dict)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self) -> str:
        return f"kit of job {self.job_id}"


class Scorecard(models.Model):
    """One interviewer's scorecard for one candidate in one interview of a kit; hidden from the other interviewers
    of that candidate until they submit their own."""

    kit = models.ForeignKey(InterviewKit, on_delete=models.CASCADE, related_name="scorecards")
    candidate = models.CharField(max_length=150)
    candidate_email = models.EmailField(blank=True)
    interview = models.CharField(max_length=200)
    interviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    ratings = models.JSONField(default=dict)
    notes = models.TextField(blank=True)
    recommendation = models.CharField(max_length=20, blank=True)
    submitted_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["candidate", "id"]
        constraints = [models.UniqueConstraint(fields=["kit", "candidate", "interview"], name="one_scorecard_each")]

    def __str__(self) -> str:
        return f"scorecard {self.pk}: {self.candidate} / {self.interview}"
