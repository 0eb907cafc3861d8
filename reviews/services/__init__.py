"""Every write to reviews goes through these services (one per verb)."""

from reviews.services.planning import review_plan_next, reviews_held_dates

__all__ = ["review_plan_next", "reviews_held_dates"]
