from django.apps import AppConfig


class DisputesConfig(AppConfig):
    name = "disputes"
    verbose_name = "Challenges and disputes"

    def ready(self):
        from core.reminders.sources import register_source

        register_source("disputes.reminders.challenge_stage_tasks")

        from disputes.selectors import challenges_closed_since
        from reviews.selectors import register_closed_challenges

        register_closed_challenges(challenges_closed_since)
