"""Import an SSDA903 return (header, episodes, reviews, and an optional companion file).

All or nothing: the whole import runs in one transaction and is rolled back on any
problem (or on a dry run). Children are matched by CHILD, periods by the DECOM of
their RNE S episode (one begun before the return, without it, by containing the
child's first episode in the file: D-START-BEFORE), DoLO orders by child and start
(DOL-9), episodes by child and DECOM, reviews by child and REVIEW date,
so importing the same files again changes nothing and a later year's files update
the records in place. Every write goes through the children, IRO and review
services or is made here with full_clean; auditlog records each change.
"""

from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from accounts.models import Role, Team, User
from children import codes_903
from children.models import Child, Episode, PeriodOfCare
from children.services import (
    episode_add,
    episode_update,
    social_worker_allocate,
)
from children.services_liberty import liberty_order_import
from iro.services import iro_allocate
from reviews import timescales
from reviews.models import Review, ReviewEvent
from reviews.services import next_due_for_period, review_plan_next
from reviews.services.register import period_end
from ssda903.files import (
    COMPANION,
    COMPANION_COLUMNS,
    DOLO,
    EPISODES,
    HEADER,
    REQUIRED_FILES,
    REVIEWS,
    Problem,
    format_date,
    read_rows,
)
from ssda903.plan import (
    CHILD_COLUMNS,
    EPISODE_COLUMNS,
    ChildPlan,
    CompanionRecord,
    EpisodeRecord,
    ReviewRecord,
    build_plans,
    collection_year,
)
from ssda903.years import spec_for

# Children imported without the companion file are named after their CHILD id until
# the service manager completes them (they are on the "to complete" list).
PLACEHOLDER_FIRST_NAME = "Child"
PROGRESS_EVERY = 100
COMPANION_REASON = "Allocated by the SSDA903 import (companion file)"

Progress = Callable[[int, int], None]


@dataclass
class ImportResult:
    """What an import did (or, on a dry run or with problems, would have done)."""

    dry_run: bool
    problems: list[Problem] = field(default_factory=list)
    counts: Counter = field(default_factory=Counter)
    rows: dict[str, int] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def saved(self) -> bool:
        return self.ok and not self.dry_run

    def summary_lines(self) -> list[str]:
        return [f"{label}: {n}" for label, n in sorted(self.counts.items()) if n]


class _RowError(Exception):
    """A service refused a row: where it came from, and what it said."""

    def __init__(self, problems: list[Problem]):
        self.problems = problems


class _RollBack(Exception):
    pass


def ssda903_import(
    *,
    files: dict[str, bytes],
    by: User | None,
    today: date,
    dry_run: bool = False,
    progress: Progress | None = None,
    year: int | None = None,
) -> ImportResult:
    """Import the files of the return for the collection year ending 31 March `year`
    (by default the current one) in one transaction; on any problem nothing is saved."""
    spec = spec_for(year or collection_year(today))
    result = ImportResult(dry_run=dry_run)
    rows = {}
    for name in REQUIRED_FILES:
        if name not in files:
            result.problems.append(Problem(name, 0, "", "", f"Choose {name}"))
    for name, data in files.items():
        columns = COMPANION_COLUMNS if name == COMPANION else spec.files.get(name)
        if columns is None:
            result.problems.append(
                Problem(
                    name, 0, "", "", f"{name} is not a file of the {spec.label} return"
                )
            )
            continue
        rows[name], problems = read_rows(name, data, columns)
        result.rows[name] = len(rows[name])
        result.problems.extend(problems)
    if result.problems:
        return result
    plans, result.problems = build_plans(rows, today=today, spec=spec)
    if result.problems:
        return result
    try:
        with transaction.atomic():
            _apply(plans, result, by=by, today=today, progress=progress)
            if result.problems or dry_run:
                raise _RollBack
    except _RollBack:
        pass
    return result


