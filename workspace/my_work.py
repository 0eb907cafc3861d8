"""My work: every task of the user, from every app, with its real date, grouped by child
(docs/rules.md, D-WORK). A task is overdue when its date has passed, due this week when it
falls in the next seven days, and later otherwise; the child whose most urgent task is
most urgent comes first."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, timedelta

from django.urls import reverse
from django.utils import timezone

from reviews.timescales import add_working_days, record_distributed_due

OVERDUE, THIS_WEEK, LATER = "overdue", "week", "later"
WHEN_LABELS = {OVERDUE: "Overdue", THIS_WEEK: "Due this week", LATER: "Later"}
WEEK_DAYS = 7


def week_end(today: date) -> date:
    """The last day "this week" covers: today and the six days after."""
    return today + timedelta(days=WEEK_DAYS - 1)


def when(due: date, today: date) -> str:
    """D-WORK: overdue, due this week (today and the six days after) or later."""
    if due < today:
        return OVERDUE
    return THIS_WEEK if due <= week_end(today) else LATER


@dataclass(frozen=True)
class Item:
    """One task: what to do, where, by when, for which child (and review)."""

    kind: (
        str  # the filter's "step": a review step's key, or allocate / event / challenge
    )
    name: str
    url: str
    due: date
    child: object
    context: str = ""  # the review or the event it belongs to
    yours: bool = False  # a challenge stage waiting for this user's response


@dataclass
class ChildWork:
    child: object
    items: list[Item] = field(default_factory=list)

    @property
    def first_due(self) -> date:
        return self.items[0].due


def review_items(tasks) -> list[Item]:
    """The review steps (reviews.worklist.my_tasks). A step with no deadline of its own
    is due by the review's date: its scheduled day, or else its due date."""
    found = []
    for task in tasks:
        review, step = task.review, task.step
        if step.due is not None:
            due = step.due.date
        elif review.scheduled_for is not None:
            due = timezone.localtime(review.scheduled_for).date()
        else:
            due = review.due_date
        found.append(
            Item(
                kind=step.key,
                name=step.name,
                url=step.url,
                due=due,
                child=review.child,
                context=f"{review.get_kind_display()}, due {review.due_date:%-d %b %Y}",
            )
        )
    return found


def event_items(events) -> list[Item]:
    return [
        Item(
            kind="event",
            name=f"Decide: {event.get_kind_display().lower()}",
            url=reverse("children:event", args=[event.pk]),
            due=event.decision_due,
            child=event.child,
            context=f"Happened {event.occurred_on:%-d %b %Y}",
        )
        for event in events
    ]


def allocation_items(waiting) -> list[Item]:
    return [
        Item(
            kind="allocate",
            name="Allocate an IRO",
            url=reverse("iro:allocate", args=[entry.child.pk]),
            due=entry.allocation.date,
            child=entry.child,
            context=f"Looked after from {entry.period.started_on:%-d %b %Y}",
        )
        for entry in waiting
    ]


def apart_items(people) -> list[Item]:
    """Someone to hear apart from the meeting (V-APART), the IRO's: by the date planned,
    or, with no plan yet, by the review's date, until their views are in."""
    found = []
    for person in people:
        review = person.review
        plan = getattr(person, "hearing_apart", None)
        if plan is not None:
            due = plan.planned_on
            name = f"Hear {person.name}: {plan.get_how_display().lower()}"
        else:
            due = (
                timezone.localtime(review.scheduled_for).date()
                if review.scheduled_for is not None
                else review.due_date
            )
            name = f"Plan how to hear {person.name} apart from the meeting"
        found.append(
            Item(
                kind="apart",
                name=name,
                url=reverse("reviews:heard", args=[review.pk]),
                due=due,
                child=review.child,
                context=f"{review.get_kind_display()}, due {review.due_date:%-d %b %Y}",
            )
        )
    return found


