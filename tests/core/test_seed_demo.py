import pytest
from django.core.management import CommandError, call_command

from accounts.models import User
from children.models import Child

pytestmark = pytest.mark.django_db

DEMO_USERNAMES = {"iro1", "iro2", "manager", "sw1", "tm1", "bs1", "hos1"}


def test_seed_demo_builds_the_service_once(settings):
    settings.DEBUG = True
    call_command("seed_demo")
    call_command("seed_demo")
    assert set(User.objects.values_list("username", flat=True)) >= DEMO_USERNAMES
    assert Child.objects.count() == 40
    assert User.objects.get(username="iro1").check_password("reviews-demo")
    assert (
        User.objects.get(username="tm1").team == User.objects.get(username="sw1").team
    )


def test_seed_demo_refuses_without_debug_unless_forced(settings):
    settings.DEBUG = False
    with pytest.raises(CommandError, match="Refusing"):
        call_command("seed_demo")
    assert Child.objects.count() == 0
    call_command("seed_demo", force=True)
    assert Child.objects.count() == 40


def test_seed_demo_holds_each_childs_past_reviews_on_the_statutory_rhythm(settings):
    """Every held review is followed by one planned review due by the engine's date."""
    from reviews.models import Review
    from reviews.services import next_due_for_period

    settings.DEBUG = True
    call_command("seed_demo")
    assert Review.objects.held().count() > 100
    for child in Child.objects.filter(
        periods_of_care__ended_on__isnull=True
    ).distinct():
        period = child.periods_of_care.get(ended_on__isnull=True)
        open_reviews = list(period.reviews.open())
        if not open_reviews:
            continue  # short breaks: no statutory reviews
        assert len(open_reviews) == 1
        assert open_reviews[0].due_date == next_due_for_period(period).date
