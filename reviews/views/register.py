import csv
import io

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role
from children.duplicates import Matches, possible_duplicates, record_check
from children.forms import (
    AuditFilterForm,
    ChildCreateForm,
    ChildDetailsForm,
    ChildFilterForm,
    EpisodeForm,
    PathwayForm,
    PeriodEndForm,
    PeriodForm,
    PeriodStartForm,
    Post18Form,
    SecurePlacementForm,
    SharingRestrictionEndForm,
    SharingRestrictionForm,
)
from children.forms_events import EventDecisionForm, EventForm, WithdrawEventForm
from children.models import (
    NHS_NUMBER_TAKEN,
    Child,
    Episode,
    Pathway,
    PeriodOfCare,
    SignificantEvent,
)
from children.permissions import (
    can_edit_child,
    can_read_case_record,
    can_record_significant_event,
    can_see_any_children,
    can_view_child_audit,
    children_visible_to,
    visible_child_or_404,
)
from children.records import (
    audit_people,
    audit_trail,
    audit_trail_rows,
    entry_details,
    entry_what,
    entry_who,
)
from children.services import (
    EDITABLE_CHILD_FIELDS,
    child_update,
    episode_add,
    episode_update,
    pathway_update,
    period_update,
    post18_involvement_authorise,
    secure_placement_record,
    sharing_restriction_end,
    sharing_restriction_record,
    social_worker_allocate,
)
from children.services_liberty import child_flags
from core.audit import showing
from core.exceptions import EditConflict
from core.http import render_form_page
from iro.permissions import (
    can_allocate_iro,
    can_decide_significant_event,
    can_record_iro_letter,
)
from reviews import register_selectors as selectors
from reviews import timescales
from reviews.services import events as event_services
from reviews.services.register import child_register, period_end, period_start
from reviews.services.secure import secure_placement_change

PAGE_SIZE = 25


@require_GET
def child_list_view(request):
    if not can_see_any_children(request.user):
        raise PermissionDenied
    form = ChildFilterForm(request.GET or None)
    filters = form.cleaned_data if form.is_valid() else {}
    children = selectors.filter_children(
        children_visible_to(request.user).select_related(
            "team", "iro", "social_worker"
        ),
        filters,
        today=timezone.localdate(),
    )
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "page": page,
        "filter_form": form,
        "query": query.urlencode(),
        "today": timezone.localdate(),
        "can_create": _can_create(request.user),
        "to_complete": children_visible_to(request.user)
        .filter(details_to_complete=True)
        .count()
        if can_allocate_iro(request.user)
        else 0,
    }
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "children/child_list.html", context, status=status)


def _can_create(user) -> bool:
    return user.has_role(Role.SOCIAL_WORKER, Role.TEAM_MANAGER, Role.IRO_MANAGER)


@require_GET
def child_to_complete_view(request):
    """Children imported without names or workers, for the service manager to complete."""
    if not can_allocate_iro(request.user):
        raise PermissionDenied
    children = children_visible_to(request.user).filter(details_to_complete=True)
    page = Paginator(children, PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "children/to_complete.html", {"page": page})


@require_GET
def child_detail_view(request, pk):
    child = visible_child_or_404(
        request.user, pk, select_related=("team", "iro", "social_worker")
    )
    showing(request, child)
    today = timezone.localdate()
    case = can_read_case_record(request.user, child)
    # Each of the child's records is read once, for the summary, the tables and the
    # timeline alike.
    periods = list(child.periods_of_care.prefetch_related("episodes"))
    period = next((p for p in periods if p.ended_on is None), None)
    episodes = list(period.episodes.all()) if period else []
    episode = episodes[-1] if episodes else None  # the latest by start, then id
    reviews = list(child.reviews.all())
    allocations = list(child.iro_allocations.select_related("iro"))
    events = list(child.significant_events.all()) if case else []
    pathway = Pathway.objects.filter(child=child).first()
    eighteenth = timescales.add_months(child.date_of_birth, 216)
    context = {
        "child": child,
        "today": today,
        "period": period,
        "episode": episode,
        "periods": periods,
        "next_review": selectors.next_review(period, today=today, reviews=reviews),
        "timeline": selectors.timeline(
            child,
            with_case_events=case,
            periods=periods,
            reviews=reviews,
            allocations=allocations,
            events=events,
        ),
        "iro_history": allocations,
        # The allocations whose "Record a letter" link the user is shown.
        "may_record_letter": {
            a.pk for a in allocations if can_record_iro_letter(request.user, a)
        },
        "pathway": pathway,
        "eighteenth": eighteenth,
        "turns_18_soon": period is not None and 0 <= (eighteenth - today).days <= 92,
        "secure_placements": child.secure_placements.all(),
        # DOL-3 to DOL-5: the orders, and what to check about them.
        "liberty_orders": child.liberty_orders.all(),
        "liberty_flags": child_flags(child),
        "restrictions": child.parent_sharing_restrictions.filter(ended_on__isnull=True)
        if case
        else [],
        "events": events,
        "can_read_case_record": case,
        "can_edit": can_edit_child(request.user, child),
        "can_allocate": can_allocate_iro(request.user),
        "can_record_event": period is not None
        and can_record_significant_event(request.user, child),
        "can_view_audit": can_view_child_audit(request.user),
    }
    return render(request, "children/child_detail.html", context)


