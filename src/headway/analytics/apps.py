from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "headway.analytics"
    label = "analytics"
