"""Every write to children, periods of care and episodes goes through here."""

from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from accounts.models import Team, User
from children import codes_903
from children.episodes import episode_problems
from children.models import (
    Child,
    Episode,
    ParentSharingRestriction,
    Pathway,
    PeriodOfCare,
    SecurePlacement,
    SocialWorkerAllocation,
)
from core import dates
from core.exceptions import EditConflict
from reviews.timescales import add_months

EDITABLE_CHILD_FIELDS = (
    "first_name",
    "last_name",
    "preferred_name",
    "date_of_birth",
    "sex",
    "ethnicity",
    "nhs_number",
    "nhs_number_absent_reason",
    "upn",
    "upn_absent_reason",
    "former_upn",
    "first_language",
    "interpreter_needed",
    "disability_and_communication_needs",
    "uasc",
    "is_mother",
    "mother_child_dob",
    "confidential_address",
    "sibling_group",
    "contact_preferences",
)
EPISODE_FIELDS = (
    "started_on",
    "reason_new",
    "legal_status",
    "category_of_need",
    "placement",
    "placement_provider",
    "ended_on",
    "reason_ended",
    "reason_place_change",
    "home_postcode",
    "placement_postcode",
    "urn",
    "placement_confidential",
)
PERIOD_EDITABLE_FIELDS = (
    "started_on",
    "started_at_time",
    "authority_to_place_on",
    "authority_to_place_type",
    "placed_for_adoption_on",
    "adoption_placement_ended_on",
    "adoption_order_on",
)


def _refuse_implausible(checks: dict) -> None:
    """Raise ValidationError({field: message}) for the dates outside their range (core.dates)."""
    errors = dates.problems(checks)
    if errors:
        raise ValidationError(errors)


def _only(fields: dict, allowed: tuple[str, ...]) -> dict:
    unknown = set(fields) - set(allowed)
    if unknown:
        raise ValueError(f"Not editable here: {', '.join(sorted(unknown))}")
    return fields


@transaction.atomic
def child_update(*, child: Child, by: User, expected_version: int, **changes) -> Child:
    """Change a child's details, refusing to overwrite someone else's newer save."""
    current = Child.objects.select_for_update().get(pk=child.pk)
    if current.version != expected_version:
        raise EditConflict(current)
    for field, value in _only(changes, EDITABLE_CHILD_FIELDS).items():
        setattr(current, field, value)
    if current.first_name and current.last_name:
        current.details_to_complete = False
    current.version += 1
    current.full_clean()
    current.save()
    return current


@transaction.atomic
def child_create(
    *,
    child_id: str,
    first_name: str,
    last_name: str,
    date_of_birth: date,
    looked_after_on: date,
    by: User | None,
    sex: str = Child.Sex.UNKNOWN,
    preferred_name: str = "",
    details: dict | None = None,
    first_episode: dict | None = None,
) -> Child:
    """Record a new child and open the period of care they start (and its first episode).

    The review and the IRO service's part of it is reviews.services.register.
    """
    child = Child(
        child_id=child_id,
        first_name=first_name,
        last_name=last_name,
        preferred_name=preferred_name,
        date_of_birth=date_of_birth,
        sex=sex,
    )
    for field, value in _only(details or {}, EDITABLE_CHILD_FIELDS).items():
        setattr(child, field, value)
    child.full_clean()
    today = timezone.localdate()
    _refuse_implausible(
        {
            "looked_after_on": (
                "Date the child became looked after",
                looked_after_on,
                dates.in_care(today=today, born=date_of_birth),
            )
        }
    )
    child.save()
    period_open(child=child, started_on=looked_after_on, by=by, episode=first_episode)
    return child


