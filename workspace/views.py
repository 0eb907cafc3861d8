"""My work (the home page) and the search for a child: what gathers from every app."""

from datetime import timedelta

from django.db.models import Q
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from accounts.permissions import can_manage_users
from children.models import Child, SignificantEvent
from children.permissions import can_see_any_children, children_visible_to
from children.services_liberty import open_after_care
from core.forms import ChildSearchForm
from core.http import render_form_page
from disputes.selectors import open_challenges_for
from documents.delivery import reviews_with_letters_to_post
from iro.models import IroAllocation
from iro.permissions import as_iro_children, can_allocate_iro
from iro.selectors import allocation_queue
from reviews.models import Review, SecureReview
from reviews.permissions import (
    can_authorise_out_of_timescale,
    can_nominate_secure_chair,
)
from reviews.services import invitation_letters, invitations
from reviews.services.apart import plans_due_for
from reviews.services.corrections import reviews_with_wishes_since_final
from reviews.services.later_dates import requests_to_decide
from reviews.worklist import my_tasks
from ssda903.permissions import can_exchange_903
from ssda903.resubmit import stale_returns
from workspace import my_work
from workspace.forms_my_work import MyWorkFilterForm


@require_GET
def home_view(request):
    """My work: what this user has to do, and a search for a child within their scope."""
    user = request.user
    context = {
        "search_form": ChildSearchForm(),
        "can_search": can_see_any_children(user),
        "can_manage_users": can_manage_users(user),
    }
    # The user's scope is worked out once (it reads their duty cover and secure chairs).
    visible = children_visible_to(user)
    if user.has_role(Role.IRO):
        context["my_children"] = visible.filter(iro=user)[:20]
        context["my_children_heading"] = "Children you are the IRO for"
    elif user.has_role(Role.SOCIAL_WORKER):
        context["my_children"] = visible.filter(social_worker=user)[:20]
        context["my_children_heading"] = "Children you are the social worker for"
    if can_see_any_children(user):
        context["children_in_scope"] = visible.active().count()
        context.update(_my_work(request, user, timezone.localdate()))
    if can_exchange_903(user):
        # A review corrected after its year's return was exported: send it again (C2).
        context["stale_returns"] = stale_returns(today=timezone.localdate())
    return render_form_page(
        request, "workspace/home.html", context, form_key="filter_form"
    )


MY_WORK_TASKS = 50


def _my_work(request, user, today) -> dict:
    """Every task of the user from every app, with its date, grouped by child (D-WORK)."""
    items = [
        *my_work.review_items(my_tasks(user, today)),
        *my_work.event_items(_events_to_decide(user, today)),
        *my_work.challenge_items(
            open_challenges_for(user).select_related("child")[:MY_WORK_TASKS],
            user,
            today,
        ),
    ]
    context: dict = {"today": today}
    if can_allocate_iro(user):
        # A child waiting for an IRO is a task for whoever allocates (T2), from the
        # day they become looked after, until an IRO is allocated.
        waiting = allocation_queue()
        items += my_work.allocation_items(waiting)
        context["waiting_for_iro_count"] = len(waiting)
        context["waiting_overdue_count"] = sum(e.overdue(today) for e in waiting)
    if can_authorise_out_of_timescale(user):
        items += my_work.later_date_items(requests_to_decide()[:MY_WORK_TASKS])
    items += my_work.secure_items(_secure_reviews(user), user)
    items += my_work.liberty_items(
        open_after_care(Child.objects.filter(social_worker=user))[:MY_WORK_TASKS]
    )
    items += my_work.letter_items(_introductions(user), farewell=False)
    items += my_work.amend_items(_records_to_amend(user, today), today)
    items += my_work.apart_items(
        plans_due_for(Child.objects.filter(as_iro_children(user, today)))[
            :MY_WORK_TASKS
        ]
    )
    if can_allocate_iro(user):
        items += my_work.letter_items(_farewells(today), farewell=True)
    if user.has_role(Role.BUSINESS_SUPPORT):
        items += my_work.post_items(
            reviews_with_letters_to_post(children_visible_to(user))[:MY_WORK_TASKS],
            today,
        )
        items += _invitations_work(children_visible_to(user))
    form = MyWorkFilterForm(request.GET or None, items=items)
    filters = form.filters()
    groups = my_work.by_child(items, today, filters)
    return {
        **context,
        "filter_form": form,
        "filtered": filters != my_work.Filters(),
        "counts": my_work.counts(items, today),
        "groups": groups,
        "shown": sum(len(group.items) for group in groups),
        "week_end": my_work.week_end(today),
    }


def _invitations_work(children) -> list:
    """Business support's invitations after they went out (D-CAL2): people added to
    the list since, and letters to post."""
    return my_work.invite_items(
        invitations.to_invite(children)[:MY_WORK_TASKS]
    ) + my_work.invitation_post_items(
        invitation_letters.reviews_with_letters_to_post(children, now=timezone.now())[
            :MY_WORK_TASKS
        ]
    )


def _records_to_amend(user, today):
    """The user's children's final records with a wish recorded since (V1, C3)."""
    children = Child.objects.filter(as_iro_children(user, today))
    return reviews_with_wishes_since_final(
        Review.objects.filter(child__in=children).select_related("child", "record")
    )


def _introductions(user):
    return (
        IroAllocation.objects.filter(
            iro=user, ended_on__isnull=True, introduction_letter_sent_on__isnull=True
        )
        .select_related("child", "iro")
        .order_by("started_on", "pk")[:MY_WORK_TASKS]
    )


def _farewells(today):
    """Ended allocations whose farewell letter is not recorded, recent ones only
    (D-LETTERS)."""
    since = today - timedelta(days=my_work.FAREWELL_ASKED_DAYS)
    return (
        IroAllocation.objects.filter(
            ended_on__gte=since, farewell_letter_sent_on__isnull=True
        )
        .select_related("child", "iro")
        .order_by("ended_on", "pk")[:MY_WORK_TASKS]
    )


def _secure_reviews(user):
    """Planned secure accommodation reviews: without a chair, for whoever nominates
    one; the user's own, for the chair."""
    wanted = Q(chair=user)
    if can_nominate_secure_chair(user):
        wanted |= Q(chair__isnull=True)
    return (
        SecureReview.objects.filter(wanted, status=SecureReview.Status.PLANNED)
        .select_related("secure_placement__child")
        .order_by("due_date", "pk")[:MY_WORK_TASKS]
    )


def _events_to_decide(user, today):
    """Significant events waiting for the decision of the child's IRO (or the Duty IRO
    covering), soonest due first: a task, not only a notification."""
    children = Child.objects.filter(as_iro_children(user, today))
    return (
        SignificantEvent.objects.filter(child__in=children, decision="")
        .select_related("child")
        .order_by("decision_due", "pk")[:MY_WORK_TASKS]
    )


SEARCH_RESULTS_LIMIT = 50


@require_http_methods(["GET", "POST"])
def child_search_view(request):
    """Find a child by name, ID or NHS number, only among the children the user may see.

    The search is a POST so that names never appear in URLs or server logs.
    """
    form = ChildSearchForm(request.POST if request.method == "POST" else None)
    results = None
    if form.is_valid() and can_see_any_children(request.user):
        matches = children_visible_to(request.user).search(form.cleaned_data["q"])
        results = list(
            matches.select_related("team", "iro")[: SEARCH_RESULTS_LIMIT + 1]
        )
    context = {"form": form, "results": results, "limit": SEARCH_RESULTS_LIMIT}
    return render_form_page(request, "workspace/search.html", context)
