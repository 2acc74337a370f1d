from django.apps import AppConfig


class ImpactConfig(AppConfig):
    name = "headway.impact"
    label = "impact"
    verbose_name = "Impact"