def _apply(plans, result: ImportResult, *, by, today, progress) -> None:
    people = _companion_people(plans, result.problems)
    if result.problems:
        return
    periods: set[int] = set()
    for done, plan in enumerate(plans, 1):
        try:
            with transaction.atomic():
                periods |= _apply_child(plan, people, result.counts, by=by, today=today)
        except _RowError as error:
            result.problems.extend(error.problems)
        if progress and (done % PROGRESS_EVERY == 0 or done == len(plans)):
            progress(done, len(plans))
    if result.problems:
        return
    for period in PeriodOfCare.objects.filter(
        pk__in=periods, ended_on__isnull=True, short_breaks=False
    ).order_by("pk"):
        _next_review_plan(period, result.counts, by=by)


# --- The companion file: names, team, social worker and IRO -------------------------


def _companion_people(plans, problems) -> dict[str, object]:
    """Find each team and user the companion file names; a problem for any unknown."""
    found: dict[str, object] = {}
    for plan in plans:
        record = plan.companion
        if record is None:
            continue
        lookups = [
            ("TEAM", record.team, _team),
            ("SOCIAL_WORKER", record.social_worker, _social_worker),
            ("IRO", record.iro, _iro),
        ]
        for column, value, find in lookups:
            if not value:
                continue
            try:
                found[f"{column}:{value}"] = find(value)
            except ValidationError as error:
                problems.append(
                    Problem(COMPANION, record.row, column, value, error.messages[0])
                )
    return found


def _team(name: str) -> Team:
    team = Team.objects.filter(name__iexact=name).first()
    if team is None:
        raise ValidationError(f"There is no team called {name} here")
    return team


def _user_with(username: str, role: str, words: str) -> User:
    user = User.objects.filter(username=username, is_active=True).first()
    if user is None:
        raise ValidationError(f"There is no active user with the username {username}")
    if not user.has_role(role):
        raise ValidationError(f"{username} is not {words}")
    return user


def _social_worker(username: str) -> User:
    return _user_with(username, Role.SOCIAL_WORKER, "a social worker")


def _iro(username: str) -> User:
    return _user_with(username, Role.IRO, "an IRO")


# --- One child -----------------------------------------------------------------------


def _apply_child(plan: ChildPlan, people, counts, *, by, today) -> set[int]:
    """Write one child's header, periods, episodes, reviews and allocations."""
    existing = Child.objects.select_for_update().filter(child_id=plan.child_id).first()
    if existing is None and not plan.groups:
        # Care leavers (OC3) with no episode this year have no period to import.
        counts["children skipped (no episodes, not known here)"] += 1
        return set()
    child = _at(
        HEADER,
        plan.header.row,
        CHILD_COLUMNS,
        _child_save,
        plan=plan,
        child=existing,
        counts=counts,
    )
    periods = set()
    for group in plan.groups:
        periods.add(_period_apply(child, group, counts, by=by, today=today))
    for record in plan.reviews:
        _at(
            REVIEWS,
            record.row,
            {"record_date": "REVIEW", "participation": "REVIEW_CODE"},
            _review_save,
            child=child,
            record=record,
            counts=counts,
            by=by,
        )
    for order in plan.orders:
        done = _at(
            DOLO,
            order.row,
            {"started_on": "DOLO_START", "ended_on": "DOLO_END"},
            liberty_order_import,
            child=child,
            started_on=order.started_on,
            ended_on=order.ended_on,
            by=by,
            today=today,
        )
        if done:
            counts[f"deprivation of liberty orders {done}"] += 1
    if plan.companion is not None:
        _allocate(child, plan.companion, people, counts, by=by, today=today)
    return periods


def _at(file: str, row: int, columns: dict[str, str], func, **kwargs):
    """Call a service; turn a refusal into problems at this file, row and column."""
    try:
        return func(**kwargs)
    except ValidationError as error:
        raise _RowError(_problems(error, file, row, columns)) from error


def _problems(error: ValidationError, file, row, columns) -> list[Problem]:
    if not hasattr(error, "error_dict"):
        return [Problem(file, row, "", "", message) for message in error.messages]
    problems = []
    for name, messages in error.message_dict.items():
        column = columns.get(name, "")
        for message in messages:
            problems.append(Problem(file, row, column, "", message))
    return problems


