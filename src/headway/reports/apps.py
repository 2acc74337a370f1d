from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "headway.reports"
    label = "reports"
    verbose_name = "Reports and deliveries"

    def ready(self) -> None:
        from headway.reports import receivers, tasks  # noqa: F401  (alert listener, job handlers, schedules)
