"""django-q2 entry points of the reviews: read "today", call the service."""

from django.utils import timezone


def recompute_timeliness() -> str:
    """Nightly: every open review's due date from the engine, and its RAG status."""
    from reviews.timeliness import timeliness_recompute

    return str(timeliness_recompute(today=timezone.localdate()))
