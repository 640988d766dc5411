from django.apps import AppConfig


class RequestsConfig(AppConfig):
    name = "chainlead.requests"
    label = "requests"