def _shown_child(request, pk) -> Child:
    """The child in the user's scope (404 otherwise), shown by this page (core.audit)."""
    child = get_object_or_404(children_visible_to(request.user), pk=pk)
    showing(request, child)
    return child


def _editable_child(request, pk):
    child = _shown_child(request, pk)
    if not can_edit_child(request.user, child):
        raise PermissionDenied
    return child


def _duplicates_of(
    request, data: dict, *, child: Child | None = None, held: str | None = None
) -> Matches:
    """The register's check (ID-DUP), recorded on each match: a new child against
    every other, by NHS number or name and date of birth; a change to a child's
    details, by a new NHS number only (`held`: the one recorded before the change)."""
    if child is None:
        matches = possible_duplicates(
            request.user,
            nhs_number=data.get("nhs_number"),
            first_name=data["first_name"],
            last_name=data["last_name"],
            date_of_birth=data["date_of_birth"],
        )
    elif data["nhs_number"] and data["nhs_number"] != held:
        matches = possible_duplicates(
            request.user,
            nhs_number=data["nhs_number"],
            first_name="",
            last_name="",
            date_of_birth=None,
            other_than=child,
        )
    else:
        return Matches()
    if matches:
        record_check(
            request, matches, doing="being changed" if child else "being added"
        )
    return matches


@require_http_methods(["GET", "POST"])
def child_create_view(request):
    """A new child: details, the first period of care and its first episode.

    The child is first checked against the whole register (ID-DUP).
    """
    if not _can_create(request.user):
        raise PermissionDenied
    form = ChildCreateForm(
        request.POST or None,
        user=request.user,
        confirming="checked_against" in request.POST,
    )
    matches = Matches()
    # Checked as soon as who the child is can be read, whatever else is still to put
    # right, so that a child already recorded is seen first.
    if form.is_bound:
        form.is_valid()  # cleaned_data then holds every field that is valid
        data = form.cleaned_data
        if all(data.get(f) for f in ("first_name", "last_name", "date_of_birth")):
            matches = _duplicates_of(request, data)
            form.refuse_duplicates(matches)
    if form.is_valid():
        data = form.cleaned_data
        details = {
            f: data[f]
            for f in EDITABLE_CHILD_FIELDS
            if f
            not in ("first_name", "last_name", "preferred_name", "date_of_birth", "sex")
        }
        try:
            child = child_register(
                child_id=data["child_id"],
                first_name=data["first_name"],
                last_name=data["last_name"],
                preferred_name=data["preferred_name"],
                date_of_birth=data["date_of_birth"],
                sex=data["sex"],
                looked_after_on=data["looked_after_on"],
                details=details,
                first_episode={f: data[f] for f in ChildCreateForm.EPISODE_FIELDS},
                by=request.user,
            )
            if data["team"] and data["social_worker"]:
                social_worker_allocate(
                    child=child,
                    social_worker=data["social_worker"],
                    team=data["team"],
                    on=data["looked_after_on"],
                    by=request.user,
                )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{child.full_name} has been added.")
            return redirect(child)
    return render_form_page(
        request, "children/child_create.html", {"form": form, "matches": matches}
    )


