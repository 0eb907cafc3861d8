"""Invitation letters in the post (docs/rules.md, D-CAL2, D-SENT).

A person invited by letter is sent each version of their invitation as a letter:
the first, an update saying it replaces the one before, the review's cancellation,
or the withdrawal of their own invitation. Business support prints it from the
invitations page (documents.views.invitation_letter_view) and posts it; it counts as
sent on the day they say it was posted, as the record's letters do. Only a person's
latest version waits, and only until the day of the meeting it is about has passed:
a letter the next version replaced, or one about a meeting already past, is not
posted.
"""

from datetime import date, datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, QuerySet, Subquery

from accounts.models import User
from core import dates
from reviews.models import Invitation, Invitee, Review
from reviews.services._base import lock, record_event
from reviews.services.invitations import posting_ends_before


def _waiting(now: datetime) -> QuerySet[Invitation]:
    """Every latest version by letter not yet posted, about a meeting whose day has
    not passed (invitations.waits_for_post, for one version)."""
    later = Invitation.objects.filter(
        invitee=OuterRef("invitee"), sequence__gt=OuterRef("sequence")
    )
    return Invitation.objects.filter(
        ~Exists(later),
        method=Invitee.Method.LETTER,
        posted_on__isnull=True,
        scheduled_for__gte=posting_ends_before(now),
    )


def letters_to_post(review: Review, *, now: datetime) -> QuerySet[Invitation]:
    """The review's invitation letters to print and post, in the order to post."""
    return (
        _waiting(now)
        .filter(review=review)
        .select_related("invitee")
        .order_by("invitee__name", "pk")
    )


def reviews_with_letters_to_post(children, *, now: datetime) -> QuerySet[Review]:
    """Reviews of these children with invitation letters waiting to be posted:
    business support's task on My work, due the day the first of them was made (a
    letter that waits is someone who does not know), annotated `letters_made_at`."""
    first_made = (
        _waiting(now)
        .filter(review=OuterRef("pk"))
        .order_by("sent_at")
        .values("sent_at")[:1]
    )
    return (
        Review.objects.filter(child__in=children)
        .annotate(letters_made_at=Subquery(first_made))
        .filter(letters_made_at__isnull=False)
        .select_related("child")
        .order_by("letters_made_at", "pk")
    )


@transaction.atomic
def letters_posted(
    *,
    review: Review,
    by: User,
    posted_on: date,
    letters: list[Invitation],
    today: date,
    now: datetime,
) -> int:
    """Business support confirms the day these invitation letters were posted
    (D-SENT): not in the future, and not before the letter was made. Only letters
    still waiting are changed (a letter the next version replaced meanwhile is not)."""
    review = lock(review)
    if not letters:
        raise ValidationError({"letters": "Select the letters that were posted"})
    earliest = min(letter.sent_at for letter in letters).date()
    problems = dates.problems(
        {
            "posted_on": (
                "Date the letters were posted",
                posted_on,
                dates.happened(
                    today=today, born=earliest, since="the day the letters were made"
                ),
            )
        }
    )
    if problems:
        raise ValidationError(problems)
    chosen = [letter.pk for letter in letters if letter.review_id == review.pk]
    posted = 0
    for letter in letters_to_post(review, now=now).filter(pk__in=chosen):
        letter.posted_on, letter.posted_by = posted_on, by
        letter.save(update_fields=["posted_on", "posted_by", "updated_at"])
        posted += 1
    if posted:
        record_event(
            review,
            action="invitation_letters_posted",
            by=by,
            note=f"{posted} {'letter' if posted == 1 else 'letters'} posted on "
            f"{posted_on:%-d %B %Y}",
        )
    return posted
