from django.apps import AppConfig


class TeamConfig(AppConfig):
    name = "headway.team"
    label = "team"