def _child_save(*, plan: ChildPlan, child: Child | None, counts) -> Child:
    header, companion = plan.header, plan.companion
    fields = {
        "date_of_birth": header.dob,
        "sex": header.sex,
        "ethnicity": header.ethnicity,
        "upn": header.upn,
        "is_mother": header.is_mother,
        "mother_child_dob": header.mother_child_dob,
    }
    if companion is not None:
        fields |= {
            "first_name": companion.first_name,
            "last_name": companion.last_name,
            "details_to_complete": False,
        }
    if child is None:
        child = Child(
            child_id=header.child_id,
            first_name=PLACEHOLDER_FIRST_NAME,
            last_name=header.child_id,
            details_to_complete=True,
        )
        for name, value in fields.items():
            setattr(child, name, value)
        child.full_clean()
        child.save()
        counts["children created"] += 1
        return child
    changed = {n: v for n, v in fields.items() if getattr(child, n) != v}
    if changed:
        for name, value in changed.items():
            setattr(child, name, value)
        child.version += 1
        child.full_clean()
        child.save()
        counts["children updated"] += 1
    return child


# --- Periods of care and episodes ---------------------------------------------------


def _period_apply(child: Child, group: list[EpisodeRecord], counts, *, by, today):
    first, last = group[0], group[-1]
    period = _at(
        EPISODES,
        first.row,
        {"started_on": "DECOM", "reason_new": "RNE"},
        _period_find_or_start,
        child=child,
        first=first,
        counts=counts,
    )
    created = set()
    for record in group:
        if _at(
            EPISODES,
            record.row,
            EPISODE_COLUMNS,
            _episode_save,
            period=period,
            record=record,
            counts=counts,
            by=by,
        ):
            created.add(record.row)
    _at(
        EPISODES,
        last.row,
        {"ended_on": "DEC", "reason": "REC", "started_on": "DEC"},
        _period_close,
        period=period,
        last=last,
        counts=counts,
        by=by,
        today=today,
    )
    for record in group:
        _at(
            EPISODES,
            record.row,
            EPISODE_COLUMNS,
            _place_change_reason,
            period=period,
            record=record,
            counts=None if record.row in created else counts,
            by=by,
        )
    return period.pk


def _period_find_or_start(*, child: Child, first: EpisodeRecord, counts):
    periods = child.periods_of_care.select_for_update()
    if first.reason_new != codes_903.ReasonNewEpisode.S:
        period = (
            periods.filter(started_on__lte=first.started_on)
            .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=first.started_on))
            .first()
        )
        if period is not None:
            return period
        # The period began before the return (D-START-BEFORE): it starts on the
        # earliest DECOM held, its true start not known.
        return _period_start(periods, child=child, first=first, counts=counts)
    period = periods.filter(started_on=first.started_on).first()
    if period is not None:
        return period
    return _period_start(periods, child=child, first=first, counts=counts)


def _period_start(periods, *, child: Child, first: EpisodeRecord, counts):
    before = first.reason_new != codes_903.ReasonNewEpisode.S
    current = periods.filter(ended_on__isnull=True).first()
    if current is not None:
        raise ValidationError(
            {
                "started_on": "The child is already looked after here (a period of care from "
                f"{format_date(current.started_on)} has not ended): the file must end it first"
            }
        )
    latest = periods.order_by("-ended_on").first()
    if latest is not None and latest.ended_on > first.started_on:
        raise ValidationError(
            {
                "started_on": "A new period of care must start on or after the end of the last one "
                f"({format_date(latest.ended_on)})"
            }
        )
    period = PeriodOfCare(
        child=child,
        started_on=first.started_on,
        earlier_episodes_not_held=before,
        start_known=not before,
    )
    period.full_clean()
    period.save()
    counts["periods of care created"] += 1
    if before:
        counts[
            "periods begun before the return (start to enter on the child's page)"
        ] += 1
    return period


