from django.apps import AppConfig


class DiscoveryConfig(AppConfig):
    name = "headway.discovery"
    label = "discovery"
    verbose_name = "Customer feedback discovery"