@transaction.atomic
def period_open(
    *,
    child: Child,
    started_on: date,
    by: User | None,
    episode: dict | None = None,
    started_at_time=None,
) -> PeriodOfCare:
    """Open a period of care (a first entry or a re-entry), with its first episode.

    Planning its first review and telling the IRO service is
    reviews.services.register.period_start, which calls this.
    """
    child = Child.objects.select_for_update().get(pk=child.pk)
    _refuse_implausible(
        {
            "started_on": (
                "Date the child became looked after",
                started_on,
                dates.in_care(today=timezone.localdate(), born=child.date_of_birth),
            )
        }
    )
    if child.periods_of_care.filter(ended_on__isnull=True).exists():
        raise ValidationError(
            {
                "started_on": "The child is already looked after: end the current period first"
            }
        )
    latest = child.periods_of_care.order_by("-started_on").first()
    # No period is open (checked above), so the latest one has ended.
    if latest is not None and started_on < latest.ended_on:  # type: ignore[operator]
        raise ValidationError(
            {
                "started_on": "Date the child became looked after must be the same as or after the end of their last period of care"
            }
        )
    period = PeriodOfCare(
        child=child, started_on=started_on, started_at_time=started_at_time
    )
    period.full_clean()
    period.save()
    if episode is not None:
        _episode_save(
            Episode(period=period),
            {
                **episode,
                "started_on": started_on,
                "reason_new": codes_903.ReasonNewEpisode.S,
            },
        )
        _short_breaks_refresh(period)
    return period


def _episode_save(episode: Episode, fields: dict) -> Episode:
    for field, value in _only(fields, EPISODE_FIELDS).items():
        setattr(episode, field, value if value is not None else _blank(field))
    others = Episode.objects.filter(period__child_id=episode.period.child_id).exclude(
        pk=episode.pk
    )
    errors = episode_problems(episode, list(others), today=timezone.localdate())
    if errors:
        raise ValidationError(errors)
    episode.full_clean()
    episode.save()
    return episode


def _blank(field: str):
    return None if field in ("ended_on",) else ""


def _short_breaks_refresh(period: PeriodOfCare) -> None:
    statuses = set(period.episodes.values_list("legal_status", flat=True))
    short = bool(statuses) and statuses <= codes_903.SHORT_BREAK_LEGAL_STATUSES
    if short != period.short_breaks:
        period.short_breaks = short
        period.save(update_fields=["short_breaks", "updated_at"])


@transaction.atomic
def episode_add(*, period: PeriodOfCare, by: User | None, **fields) -> Episode:
    """Record a change of legal status or placement: a new episode in the period.

    The episode open before it ends the same day with X1 (P4: no restart).
    """
    period = PeriodOfCare.objects.select_for_update().get(pk=period.pk)
    if not period.is_open:
        raise ValidationError(
            {"started_on": "This period of care has ended: start a new one instead"}
        )
    started_on = fields.get("started_on")
    previous = period.episodes.filter(ended_on__isnull=True).first()
    reason_place_change = fields.pop("reason_place_change", "")
    if reason_place_change and (
        previous is None or fields.get("reason_new") not in PLACEMENT_MOVES
    ):
        raise ValidationError(
            {
                "reason_place_change": "Only give a reason for the placement change when the placement changed"
            }
        )
    if previous is not None and started_on is not None:
        if started_on <= previous.started_on:
            raise ValidationError(
                {
                    "started_on": f"Date the episode started must be after the start of the current episode ({previous.started_on:%-d %B %Y})"
                }
            )
        previous.ended_on = started_on
        previous.reason_ended = codes_903.ReasonEpisodeCeased.X1
        # The 903 keeps the reason on the episode that ended (rule 225).
        previous.reason_place_change = reason_place_change
        previous.full_clean()
        previous.save()
    episode = _episode_save(Episode(period=period), fields)
    _short_breaks_refresh(period)
    return episode


# A new episode with one of these reasons changed the placement (903 RNE).
PLACEMENT_MOVES = ("P", "B", "T", "U")