def _episode_save(*, period: PeriodOfCare, record: EpisodeRecord, counts, by):
    # The file's REASON_PLACE_CHANGE is the episode's own (set once the episode has
    # ended, below); episode_add's reason is the one the new episode's move made.
    fields = record.fields()
    fields.pop("reason_place_change")
    existing = Episode.objects.filter(
        period__child_id=period.child_id, started_on=record.started_on
    ).first()
    if existing is None:
        if record.ends_period:
            # Added open: period_end then ends it and the period together.
            fields |= {"ended_on": None, "reason_ended": ""}
        episode_add(period=period, by=by, **fields)
        counts["episodes created"] += 1
        return True
    if existing.period_id != period.pk:
        raise ValidationError(
            {
                "started_on": "An episode starting on this date belongs to another period of care"
            }
        )
    if existing.ended_on is not None and record.ended_on is None:
        raise ValidationError(
            {
                "ended_on": f"The episode ended here on {format_date(existing.ended_on)}; "
                "the file has it still open"
            }
        )
    if existing.ended_on is None:
        # An open episode is closed by the next one (X1) or by the period's end.
        fields.pop("ended_on")
        fields.pop("reason_ended")
    fields.pop("started_on")
    changed = {n: v for n, v in fields.items() if getattr(existing, n) != v}
    if changed:
        episode_update(episode=existing, by=by, **changed)
        counts["episodes updated"] += 1
    return False


def _place_change_reason(*, period: PeriodOfCare, record: EpisodeRecord, counts, by):
    """Give the ended episode the file's reason for the placement change (rule 233:
    only on an episode that has ended)."""
    episode = Episode.objects.get(period=period, started_on=record.started_on)
    if episode.reason_place_change != record.reason_place_change:
        episode_update(
            episode=episode, by=by, reason_place_change=record.reason_place_change
        )
        if counts is not None:  # None: the episode was created by this import
            counts["episodes updated"] += 1


def _period_close(*, period: PeriodOfCare, last: EpisodeRecord, counts, by, today):
    period.refresh_from_db()
    if not last.ends_period:
        if period.ended_on is not None:
            raise ValidationError(
                {
                    "ended_on": "The period of care ended here on "
                    f"{format_date(period.ended_on)}; the file has it still open"
                }
            )
        return
    if period.ended_on is not None:
        if (period.ended_on, period.reason_ended) != (last.ended_on, last.reason_ended):
            raise ValidationError(
                {
                    "ended_on": "The period of care ended here on "
                    f"{format_date(period.ended_on)} ({period.reason_ended}); "
                    "correct it on the child's page rather than by import"
                }
            )
        return
    if by is None and period.reviews.open().exists():
        raise ValidationError(
            "Ending this period cancels its open review: run the import as a named user "
            "(import_903 --by USERNAME)"
        )
    period_end(
        period=period,
        ended_on=last.ended_on,
        reason=last.reason_ended,
        by=by,
        today=today,
    )
    counts["periods of care ended"] += 1


# --- Reviews --------------------------------------------------------------------------


def _review_save(*, child: Child, record: ReviewRecord, counts, by) -> None:
    day = record.review_on
    period = _review_period(child, day)
    existing = (
        Review.objects.filter(child=child, record_date=day)
        .exclude(status=Review.Status.CANCELLED)
        .first()
    )
    if existing is not None:
        # A review run here is the record (D-SOR); an imported one follows the file.
        _review_follow_file(existing, record, counts=counts, by=by)
        return
    held = sorted(
        period.reviews.held()
        .filter(record_date__lt=day)
        .values_list("record_date", flat=True)
    )
    due = timescales.next_review_due(
        period.started_on,
        held,
        authority_to_place_on=period.authority_to_place_on,
        placed_for_adoption_on=period.placed_for_adoption_on,
        placement_ended_on=period.adoption_placement_ended_on,
        start_known=period.start_known,
    )
    review = Review(
        child=child,
        period=period,
        kind=_kind(due, len(held)),
        status=Review.Status.CLOSED,
        due_date=due.date,
        due_track=due.track,
        due_rule=timescales.explain(due),
        record_date=day,
        completed_date=day,
        participation=record.participation,
        imported=True,
    )
    review.full_clean()
    review.save()
    ReviewEvent.objects.create(
        review=review, to_status=review.status, action="imported", by=by
    )
    counts["reviews imported"] += 1


