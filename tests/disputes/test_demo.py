import pytest
from django.core.management import call_command
from django.utils import timezone

from disputes.models import Challenge, PracticeAcknowledgement, PracticeObservation

pytestmark = pytest.mark.django_db


def test_seed_demo_adds_challenges_in_different_states_once():
    call_command("seed_demo", force=True, verbosity=0)
    call_command("seed_demo", force=True, verbosity=0)
    challenges = {c.child.child_id: c for c in Challenge.objects.all()}
    assert set(challenges) == {"DEMO0001", "DEMO0005", "DEMO0011"}
    informal, formal, closed = (challenges[k] for k in sorted(challenges))
    assert (informal.stage, informal.status) == (0, Challenge.Status.AWAITING_RESPONSE)
    assert informal.current_stage.owner.username == "tm1"
    assert (formal.stage, formal.level) == (2, Challenge.Level.FORMAL)
    assert formal.current_stage.owner.username == "hos1"
    assert formal.current_stage.is_overdue(today=timezone.localdate())
    assert closed.status == Challenge.Status.CLOSED
    assert PracticeAcknowledgement.objects.count() == 1
    assert PracticeObservation.objects.count() == 1