@require_http_methods(["GET", "POST"])
def child_edit_view(request, pk):
    child = _editable_child(request, pk)
    held = child.nhs_number  # the form writes what was typed onto `child`
    form = ChildDetailsForm(request.POST or None, instance=child)
    # No two children share an NHS number (ID-DUP).
    if form.is_valid() and _duplicates_of(
        request, form.cleaned_data, child=child, held=held
    ):
        form.add_error("nhs_number", NHS_NUMBER_TAKEN)
    if form.is_valid():
        changes = {f: form.cleaned_data[f] for f in ChildDetailsForm.Meta.fields}
        try:
            child_update(
                child=child,
                by=request.user,
                expected_version=form.cleaned_data["version"],
                **changes,
            )
        except EditConflict as conflict:
            return render(
                request,
                "core/conflict.html",
                {
                    "form": form,
                    "current": conflict.current,
                    "back": child.get_absolute_url(),
                },
                status=409,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"{child.full_name}'s details have been saved.")
            return redirect(child)
    return render_form_page(
        request, "children/child_form.html", {"form": form, "child": child}
    )


def _form_page(request, child, form, title, action, template="children/form_page.html"):
    """Run `action(cleaned_data)`; on success go back to the child, else 400 with errors."""
    if form.is_bound and form.is_valid():
        try:
            result = action(form.cleaned_data)
        except ValidationError as error:
            form.add_error(None, error)
        else:
            for warning in result if isinstance(result, list) else []:
                messages.warning(request, warning)
            messages.success(request, f"{title}: saved.")
            return redirect(child)
    return render_form_page(
        request, template, {"form": form, "child": child, "title": title}
    )


@require_http_methods(["GET", "POST"])
def episode_add_view(request, pk):
    child = _editable_child(request, pk)
    period = child.open_period()
    if period is None:
        raise PermissionDenied
    current = period.current_episode()
    initial = {}
    if current is not None:
        initial = {
            f: getattr(current, f)
            for f in (
                "legal_status",
                "category_of_need",
                "placement",
                "placement_provider",
                "home_postcode",
                "placement_postcode",
                "urn",
            )
        }
    form = EpisodeForm(request.POST or None, initial=initial, adding=True)
    return _form_page(
        request,
        child,
        form,
        "Record a change of legal status or placement",
        lambda data: episode_add(period=period, by=request.user, **data),
    )


@require_http_methods(["GET", "POST"])
def episode_edit_view(request, pk):
    episode = get_object_or_404(
        Episode.objects.filter(period__child__in=children_visible_to(request.user)),
        pk=pk,
    )
    child = _editable_child(request, episode.period.child_id)
    showing(request, episode)
    form = EpisodeForm(request.POST or None, instance=episode)
    return _form_page(
        request,
        child,
        form,
        "Correct an episode",
        lambda data: episode_update(episode=episode, by=request.user, **data),
    )


@require_http_methods(["GET", "POST"])
def period_edit_view(request, pk):
    period = get_object_or_404(
        PeriodOfCare.objects.filter(child__in=children_visible_to(request.user)), pk=pk
    )
    child = _editable_child(request, period.child_id)
    showing(request, period)
    form = PeriodForm(request.POST or None, instance=period)
    return _form_page(
        request,
        child,
        form,
        "Period of care and adoption dates",
        lambda data: period_update(period=period, by=request.user, **data),
    )


@require_http_methods(["GET", "POST"])
def period_end_view(request, pk):
    """The child ceases to be looked after: returns home, adopted, 18, transferred."""
    child = _editable_child(request, pk)
    period = child.open_period()
    if period is None:
        raise PermissionDenied
    form = PeriodEndForm(request.POST or None)
    return _form_page(
        request,
        child,
        form,
        "End this period of care",
        lambda data: period_end(
            period=period,
            ended_on=data["ended_on"],
            reason=data["reason"],
            by=request.user,
            today=timezone.localdate(),
        ),
    )


@require_http_methods(["GET", "POST"])
def period_start_view(request, pk):
    """The child re-enters care: a new period, a new first review, the IRO queue."""
    child = _editable_child(request, pk)
    if child.open_period() is not None:
        raise PermissionDenied
    form = PeriodStartForm(request.POST or None)

    def start(data):
        episode = {
            f: data[f]
            for f in (
                "legal_status",
                "category_of_need",
                "placement",
                "placement_provider",
            )
        }
        return period_start(
            child=child, started_on=data["started_on"], episode=episode, by=request.user
        )

    return _form_page(request, child, form, "Start a new period of care", start)


