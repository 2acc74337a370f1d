from django.apps import AppConfig


class AnalyticsConfig(AppConfig):
    name = "headway.analytics"
    label = "analytics"

    def ready(self) -> None:
        from headway.analytics import checks  # noqa: F401  (adds the events store to `headway doctor`)
