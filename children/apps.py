from django.apps import AppConfig


class ChildrenConfig(AppConfig):
    name = "children"
    verbose_name = "Children and periods of care"

    def ready(self):
        from core.audit_subject import register_subject_finder

        from .downloads import register_downloads
        from .records import child_pk_of

        register_subject_finder(child_pk_of)
        register_downloads()
