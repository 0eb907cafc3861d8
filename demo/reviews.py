"""Review histories for `seed_demo`: each demo child's reviews held so far (idempotent).

Each child's reviews follow the statutory rhythm from the day they became looked after,
as an IRO service really holds them: most a few days early, about one in eight late.
The last review is left planned with its due date from the engine, so My work, the
dashboards and the annual report show real figures. A child already with a held review
is left alone, so running the seed again adds nothing.
"""

import random
from datetime import date, timedelta

from django.db import transaction

from accounts.models import User
from children.models import Child
from reviews import timescales
from reviews.models import (
    ChildContact,
    Decision,
    FeedbackResponse,
    Review,
    ReviewEvent,
)
from reviews.services import review_plan_next

PARTICIPATION = ["PN1"] * 5 + ["PN2", "PN3", "PN4", "PN5", "PN6", "PN6", "PN7"]
# Leave this many days before today unheld, so some reviews are coming up and a few overdue.
KEEP_OPEN_MARGIN = 12
OVERDUE_MARGIN = 70


@transaction.atomic
def seed_review_histories(users: dict[str, User], *, today: date) -> int:
    """Hold each demo child's past reviews; return how many reviews were recorded."""
    rng = random.Random(903)  # noqa: S311 - fictional data, not security
    held = 0
    children = Child.objects.filter(child_id__startswith="DEMO").order_by("child_id")
    for child in children:
        period = child.periods_of_care.filter(ended_on__isnull=True).first()
        if period is None or getattr(period, "short_breaks", False):
            continue
        if period.reviews.held().exists():
            continue
        held += _hold_past_reviews(child, period, users, today=today, rng=rng)
    return held


def _hold_past_reviews(child, period, users, *, today: date, rng: random.Random) -> int:
    iro = child.iro or users["iro1"]
    # About one child in six has a review that slipped past its due date.
    margin = OVERDUE_MARGIN if rng.random() < 0.17 else KEEP_OPEN_MARGIN
    count = 0
    while True:
        review = review_plan_next(period=period, by=None)
        if review is None or review.due_date > today - timedelta(days=margin):
            return count
        late = rng.random() < 0.12
        offset = rng.randint(1, 15) if late else -rng.randint(0, 10)
        on = max(
            review.due_date + timedelta(days=offset),
            period.started_on + timedelta(days=1),
        )
        if on >= today:
            return count
        _record(review, child, iro, on, rng)
        count += 1


def _record(review: Review, child, iro, on: date, rng: random.Random) -> None:
    pn0 = timescales.participation_pn0_required(child.date_of_birth, on)
    age = (on - child.date_of_birth).days // 365
    chaired = "iro"
    if age >= 11 and rng.random() < 0.25:
        chaired = rng.choice(["child", "co_chaired"])
    review.status = Review.Status.CLOSED
    review.record_date = on
    review.completed_date = on
    review.participation = "PN0" if pn0 else rng.choice(PARTICIPATION)
    review.chaired_by = chaired
    review.scheduled_for = None
    review.save()
    ReviewEvent.objects.create(
        review=review,
        from_status="planned",
        to_status="closed",
        action="held (demo history)",
        by=iro,
    )
    ChildContact.objects.create(
        child=child,
        review=review,
        iro=iro,
        on=on - timedelta(days=rng.randint(3, 12)),
        how=rng.choice(["visit", "visit", "phone", "video"]),
        alone=rng.choice(["yes", "yes", "no"]),
    )
    Decision.objects.create(
        review=review,
        what="Keep the current placement and review contact with family",
        child_wording="You will keep living where you are, and we will look at seeing your family",
        owner_name=(
            child.social_worker.get_full_name()
            if child.social_worker
            else "The social worker"
        ),
        owner_role="sw",
        due_date=on + timedelta(days=60),
        success_measure="Contact plan agreed",
        status=rng.choice(["achieved", "achieved", "partly", "open"]),
    )
    if rng.random() < 0.6:
        FeedbackResponse.objects.create(
            review=review,
            respondent_role=rng.choice(["child", "parent", "carer"]),
            satisfied=rng.random() < 0.85,
            felt_listened_to=rng.random() < 0.8,
        )
