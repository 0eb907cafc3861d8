from django.apps import AppConfig


class IroConfig(AppConfig):
    name = "iro"
    verbose_name = "IRO allocation"

    def ready(self):
        from children.permissions import register_scope
        from iro.permissions import duty_cover_scope

        register_scope(duty_cover_scope)