@require_http_methods(["GET", "POST"])
def secure_placement_add_view(request, pk):
    child = _editable_child(request, pk)
    form = SecurePlacementForm(request.POST or None)
    return _form_page(
        request,
        child,
        form,
        "Record a secure placement",
        lambda data: secure_placement_record(child=child, by=request.user, **data),
    )


@require_http_methods(["GET", "POST"])
def secure_placement_edit_view(request, pk, placement_pk):
    child = _editable_child(request, pk)
    placement = get_object_or_404(child.secure_placements, pk=placement_pk)
    showing(request, placement)
    form = SecurePlacementForm(request.POST or None, instance=placement)
    return _form_page(
        request,
        child,
        form,
        "Change the secure placement",
        lambda data: secure_placement_change(
            placement=placement, by=request.user, today=timezone.localdate(), **data
        ),
    )


@require_http_methods(["GET", "POST"])
def pathway_edit_view(request, pk):
    child = _editable_child(request, pk)
    pathway = Pathway.objects.filter(child=child).first() or Pathway(child=child)
    form = PathwayForm(request.POST or None, instance=pathway)
    return _form_page(
        request,
        child,
        form,
        "Pathway",
        lambda data: pathway_update(child=child, by=request.user, **data),
    )


@require_http_methods(["GET", "POST"])
def post18_view(request, pk):
    """The service manager authorises the IRO's involvement after 18, until a date (T29)."""
    child = _shown_child(request, pk)
    if not can_allocate_iro(request.user):
        raise PermissionDenied
    form = Post18Form(request.POST or None)
    return _form_page(
        request,
        child,
        form,
        "Authorise IRO involvement after 18",
        lambda data: post18_involvement_authorise(
            child=child, until=data["until"], by=request.user
        ),
    )


def _sharing_editable_child(request, pk) -> Child:
    """The child, if the user may both read the case record and change the child."""
    child = _shown_child(request, pk)
    if not (
        can_read_case_record(request.user, child)
        and can_edit_child(request.user, child)
    ):
        raise PermissionDenied
    return child


@require_http_methods(["GET", "POST"])
def sharing_restriction_add_view(request, pk):
    child = _sharing_editable_child(request, pk)
    form = SharingRestrictionForm(request.POST or None)
    return _form_page(
        request,
        child,
        form,
        "What the child does not want shared",
        lambda data: sharing_restriction_record(child=child, by=request.user, **data),
    )


@require_http_methods(["GET", "POST"])
def event_add_view(request, pk):
    """The social worker tells the IRO about a significant event (CPPCR reg. 33(3))."""
    child = _shown_child(request, pk)
    if not can_record_significant_event(request.user, child):
        raise PermissionDenied
    form = EventForm(request.POST or None)
    if form.is_valid():
        try:
            event = event_services.significant_event_record(
                child=child,
                by=request.user,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                f"The IRO has been told. Their decision is due by "
                f"{timescales.long_date(event.decision_due)}.",
            )
            return redirect(child)
    return render_form_page(
        request, "children/event_form.html", {"form": form, "child": child}
    )