def _review_period(child: Child, day: date) -> PeriodOfCare:
    """The child's period of care on the review date; one of short breaks only has no
    reviews."""
    period = (
        child.periods_of_care.filter(started_on__lte=day)
        .filter(Q(ended_on__isnull=True) | Q(ended_on__gte=day))
        .first()
    )
    if period is None:
        raise ValidationError(
            {
                "record_date": "The review date is not within any of the child's periods of care"
            }
        )
    if period.short_breaks:
        raise ValidationError(
            {
                "record_date": "The child is looked after under short breaks only (LS V3 or V4): "
                "such children have no statutory reviews (903 rule 399)"
            }
        )
    return period


def _review_follow_file(existing: Review, record: ReviewRecord, *, counts, by) -> None:
    """Give an imported review the file's participation code; leave one run here."""
    if not existing.imported or existing.participation == record.participation:
        return
    existing.participation = record.participation
    existing.version += 1
    existing.full_clean()
    existing.save(update_fields=["participation", "version", "updated_at"])
    ReviewEvent.objects.create(
        review=existing,
        from_status=existing.status,
        to_status=existing.status,
        action="import_updated",
        by=by,
    )
    counts["reviews updated"] += 1


def _kind(due: timescales.Due, held: int) -> str:
    if due.track == timescales.ADOPTION_AUTHORISED:
        return Review.Kind.ADOPTION_AUTHORISED
    if due.track == timescales.ADOPTION_PLACED:
        return Review.Kind.ADOPTION_PLACED
    return {0: Review.Kind.INITIAL, 1: Review.Kind.SECOND}.get(
        held, Review.Kind.SUBSEQUENT
    )


def _next_review_plan(period: PeriodOfCare, counts, *, by) -> None:
    """Plan the next review; move a planned one the import made out of date."""
    review = period.reviews.open().first()
    if review is None:
        review_plan_next(period=period, by=by)
        counts["next reviews planned"] += 1
        return
    if review.status != Review.Status.PLANNED or review.kind == Review.Kind.ADDITIONAL:
        return
    due = next_due_for_period(period)
    held = period.reviews.held().count()
    if (review.due_date, review.due_track) == (due.date, due.track):
        return
    review.due_date, review.due_track = due.date, due.track
    review.due_rule = timescales.explain(due)
    review.kind = _kind(due, held)
    review.full_clean()
    review.save(update_fields=["due_date", "due_track", "due_rule", "kind"])
    ReviewEvent.objects.create(
        review=review,
        from_status=review.status,
        to_status=review.status,
        action="replanned",
        by=by,
        note="Due date recalculated after reviews were imported from an SSDA903 return.",
    )
    counts["planned reviews moved"] += 1


# --- Allocations from the companion file --------------------------------------------


def _allocate(child: Child, record: CompanionRecord, people, counts, *, by, today):
    columns = {"iro": "IRO", "social_worker": "SOCIAL_WORKER", "team": "TEAM"}
    child.refresh_from_db()
    if record.social_worker:
        social_worker = people[f"SOCIAL_WORKER:{record.social_worker}"]
        team = people[f"TEAM:{record.team}"]
        if (child.social_worker_id, child.team_id) != (social_worker.pk, team.pk):
            _at(
                COMPANION,
                record.row,
                columns,
                social_worker_allocate,
                child=child,
                social_worker=social_worker,
                team=team,
                on=today,
                by=by,
            )
            counts["social workers allocated"] += 1
    if not record.iro:
        return
    child.refresh_from_db()
    iro = people[f"IRO:{record.iro}"]
    looked_after = child.periods_of_care.filter(
        ended_on__isnull=True, short_breaks=False
    ).exists()
    if looked_after and child.iro_id != iro.pk:
        _at(
            COMPANION,
            record.row,
            columns,
            iro_allocate,
            child=child,
            iro=iro,
            on=today,
            by=by,
            reason=COMPANION_REASON,
        )
        counts["IROs allocated"] += 1
