from collections.abc import Callable

from django.conf import settings
from django.urls import reverse

from accounts.permissions import can_manage_users
from children.permissions import can_see_any_children
from disputes.permissions import can_see_challenges
from reviews.permissions import can_nominate_secure_chair, can_view_review_diary
from ssda903.permissions import can_exchange_903
from workspace.inbox import unread_count
from workspace.permissions import can_view_background_jobs

# Links to the pages of apps above workspace (reporting's dashboards), each with the
# rule that shows it, registered from their AppConfig.ready().
_registered_items: list[tuple[str, str, Callable]] = []


def register_nav_item(label: str, url_name: str, allowed: Callable) -> None:
    """Add a link to the navigation, shown to the users `allowed(user)` accepts."""
    if (label, url_name, allowed) not in _registered_items:
        _registered_items.append((label, url_name, allowed))


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
    for label, url_name, allowed in _registered_items:
        if allowed(user):
            items.append((label, reverse(url_name)))
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