@transaction.atomic
def episode_update(*, episode: Episode, by: User | None, **fields) -> Episode:
    """Correct an episode, keeping the period's start and the episodes in order."""
    episode = Episode.objects.select_for_update().get(pk=episode.pk)
    period = episode.period
    reason = fields.get("reason_ended", episode.reason_ended)
    is_last = not period.episodes.filter(started_on__gt=episode.started_on).exists()
    if reason in codes_903.PERIOD_ENDING_REASONS and (period.is_open or not is_last):
        raise ValidationError(
            {
                "reason_ended": "To record that the child stopped being looked after, use 'End this period of care'"
            }
        )
    _episode_save(episode, fields)
    _short_breaks_refresh(period)
    return episode


PERIOD_DATE_LABELS = {
    "started_on": "Date the child became looked after",
    "authority_to_place_on": "Date of the authority to place",
    "placed_for_adoption_on": "Date placed for adoption",
    "adoption_placement_ended_on": "Date the adoption placement ended",
    "adoption_order_on": "Date of the adoption order",
}


@transaction.atomic
def period_update(*, period: PeriodOfCare, by: User | None, **fields) -> PeriodOfCare:
    """Change a period's start or adoption dates; the first episode moves with the start."""
    period = PeriodOfCare.objects.select_for_update().get(pk=period.pk)
    for field, value in _only(fields, PERIOD_EDITABLE_FIELDS).items():
        setattr(period, field, value)
    if period.started_on is None:
        raise ValidationError(
            {"started_on": "Enter the date the child became looked after"}
        )
    in_care = dates.in_care(today=timezone.localdate(), born=period.child.date_of_birth)
    _refuse_implausible(
        {
            name: (label, getattr(period, name), in_care)
            for name, label in PERIOD_DATE_LABELS.items()
        }
    )
    first = period.episodes.order_by("started_on").first()
    if "started_on" in fields:
        # Entered or confirmed by a person: known from now on (D-START-BEFORE).
        period.start_known = True
    if period.earlier_episodes_not_held and first is not None:
        # The episodes before the first one held are not recorded: the start
        # moves alone, on or before that episode.
        if period.started_on > first.started_on:
            raise ValidationError(
                {
                    "started_on": "Date the child became looked after must be the same as or "
                    f"before the start of the first episode recorded ({first.started_on:%-d %B %Y})"
                }
            )
        period.full_clean()
        period.save()
        return period
    if first is not None and first.started_on != period.started_on:
        if first.ended_on is not None and period.started_on > first.ended_on:
            raise ValidationError(
                {
                    "started_on": "Date the child became looked after must be the same as or before the end of the first episode: otherwise the period would have no start"
                }
            )
        period.full_clean()
        period.save()
        _episode_save(first, {"started_on": period.started_on})
        return period
    period.full_clean()
    period.save()
    return period


@transaction.atomic
def social_worker_allocate(
    *, child: Child, social_worker: User, team: Team, on: date, by: User | None
) -> SocialWorkerAllocation:
    """Allocate a social worker (and their team), ending the previous allocation."""
    child = Child.objects.select_for_update().get(pk=child.pk)
    current = list(child.social_worker_allocations.filter(ended_on__isnull=True))
    _refuse_implausible({"on": _allocated_on(child, on, current)})
    for previous in current:
        previous.ended_on = on
        previous.save(update_fields=["ended_on", "updated_at"])
    allocation = SocialWorkerAllocation.objects.create(
        child=child,
        social_worker=social_worker,
        team=team,
        started_on=on,
        allocated_by=by,
    )
    child.social_worker = social_worker
    child.team = team
    child.save(update_fields=["social_worker", "team", "updated_at"])
    return allocation


def _allocated_on(
    child: Child, on: date, current: list[SocialWorkerAllocation]
) -> tuple[str, date, dates.Window]:
    """DR-10: a social worker is allocated on or after the child's birth (a change, on or
    after the current allocation started), and no more than 2 years ahead."""
    started = max((a.started_on for a in current), default=None)
    if started is not None and started >= child.date_of_birth:
        earliest, since = started, "the date the current social worker was allocated"
    else:
        earliest, since = child.date_of_birth, "the child's date of birth"
    window = dates.planned(today=timezone.localdate(), earliest=earliest, since=since)
    return ("Date the social worker was allocated", on, window)


