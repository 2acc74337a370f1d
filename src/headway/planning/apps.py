from django.apps import AppConfig


class PlanningConfig(AppConfig):
    name = "headway.planning"
    label = "planning"
    verbose_name = "Decisions and roadmap"

    def ready(self) -> None:
        """Listen to the apps planning reacts to (discovery's demand for ideas)."""
        from headway.planning import receivers

        receivers.connect()
