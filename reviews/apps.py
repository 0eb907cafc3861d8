from django.apps import AppConfig


class ReviewsConfig(AppConfig):
    name = "reviews"
    verbose_name = "Reviews"

    def ready(self):
        from core.reminders.sources import register_source

        register_source("reviews.reminders.review_tasks")
        register_source("reviews.reminders.progress_review_tasks")
        register_source("reviews.reminders.iro_allocation_tasks")

        from children.permissions import register_scope
        from reviews.permissions import secure_chair_scope

        # The chair sees the child and the panel's papers, not the case record.
        register_scope(secure_chair_scope, case_record=False)
