"""A review taken through its cycle to a finalised record, through the services."""

from datetime import date

import pytest

from reviews import services
from reviews.models import Invitee
from tests.reviews.conftest import aware

TODAY = date(2025, 3, 3)
HELD_ON = date(2025, 1, 30)

# The child asked that this not reach her mother (V1).
RESTRICTED = "You told me you want to stay at Hillside Academy and not move schools."
UNDER_8_WORDING = "You will keep seeing Nana every Saturday."
OLDER_WORDING = "You will carry on seeing your nan on Saturdays, and we will check in June if you want more time."


def person(review, by, **fields) -> Invitee:
    defaults = {"method": "letter", "postal_address": "1 Example Road\nTown"}
    return services.invitee_save(review=review, by=by, **{**defaults, **fields})


def build_cycle(
    world, review, *, band="8_to_12", sections=None, finalise=True, extra_decisions=0
):
    """Schedule, invite, hold, decide and write the record; return (review, people)."""
    iro, sw, tm = world["iro_a"], world["sw_north"], world["tm_north"]
    iro.phone, iro.job_title = "01632 960 001", "Independent Reviewing Officer"
    iro.save()
    services.review_schedule(
        review=review,
        by=iro,
        scheduled_for=aware(HELD_ON, 16),
        venue="Youth club, High Street",
        format="face_to_face",
    )
    child = review.child
    people = {
        "child": person(
            review, sw, name=child.full_name, role="child", consultation_type="child"
        ),
        "mum": person(
            review,
            sw,
            name=f"Maria {child.last_name}",
            role="parent",
            consultation_type="adult",
            interpreter_language="Polish",
        ),
        "carer": person(
            review, sw, name="Carol Carer", role="carer", consultation_type="adult"
        ),
    }
    services.sharing_restriction_add(
        review=review, by=sw, person=people["mum"], what="Which school I go to"
    )
    services.checklist_submit(review=review, by=sw, today=date(2025, 1, 10))
    services.checklist_confirm(review=review, by=iro, today=date(2025, 1, 11))
    services.review_issue_invitations(
        review=review, by=iro, now=aware(date(2025, 1, 13))
    )
    services.child_contact_record(
        child=review.child,
        review=review,
        by=iro,
        on=date(2025, 1, 20),
        how="visit",
        alone="yes",
    )
    services.review_start(
        review=review, by=iro, held_on=HELD_ON, social_worker_present=True
    )
    services.review_hold(
        review=review,
        by=iro,
        participation="PN1",
        chaired_by="co_chaired",
        next_review_date=date(2025, 4, 29),
        today=HELD_ON,
    )
    review.refresh_from_db()
    services.decision_save(
        review=review,
        by=iro,
        what="Family time with maternal grandmother to continue weekly; review frequency in June.",
        child_wording=UNDER_8_WORDING if band == "under_8" else OLDER_WORDING,
        owner_name="Sam Social",
        owner_role="sw",
        due_date=date(2025, 6, 30),
        success_measure="Weekly family time takes place",
    )
    services.decision_save(
        review=review,
        by=iro,
        what="School placement at Hillside Academy to be maintained; transport to be arranged.",
        child_wording="You will stay at Hillside Academy and get a taxi to school.",
        owner_name="Sam Social",
        owner_role="sw",
        due_date=date(2025, 3, 31),
        success_measure="Transport in place",
        withhold_from=[people["mum"]],
    )
    for number in range(3, 3 + extra_decisions):
        services.decision_save(
            review=review,
            by=iro,
            what=f"Decision {number}: meet the school about support in class.",
            child_wording=f"We will talk to your school about help in class ({number}).",
            owner_name="Sam Social",
            owner_role="sw",
            due_date=date(2025, 5, 1),
            success_measure="Meeting held and notes shared",
        )
    services.review_submit_decisions(review=review, by=iro, today=date(2025, 2, 3))
    services.review_authorise_decisions(review=review, by=tm, today=date(2025, 2, 4))
    texts = sections or {
        "going_well": "You were picked for the football team. You scored two goals in your first match. Your carer says you help at home.",
        "wishes": "You told me you like living with Carol and you want to see your nan more.",
        "plan": RESTRICTED,
        "next": "Your social worker will visit you in March.",
    }
    services.record_save(
        review=review,
        by=iro,
        band=band,
        translation_language="Arabic",
        sections=texts,
        withheld={"plan": [people["mum"]]} if "plan" in texts else {},
    )
    if finalise:
        services.record_finalise(review=review, by=iro, today=date(2025, 2, 10))
    review.refresh_from_db()
    return review, people


@pytest.fixture
def review(world):
    """Northa's first review, planned (as in tests/reviews/conftest.py)."""
    period = world["north_child"].periods_of_care.get()
    return services.review_plan_next(period=period, by=None)


@pytest.fixture
def written(world, review):
    """Northa's first review with the record finalised (8 to 12 band)."""
    return build_cycle(world, review)
