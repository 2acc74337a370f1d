from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "headway.core"
    label = "core"
    verbose_name = "Headway core"

    def ready(self) -> None:
        # Each app's tasks.py registers its job handlers and schedules (headway.core.jobs / .schedules).
        from django.utils.module_loading import autodiscover_modules

        autodiscover_modules("tasks")
