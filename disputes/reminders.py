"""The challenges' reminder source: the response due at each stage. Registered in
DisputesConfig.ready() (core.reminders.sources)."""

from collections.abc import Iterable
from datetime import date

from accounts.staff import Staff
from core.reminders.sources import TaskDue


def challenge_stage_tasks(today: date, staff: Staff) -> Iterable[TaskDue]:
    """The response due at the current stage of a challenge (T28, IROH para. 6.2).

    An overdue stage escalates to the owner's manager and to the IRO who raised it
    (who decides whether to escalate the challenge itself).
    """
    from disputes.models import Challenge, ChallengeStage

    stages = ChallengeStage.objects.filter(
        skipped=False,
        ended_on__isnull=True,
        responded_at__isnull=True,
        owner__isnull=False,
        challenge__status=Challenge.Status.AWAITING_RESPONSE,
    ).select_related("challenge__child", "challenge__raised_by")
    for stage in stages.iterator(chunk_size=500):
        owner = staff.active(stage.owner_id)
        due = stage.effective_due_on
        if owner is None or due is None:
            continue
        challenge = stage.challenge
        escalate = [*staff.managers_of(owner)]
        raised_by = staff.active(challenge.raised_by_id)
        if raised_by is not None and raised_by.pk != owner.pk:
            escalate.append(raised_by)
        yield TaskDue(
            ("challenge_stage", stage.pk),
            owner,
            due,
            f"Respond to the challenge ({stage.name.lower()})",
            challenge.child.full_name,
            challenge.child.child_id,
            challenge.get_absolute_url(),
            escalate_to=tuple(escalate),
        )
