from django.conf import settings
from django.urls import reverse

from accounts.permissions import (
    can_exchange_903,
    can_manage_users,
    can_nominate_secure_chair,
    can_see_any_children,
    can_see_challenges,
    can_view_background_jobs,
    can_view_iro_dashboard,
    can_view_review_diary,
    can_view_service_dashboard,
)
from workspace.inbox import unread_count


def service(request):
    """Give every template the service's name and the navigation for the user's roles."""
    return {
        "service_name": settings.SERVICE_NAME,
        "council_name": settings.COUNCIL_NAME,
        "nav_items": _nav_items(request),
        "unread_notifications": _unread(request),
    }


def _unread(request) -> int:
    user = getattr(request, "user", None)
    return unread_count(user) if user is not None else 0


def _nav_items(request) -> list[dict]:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return []
    items = [("My work", reverse("workspace:home"))]
    if can_see_any_children(user):
        items.append(("Children", reverse("children:list")))
    if can_see_challenges(user):
        items.append(("Challenges", reverse("disputes:mine")))
    if can_exchange_903(user):
        items.append(("Import and export", reverse("ssda903:import")))
    if can_nominate_secure_chair(user):
        items.append(("Allocation", reverse("iro:queue")))
        items.append(("Secure reviews", reverse("reviews:secure_list")))
    if can_view_service_dashboard(user):
        items.append(("Dashboard", reverse("dashboard:service")))
    if can_view_iro_dashboard(user):
        items.append(("My dashboard", reverse("dashboard:iro")))
    if can_view_review_diary(user) and not can_nominate_secure_chair(user):
        items.append(("Review diary", reverse("reviews:diary")))
    items.append(("Timescales", reverse("reviews:timescales")))
    if can_manage_users(user):
        items.append(("Users and settings", reverse("admin:index")))
    if can_view_background_jobs(user):
        items.append(("Background work", reverse("workspace:jobs")))
    return [
        {"label": label, "url": url, "current": _is_current(request.path, url)}
        for label, url in items
    ]


def _is_current(path: str, url: str) -> bool:
    return path == url if url == "/" else path.startswith(url)
