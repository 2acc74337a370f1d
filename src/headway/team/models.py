"""People of the product organisation and their partners, with the reporting line between them.

People need not be users: ``user`` links a person to their login when they have one.
"""

from __future__ import annotations

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
