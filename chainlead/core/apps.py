from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "chainlead.core"
    label = "core"
