from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "core"
    verbose_name = "Core plumbing"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from core.middleware import stamp_signed_in_session

        user_logged_in.connect(
            stamp_signed_in_session, dispatch_uid="core_session_stamp"
        )
