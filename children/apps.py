from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "children"
    verbose_name = "Children and periods of care"
