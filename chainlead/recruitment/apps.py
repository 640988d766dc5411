from django.apps import AppConfig


class RecruitmentConfig(AppConfig):
    name = "chainlead.recruitment"
    label = "recruitment"