@transaction.atomic
def secure_placement_record(
    *, child: Child, by: User | None, **fields
) -> SecurePlacement:
    """Record a secure placement in the child's current (or given) period of care."""
    period = (
        fields.pop("period", None)
        or child.periods_of_care.order_by("-started_on").first()
    )
    placement = SecurePlacement(child=child, period=period, **fields)
    _secure_dates(placement)
    placement.full_clean()
    placement.save()
    return placement


def _secure_dates(placement: SecurePlacement) -> None:
    today = timezone.localdate()
    in_care = dates.in_care(today=today, born=placement.child.date_of_birth)
    checks = {
        "started_on": (
            "Date the secure placement started",
            placement.started_on,
            in_care,
        ),
        "ended_on": ("Date the secure placement ended", placement.ended_on, in_care),
        "order_made_on": ("Date of the order", placement.order_made_on, in_care),
    }
    start = placement.order_made_on or placement.started_on
    if start is not None:
        checks["order_expires_on"] = (
            "Date the order expires",
            placement.order_expires_on,
            dates.due_after(start=start, what="the order"),
        )
    _refuse_implausible(checks)


@transaction.atomic
def secure_placement_update(
    *, placement: SecurePlacement, by: User | None, **fields
) -> SecurePlacement:
    """Correct a secure placement, or record that it ended."""
    placement = SecurePlacement.objects.select_for_update().get(pk=placement.pk)
    for field, value in fields.items():
        setattr(placement, field, value)
    _secure_dates(placement)
    placement.full_clean()
    placement.save()
    return placement


@transaction.atomic
def pathway_update(*, child: Child, by: User | None, **fields) -> Pathway:
    """Record the young person's pathway: adviser, assessment, plan, the IRO's role."""
    pathway, _ = Pathway.objects.select_for_update().get_or_create(child=child)
    allowed = (
        "personal_adviser",
        "assessment_completed_on",
        "pathway_plan_on",
        "iro_continuing_role",
        "iro_not_continuing_reason",
        "move_on",
        "move_setting",
        "move_ratified_at_review_on",
    )
    for field, value in _only(fields, allowed).items():
        setattr(pathway, field, value)
    errors = _pathway_problems(pathway, child)
    if errors:
        raise ValidationError(errors)
    pathway.full_clean()
    pathway.save()
    return pathway


def _pathway_problems(pathway: Pathway, child: Child) -> dict[str, str]:
    """What is wrong with the pathway's dates (DR-10) and choices, by field."""
    today = timezone.localdate()
    done = dates.happened(today=today, born=child.date_of_birth)
    errors = dates.problems(
        {
            "assessment_completed_on": (
                "Date the needs assessment was completed",
                pathway.assessment_completed_on,
                done,
            ),
            "pathway_plan_on": (
                "Date of the pathway plan",
                pathway.pathway_plan_on,
                done,
            ),
            "move_on": (
                "Date of the move to semi-independent or independent living",
                pathway.move_on,
                dates.Window(
                    "DR-10",
                    child.date_of_birth,
                    dates.ahead(today=today).latest,
                    "must be on or after the young person's date of birth, and no more than 2 years ahead",
                ),
            ),
            "move_ratified_at_review_on": (
                "Date the move was ratified at a review",
                pathway.move_ratified_at_review_on,
                done,
            ),
        }
    )
    if not pathway.iro_continuing_role and not pathway.iro_not_continuing_reason:
        errors["iro_not_continuing_reason"] = (
            "Enter why the IRO is not staying directly involved"
        )
    if pathway.personal_adviser_id and pathway.personal_adviser_id == child.iro_id:
        errors["personal_adviser"] = (
            "The child's IRO cannot also be their personal adviser"
        )
    if pathway.move_on and not pathway.move_setting:
        errors["move_setting"] = "Select the setting the young person moved to"
    return errors


POST18_UNTIL = "Last day of IRO involvement after 18"


