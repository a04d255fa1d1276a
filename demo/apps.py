from django.apps import AppConfig


class DemoConfig(AppConfig):
    """Demo and load data: composes every app's services, so it sits above them all."""

    name = "demo"
    verbose_name = "Demo data"
