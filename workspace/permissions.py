"""The background-work page, and what the notifications page may show of a message."""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING

from django.urls import Resolver404, resolve

from accounts.models import Role, User

if TYPE_CHECKING:
    from core.models import Notification


def can_view_background_jobs(user: User) -> bool:
    """The IRO service manager and administrators see and retry background work."""
    return user.is_authenticated and user.has_role(Role.IRO_MANAGER, Role.ADMINISTRATOR)


def _scoped_pages(user: User) -> dict:
    """The pages notifications link to that are about one child: for each, the objects
    of it the user may open (the page's own queryset; anything else is a 404)."""
    from children.models import SignificantEvent
    from children.permissions import children_visible_to
    from disputes.permissions import acknowledgements_visible_to, challenges_visible_to
    from reviews.models import SecureReview
    from reviews.permissions import reviews_visible_to

    children = children_visible_to(user)
    return {
        "children:detail": lambda: children,
        "children:event": lambda: SignificantEvent.objects.filter(child__in=children),
        "reviews:detail": lambda: reviews_visible_to(user),
        "reviews:secure_detail": lambda: SecureReview.objects.filter(
            secure_placement__child__in=children
        ),
        "disputes:detail": lambda: challenges_visible_to(user),
        "disputes:acknowledgement_detail": lambda: acknowledgements_visible_to(user),
    }


def _pages_with_a_rule() -> dict:
    """The pages without an id that notifications link to and that only some may open:
    for each, the rule the page itself asks (anyone else gets a 403)."""
    from iro.permissions import can_allocate_iro

    return {"iro:queue": can_allocate_iro}


def notifications_out_of_scope(
    user: User, notifications: Iterable[Notification]
) -> set[int]:
    """The ids of those notifications whose link leads to a page about a child the
    user no longer sees (their allocation, team, cover or chair ended since).

    Such a link would be a 404 and the message names the child, so the notifications
    page shows neither. A link to a page with an id that is not one of the pages above
    counts as out of scope too (nothing says whose it is). A link to a page without an
    id that the user may not open (the allocation queue, which the Duty IRO on the rota
    is told about but only the service manager opens) is out of scope as well; other
    links to pages without an id, and messages without a link, are in scope. One query
    per kind of page.
    """
    pages = _scoped_pages(user)
    ruled = _pages_with_a_rule()
    wanted: dict[str, dict[int, list[int]]] = {}
    out: set[int] = set()
    for notification in notifications:
        if not notification.url:
            continue
        try:
            match = resolve(notification.url.split("?", 1)[0])
        except Resolver404:
            continue  # not a page of the service
        page, kwargs = match.view_name, match.kwargs
        if "child_pk" in kwargs:
            page, pk = "children:detail", kwargs["child_pk"]
        elif page in pages and "pk" in kwargs:
            pk = kwargs["pk"]
        else:
            if kwargs or (page in ruled and not ruled[page](user)):
                out.add(notification.pk)
            continue
        wanted.setdefault(page, {}).setdefault(int(pk), []).append(notification.pk)
    for page, by_pk in wanted.items():
        visible = set(
            pages[page]().filter(pk__in=list(by_pk)).values_list("pk", flat=True)
        )
        for pk, ids in by_pk.items():
            if pk not in visible:
                out.update(ids)
    return out
