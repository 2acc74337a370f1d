from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "headway.planning"
    label = "planning"
    verbose_name = "Decisions and roadmap"
