"""What the child does not want shared, and with whom: one answer for every reader.

The child's wishes are recorded in two places:
- on the child's page (children.ParentSharingRestriction): standing wishes about a
  named person or about everyone of a kind (parents, carers, professionals, everyone),
  until they are ended;
- on a review (reviews.SharingRestriction): a wish for this review about one person on
  its list, from the child's Review Choices or the meeting.

`restrictions_at(review)` turns both into one list of (person on the review's list,
what they must not be told, where it was recorded). Everything that decides what a
person receives asks here: who gets a copy of their own (`restricted_people`, used by
reviews.services.record.record_version_for and people_needing_their_own_version), and
whether the record may be finalised (`undecided_people`: the IRO has either marked
what to leave out for each of them, or said that nothing in the record needs it)
(docs/rules.md, V1).

A standing wish about a named person applies to whoever on the list has that name
(either holds the other, ignoring case). One that matches nobody is returned by
`unmatched_wishes`, so the record page can ask the IRO to add it for the person under
the name they are listed by.
"""

from __future__ import annotations

from dataclasses import dataclass

from children.models import ParentSharingRestriction
from reviews.models import Invitee, ParticipantRole, Review
from reviews.models.cycle import PARENT_ROLES

Who = ParentSharingRestriction.Who

_NOT_PROFESSIONAL = PARENT_ROLES | {
    ParticipantRole.CHILD,
    ParticipantRole.CARER,
    ParticipantRole.OTHER,
}
FROM_CHILDS_PAGE = "the child's page"
FROM_THIS_REVIEW = "this review"


@dataclass(frozen=True)
class Restriction:
    """One person on the review's list, and one thing they must not be told."""

    invitee: Invitee
    what: str
    recorded_on: str  # FROM_CHILDS_PAGE or FROM_THIS_REVIEW


def _names_match(wish: str, name: str) -> bool:
    wish, name = wish.casefold().strip(), name.casefold().strip()
    return bool(wish and name) and (wish in name or name in wish)


def covers(wish: ParentSharingRestriction, invitee: Invitee) -> bool:
    """Say whether a standing wish from the child's page covers this person."""
    role = invitee.role
    if role == ParticipantRole.CHILD:
        return False
    if wish.applies_to == Who.EVERYONE:
        return True
    if wish.applies_to == Who.PARENTS:
        return role in PARENT_ROLES
    if wish.applies_to == Who.CARERS:
        return role == ParticipantRole.CARER
    if wish.applies_to == Who.PROFESSIONALS:
        return role not in _NOT_PROFESSIONAL
    return _names_match(wish.person, invitee.name)


def standing_wishes(review: Review) -> list[ParentSharingRestriction]:
    """The child's page's wishes in force for this review: not ended, or ended only
    after the review was held (its record still keeps them)."""
    held = review.record_date
    return [
        wish
        for wish in review.child.parent_sharing_restrictions.all()
        if wish.ended_on is None or (held is not None and wish.ended_on > held)
    ]


def restrictions_at(review: Review) -> list[Restriction]:
    """Every restriction on this review, from both places, each for one person."""
    invitees = list(review.invitees.all())
    found = [
        Restriction(wish.person, wish.what, FROM_THIS_REVIEW)
        for wish in review.sharing_restrictions.select_related("person")
    ]
    for wish in standing_wishes(review):
        found.extend(
            Restriction(invitee, wish.what, FROM_CHILDS_PAGE)
            for invitee in invitees
            if covers(wish, invitee)
        )
    return found


def restricted_people(review: Review) -> list[Invitee]:
    """Everyone on the list the child keeps something from, in list order."""
    people = {r.invitee.pk: r.invitee for r in restrictions_at(review)}
    return [people[pk] for pk in sorted(people)]


def unmatched_wishes(review: Review) -> list[ParentSharingRestriction]:
    """Standing wishes about a named person who is on the list under no such name."""
    invitees = list(review.invitees.all())
    return [
        wish
        for wish in standing_wishes(review)
        if wish.applies_to == Who.PERSON
        and not any(covers(wish, invitee) for invitee in invitees)
    ]


def undecided_people(review: Review) -> list[Invitee]:
    """The restricted people for whom the IRO has decided nothing in the record: no part
    left out for them, and no "nothing here needs leaving out"."""
    record = getattr(review, "record", None)
    decided: set[int] = set()
    if record is not None:
        decided |= set(record.nothing_to_leave_out_for.values_list("pk", flat=True))
        decided |= set(
            Invitee.objects.filter(withheld_sections__record=record).values_list(
                "pk", flat=True
            )
        )
    decided |= set(
        Invitee.objects.filter(withheld_decisions__review=review).values_list(
            "pk", flat=True
        )
    )
    return [person for person in restricted_people(review) if person.pk not in decided]


PLACE_TOLD_SEPARATELY = "the Independent Reviewing Officer will tell you where"


def meeting_place_for(review: Review, invitee: Invitee) -> str:
    """V3: where the meeting is, as this person's invitation says it. Someone the child
    keeps something from is not sent the place (it may be what they must not know: a
    placement, a school, a town); the IRO tells them where, having looked at what is
    kept from them."""
    if any(person.pk == invitee.pk for person in restricted_people(review)):
        return PLACE_TOLD_SEPARATELY
    return review.venue or "to be confirmed"


def placement_is_confidential(review: Review) -> bool:
    """The child's placement address is confidential (on the child, or on the period's
    latest episode)."""
    if review.child.confidential_address:
        return True
    episode = review.period.current_episode() if review.period_id else None
    return bool(episode and episode.placement_confidential)


def calendar_location_for(review: Review, invitee: Invitee) -> str | None:
    """D-CAL1: the LOCATION of this person's calendar entry, or None to leave it out:
    for someone the child keeps something from (V3), and for everyone while the
    child's placement address is confidential, since the service cannot tell whether
    the venue is the placement and a calendar entry travels further than an email
    (shared calendars, delegates, phones). Nothing when no place is set yet."""
    place = meeting_place_for(review, invitee)
    if place == PLACE_TOLD_SEPARATELY or not review.venue:
        return None
    if placement_is_confidential(review):
        return None
    return place[:1].upper() + place[1:]