@require_http_methods(["GET", "POST"])
def event_edit_view(request, pk):
    """C1: whoever tells the IRO about events corrects one the IRO has not decided on."""
    event, child = _undecided_event(request, pk)
    initial = {
        name: getattr(event, name)
        for name in ("kind", "occurred_on", "stated_date", "description")
    }
    form = EventForm(request.POST or None, initial=initial)
    if form.is_valid():
        try:
            event_services.significant_event_correct(
                event=event,
                by=request.user,
                today=timezone.localdate(),
                **form.cleaned_data,
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The event is corrected. The IRO is told.")
            return redirect(event)
    context = {"form": form, "child": child, "event": event, "correcting": True}
    return render_form_page(request, "children/event_form.html", context)


@require_http_methods(["GET", "POST"])
def event_withdraw_view(request, pk):
    """C1: whoever tells the IRO about events withdraws one recorded by mistake,
    before the IRO decides."""
    event, child = _undecided_event(request, pk)
    form = WithdrawEventForm(request.POST or None)
    if form.is_valid():
        try:
            event_services.significant_event_withdraw(
                event=event,
                by=request.user,
                today=timezone.localdate(),
                reason=form.cleaned_data["reason"],
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "The event is withdrawn. The IRO is told.")
            return redirect(child)
    context = {"form": form, "child": child, "event": event}
    return render_form_page(request, "children/event_withdraw.html", context)


def _undecided_event(request, pk) -> tuple[SignificantEvent, Child]:
    """An event the user may correct or withdraw: in scope, and theirs to tell."""
    event = get_object_or_404(
        SignificantEvent.objects.filter(
            child__in=children_visible_to(request.user)
        ).select_related("child"),
        pk=pk,
    )
    if not can_record_significant_event(request.user, event.child):
        raise PermissionDenied
    showing(request, event)
    return event, event.child


@require_http_methods(["GET", "POST"])
def event_detail_view(request, pk):
    """One significant event; the IRO records their decision here."""
    event = get_object_or_404(
        SignificantEvent.objects.filter(
            child__in=children_visible_to(request.user)
        ).select_related("child", "recorded_by", "decided_by", "review"),
        pk=pk,
    )
    if not can_read_case_record(request.user, event.child):
        raise PermissionDenied
    showing(request, event)
    may_decide = not event.decision and can_decide_significant_event(
        request.user, event.child
    )
    form = None
    if may_decide:
        initial = {"review_by": event.additional_review_by}
        if event.is_statutory:
            initial["decision"] = SignificantEvent.Decision.ADDITIONAL_REVIEW
        form = EventDecisionForm(request.POST or None, initial=initial, event=event)
        if form.is_valid():
            try:
                event_services.significant_event_decide(
                    event=event,
                    by=request.user,
                    today=timezone.localdate(),
                    **form.cleaned_data,
                )
            except ValidationError as error:
                form.add_error(None, error)
            else:
                messages.success(request, "Your decision has been recorded.")
                return redirect(event.child)
    elif request.method == "POST":
        raise PermissionDenied
    context = {
        "event": event,
        "child": event.child,
        "form": form,
        "today": timezone.localdate(),
        # C1: correctable until the IRO decides, by whoever tells the IRO of events.
        "may_correct": not event.decision
        and can_record_significant_event(request.user, event.child),
    }
    return render_form_page(request, "children/event_detail.html", context)


@require_GET
def child_audit_view(request, pk):
    """Who viewed or changed this child's record, newest first; filtered and exported
    as a spreadsheet for a subject-access request or a complaint investigation."""
    child = _shown_child(request, pk)
    if not can_view_child_audit(request.user):
        raise PermissionDenied
    form = AuditFilterForm(request.GET or None, people=audit_people(child))
    filters = form.cleaned_data if form.is_bound and form.is_valid() else {}
    entries = audit_trail(
        child,
        person=filters.get("person"),
        since=filters.get("since"),
        until=filters.get("until"),
        kind=filters.get("kind", ""),
    )
    if request.GET.get("format") == "csv" and not form.errors:
        return _audit_csv(request, child, entries)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("format", None)
    context = {
        "child": child,
        "form": form,
        "page": page,
        "rows": [
            (entry, entry_who(entry), entry_what(entry), entry_details(entry))
            for entry in page
        ],
        "query": query.urlencode(),
    }
    return render_form_page(request, "children/child_audit.html", context)


def _audit_csv(request, child: Child, entries) -> HttpResponse:
    showing(request, child, what="who viewed or changed, as a spreadsheet")
    buffer = io.StringIO()
    csv.writer(buffer).writerows(audit_trail_rows(entries))
    response = HttpResponse(buffer.getvalue(), content_type="text/csv; charset=utf-8")
    day = timezone.localdate().isoformat()
    response["Content-Disposition"] = (
        f'attachment; filename="child-{child.pk}-audit-trail-{day}.csv"'
    )
    return response


@require_http_methods(["GET", "POST"])
def sharing_restriction_end_view(request, pk, restriction_pk):
    child = _sharing_editable_child(request, pk)
    restriction = get_object_or_404(
        child.parent_sharing_restrictions.filter(ended_on__isnull=True),
        pk=restriction_pk,
    )
    showing(request, restriction)
    form = SharingRestrictionEndForm(request.POST or None)
    return _form_page(
        request,
        child,
        form,
        f"Share with {restriction.person} again",
        lambda data: sharing_restriction_end(
            restriction=restriction, by=request.user, **data
        ),
    )