def later_date_items(requests) -> list[Item]:
    """Requests for a date after the due date (T23a), due by the review's due date."""
    return [
        Item(
            kind="later_date",
            name="Answer a request for a later date",
            url=reverse("reviews:later_date_decide", args=[request.review.pk]),
            due=request.review.due_date,
            child=request.review.child,
            context=f"Asked by {request.asked_by} for {request.until:%-d %b %Y}",
        )
        for request in requests
    ]


def secure_items(reviews, user) -> list[Item]:
    """Secure accommodation reviews: a chair to nominate (the service manager), or to
    hold and record (the nominated chair)."""
    found = []
    for review in reviews:
        if review.chair_id is None:
            name, url = (
                "Nominate a chair for the secure accommodation review",
                reverse("reviews:secure_nominate", args=[review.pk]),
            )
        elif review.chair_id == user.pk:
            name, url = (
                "Hold and record the secure accommodation review",
                reverse("reviews:secure_record", args=[review.pk]),
            )
        else:
            continue
        found.append(
            Item(
                kind="secure",
                name=name,
                url=url,
                due=review.due_date,
                child=review.secure_placement.child,
                context=f"Secure placement from {review.secure_placement.started_on:%-d %b %Y}",
            )
        )
    return found


def liberty_items(entries) -> list[Item]:
    """DOL-4: an order still open though the child stopped being looked after: the
    child's social worker records its end, from the day care ended
    (children.services_liberty.open_after_care)."""
    found = []
    for entry in entries:
        order, ended = entry.order, entry.care_ended_on
        found.append(
            Item(
                kind="liberty",
                name="Record the end of the deprivation of liberty order",
                url=reverse("children:liberty_edit", args=[order.pk]),
                due=ended,
                child=order.child,
                context=f"Order from {order.started_on:%-d %b %Y}; looked after "
                f"until {ended:%-d %b %Y}",
            )
        )
    return found


# D-LETTERS: an IRO's letters are due within this many working days of the allocation
# starting or ending; a farewell letter is asked for until this many days after the end.
LETTER_WORKING_DAYS = 5
FAREWELL_ASKED_DAYS = 180


def letter_items(allocations, *, farewell: bool) -> list[Item]:
    """The IRO's introduction letter and profile card (the child's IRO), or the farewell
    letter (the IRO service: the IRO whose work ended no longer sees the child)."""
    found = []
    for allocation in allocations:
        start = allocation.ended_on if farewell else allocation.started_on
        found.append(
            Item(
                kind="farewell" if farewell else "introduction",
                name="Send the farewell letter"
                if farewell
                else "Send your introduction letter and profile card",
                url=reverse("iro:letters", args=[allocation.pk]),
                due=add_working_days(start, LETTER_WORKING_DAYS),
                child=allocation.child,
                context=f"{allocation.iro}'s work "
                + (
                    f"ended {start:%-d %b %Y}"
                    if farewell
                    else f"began {start:%-d %b %Y}"
                ),
            )
        )
    return found


def amend_items(reviews, today: date) -> list[Item]:
    """A final record with someone the child now keeps something from (V1): the IRO
    amends it, today."""
    return [
        Item(
            kind="amend",
            name="Amend the record: a wish recorded since it was final",
            url=reverse("reviews:record_amend", args=[review.pk]),
            due=today,
            child=review.child,
            context=f"{review.get_kind_display()} held {review.record_date:%-d %b %Y}",
        )
        for review in reviews
    ]


def post_items(reviews, today: date) -> list[Item]:
    """Letters of the record to print, post and confirm (D-SENT): business support's,
    due by the record's deadline (T19); today, for a review with no record date."""
    return [
        Item(
            kind="post",
            name="Post the record's letters and confirm the date",
            url=reverse("documents:letters_posted", args=[review.pk]),
            due=record_distributed_due(review.record_date).date
            if review.record_date
            else today,
            child=review.child,
            context=review.get_kind_display()
            + (f" held {review.record_date:%-d %b %Y}" if review.record_date else ""),
        )
        for review in reviews
    ]