@transaction.atomic
def post18_involvement_authorise(*, child: Child, until: date, by: User) -> Pathway:
    """Authorise the IRO's involvement after 18, until a date (T29; service manager)."""
    from accounts.models import Role

    if not by.has_role(Role.IRO_MANAGER):
        raise ValidationError("Only the IRO service manager can authorise this.")
    pathway, _ = Pathway.objects.select_for_update().get_or_create(child=child)
    if until <= add_months(child.date_of_birth, 216):
        raise ValidationError(
            {"until": f"{POST18_UNTIL} must be after the young person's 18th birthday"}
        )
    _refuse_implausible(
        {
            "until": (
                POST18_UNTIL,
                until,
                dates.until_25(born=child.date_of_birth),
            )
        }
    )
    pathway.post18_authorised_by = by
    pathway.post18_authorised_until = until
    pathway.full_clean()
    pathway.save()
    return pathway


@transaction.atomic
def sharing_restriction_record(
    *,
    child: Child,
    person: str,
    what: str,
    agreed_with_child_on: date,
    by: User,
    applies_to: str = ParentSharingRestriction.Who.PERSON,
) -> ParentSharingRestriction:
    """Record what the child does not want shared with someone, or with a kind of person."""
    restriction = ParentSharingRestriction(
        child=child,
        person=person,
        applies_to=applies_to,
        what=what,
        agreed_with_child_on=agreed_with_child_on,
        recorded_by=by,
    )
    _refuse_implausible(
        {
            "agreed_with_child_on": (
                "Date agreed with the child",
                agreed_with_child_on,
                dates.happened(
                    today=timezone.localdate(), born=child.date_of_birth, code="DR-8"
                ),
            )
        }
    )
    restriction.full_clean()
    restriction.save()
    return restriction


@transaction.atomic
def period_close(
    *, period: PeriodOfCare, ended_on: date, reason: str, today: date
) -> tuple[PeriodOfCare, Episode | None]:
    """The child ceases to be looked after: end the open episode and the period.

    Returns the period and the episode that was open. What follows for the reviews
    and the IRO is reviews.services.register.period_end, which calls this.
    """
    period = PeriodOfCare.objects.select_for_update().get(pk=period.pk)
    if not period.is_open:
        raise ValidationError("This period of care has already ended.")
    if reason not in codes_903.PERIOD_ENDING_REASONS:
        raise ValidationError(
            {"reason": "Select the reason the child ceased to be looked after"}
        )
    current = period.episodes.filter(ended_on__isnull=True).first()
    earliest = current.started_on if current else period.started_on
    # DR-2: a period ends on or after it (and its current episode) started, and not in the future.
    ends = dates.period_end(today=today, started=earliest)
    _refuse_implausible(
        {
            "ended_on": (
                "Date the child ceased to be looked after",
                ended_on,
                dates.Window(
                    ends.code,
                    ends.earliest,
                    ends.latest,
                    "must be today or in the past, and the same as or after the start of "
                    f"the current episode ({dates.long_date(earliest)})",
                ),
            )
        }
    )
    if current is not None:
        current.ended_on = ended_on
        current.reason_ended = reason
        current.full_clean()
        current.save()
    period.ended_on = ended_on
    period.reason_ended = reason
    period.full_clean()
    period.save()
    return period, current


@transaction.atomic
def sharing_restriction_end(
    *, restriction: ParentSharingRestriction, ended_on: date, by: User
) -> ParentSharingRestriction:
    """End a sharing restriction the child no longer wants (kept, with its dates)."""
    restriction = ParentSharingRestriction.objects.select_for_update().get(
        pk=restriction.pk
    )
    agreed = restriction.agreed_with_child_on
    _refuse_implausible(
        {
            "ended_on": (
                "Date the child said this can be shared again",
                ended_on,
                dates.Window(
                    "DR-8",
                    agreed,
                    timezone.localdate(),
                    "must be today or in the past, and on or after the date it was agreed "
                    f"({dates.long_date(agreed)})",
                ),
            )
        }
    )
    restriction.ended_on = ended_on
    restriction.full_clean()
    restriction.save()
    return restriction
