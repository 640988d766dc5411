from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "chainlead.governance"
    label = "governance"