def invitation_post_items(reviews) -> list[Item]:
    """Invitation letters to print, post and confirm (D-CAL2, D-SENT): business
    support's, due the day the first of them was made
    (reviews.services.invitation_letters.reviews_with_letters_to_post)."""
    return [
        Item(
            kind="post",
            name="Post the invitation letters and confirm the date",
            url=reverse("reviews:invitation_letters_posted", args=[review.pk]),
            due=timezone.localtime(review.letters_made_at).date(),
            child=review.child,
            context=f"{review.get_kind_display()}, due {review.due_date:%-d %b %Y}",
        )
        for review in reviews
    ]


def invite_items(people) -> list[Item]:
    """People added to a review's list after its invitations went out (D-CAL2):
    business support's, due the day the IRO confirmed the list with them on it
    (reviews.services.invitations.to_invite), until their invitation is sent."""
    return [
        Item(
            kind="invite",
            name=f"Send the invitation to {person.name}",
            url=reverse("reviews:invitations", args=[person.review_id]),
            due=person.review.checklist.confirmed_on,
            child=person.review.child,
            context=f"{person.review.get_kind_display()}, due "
            f"{person.review.due_date:%-d %b %Y}",
        )
        for person in people
    ]


def challenge_items(challenges, user, today: date) -> list[Item]:
    """Open challenges on the user's desk; one with no stage due yet is for today."""
    return [
        Item(
            kind="challenge",
            name=f"Challenge: {challenge.get_category_display().lower()}",
            url=challenge.get_absolute_url(),
            due=challenge.current_due_on or today,
            child=challenge.child,
            yours=challenge.current_owner_id == user.pk,
        )
        for challenge in challenges
    ]


KIND_LABELS = {
    "allocate": "Allocate an IRO",
    "event": "Significant events to decide",
    "challenge": "Challenges",
    "later_date": "Requests for a later date",
    "secure": "Secure accommodation reviews",
    "introduction": "Introduction letters",
    "farewell": "Farewell letters",
    "amend": "Records to amend",
    "apart": "People to hear apart",
    "post": "Letters to post",
    "invite": "Invitations to send",
    "liberty": "Deprivation of liberty orders to end",
}


@dataclass(frozen=True)
class Filters:
    when: str = ""
    kind: str = ""
    child: int | None = None

    def keep(self, item: Item, today: date) -> bool:
        return (
            (not self.when or when(item.due, today) == self.when)
            and (not self.kind or item.kind == self.kind)
            and (self.child is None or item.child.pk == self.child)
        )


def counts(items: Iterable[Item], today: date) -> dict[str, int]:
    found = {OVERDUE: 0, THIS_WEEK: 0, LATER: 0}
    for item in items:
        found[when(item.due, today)] += 1
    return {**found, "all": sum(found.values())}


def by_child(items: Iterable[Item], today: date, filters: Filters) -> list[ChildWork]:
    """The filtered tasks, soonest first, in one group per child; the groups by their
    soonest task (so every child with something overdue comes first)."""
    groups: dict[int, ChildWork] = {}
    for item in sorted(items, key=lambda item: (item.due, item.name)):
        if filters.keep(item, today):
            groups.setdefault(item.child.pk, ChildWork(item.child)).items.append(item)
    return sorted(groups.values(), key=lambda group: (group.first_due, group.child.pk))


def kind_choices(items: Iterable[Item]) -> list[tuple[str, str]]:
    """The kinds of task the user has, for the filter."""
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.kind, KIND_LABELS.get(item.kind, item.name))
    return sorted(seen.items(), key=lambda pair: pair[1])


def child_choices(items: Iterable[Item]) -> list[tuple[int, str]]:
    seen = {item.child.pk: item.child.full_name for item in items}
    return sorted(seen.items(), key=lambda pair: pair[1])
