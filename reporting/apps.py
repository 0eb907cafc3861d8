from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "reporting"
    verbose_name = "Reporting"

    def ready(self):
        from reporting.downloads import register_downloads
        from reporting.permissions import (
            can_view_iro_dashboard,
            can_view_service_dashboard,
        )
        from workspace.context_processors import register_nav_item

        register_downloads()

        register_nav_item("Dashboard", "dashboard:service", can_view_service_dashboard)
        register_nav_item("My dashboard", "dashboard:iro", can_view_iro_dashboard)
