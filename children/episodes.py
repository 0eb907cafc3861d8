"""Rules for SSDA903 episodes, as GOV.UK error messages keyed by field.

Pure functions over unsaved model instances: no queries here, so the import and
the forms share one set of rules.
"""

import re
from collections.abc import Iterable
from datetime import date

from children import codes_903
from core import dates

POSTCODE = re.compile(r"^[A-Z]{1,2}[0-9][0-9A-Z]?( ?[0-9][A-Z]{2})?$")
URN = re.compile(r"^(SC\d{6}|\d{6,7}|XXXXXXX)$")


def _long(d: date) -> str:
    return f"{d.day} {d:%B %Y}"


def episode_problems(episode, others: Iterable, *, today: date) -> dict[str, str]:
    """Return what is wrong with `episode` beside the child's other episodes."""
    errors: dict[str, str] = {}
    period = episode.period
    start, end = episode.started_on, episode.ended_on
    if start is None:
        return {"started_on": "Enter the date the episode started"}
    if start > today:
        errors["started_on"] = "Date the episode started must be today or in the past"
    elif start < period.started_on:
        errors["started_on"] = (
            "Date the episode started must be the same as or after the date the "
            f"child became looked after ({_long(period.started_on)})"
        )
    elif period.ended_on is not None and start > period.ended_on:
        errors["started_on"] = (
            "Date the episode started must be the same as or before the date the "
            f"child ceased to be looked after ({_long(period.ended_on)})"
        )
    ended = dates.problem(
        "Date the episode ended",
        end,
        dates.period_end(today=today, started=start, since="the date it started"),
    )
    if ended:
        errors["ended_on"] = ended
    if end is not None and not episode.reason_ended:
        errors["reason_ended"] = "Select the reason the episode ended"
    if end is None and episode.reason_ended:
        errors["ended_on"] = "Enter the date the episode ended"
    errors.update(_code_problems(episode))
    errors.update(_sequence_problems(episode, list(others)))
    return errors


def _code_problems(episode) -> dict[str, str]:
    errors = {}
    lists = {
        "reason_new": (codes_903.ReasonNewEpisode, "reason for the new episode"),
        "legal_status": (codes_903.LegalStatus, "legal status"),
        "category_of_need": (codes_903.CategoryOfNeed, "category of need"),
        "placement": (codes_903.Placement, "placement type"),
    }
    for field, (choices, words) in lists.items():
        if getattr(episode, field) not in choices.values:
            errors[field] = f"Select the {words}"
    optional = {
        "placement_provider": codes_903.PlacementProvider,
        "reason_ended": codes_903.ReasonEpisodeCeased,
        "reason_place_change": codes_903.ReasonPlaceChange,
    }
    for field, choices in optional.items():
        value = getattr(episode, field)
        if value and value not in choices.values:
            errors[field] = f"{value} is not an SSDA903 code for this field"
    no_provider = episode.placement in codes_903.PLACEMENTS_WITHOUT_PROVIDER
    if no_provider and episode.placement_provider:
        errors["placement_provider"] = (
            "Leave the placement provider empty for a temporary or other placement"
        )
    elif (
        not no_provider and not episode.placement_provider and "placement" not in errors
    ):
        errors["placement_provider"] = "Select the placement provider"
    # The 903 records the reason on the episode that ended because the next one
    # changed the placement (validator rule 225), never on the episode that follows;
    # the validator refuses it only on an episode that has not ended (rule 233).
    if episode.reason_place_change and not episode.reason_ended:
        errors["reason_place_change"] = (
            "Only give a reason for the placement change on an episode that has "
            "ended (903 rule 233)"
        )
    for field, label in (
        ("home_postcode", "Home postcode"),
        ("placement_postcode", "Placement postcode"),
    ):
        value = getattr(episode, field).upper().strip()
        setattr(episode, field, value)
        if value and not POSTCODE.match(value):
            errors[field] = (
                f"{label} must be a real postcode, like SW1A 1AA, or its first half"
            )
    episode.urn = episode.urn.upper().strip()
    if episode.urn and not URN.match(episode.urn):
        errors["urn"] = (
            "URN must be SC followed by 6 digits, or XXXXXXX when there is none"
        )
    return errors


def _sequence_problems(episode, others: list) -> dict[str, str]:
    """The first episode of a period starts it (RNE S); episodes never overlap."""
    errors = {}
    period = episode.period
    same_period = [o for o in others if o.period_id == period.pk]
    first = not any(o.started_on < episode.started_on for o in same_period)
    if first and period.earlier_episodes_not_held:
        # Imported without the episode that began the period (RNE S): the
        # first episode held may have any RNE and start after the period.
        if episode.started_on < period.started_on:
            errors["started_on"] = (
                "The episode must start on or after the date the child became "
                f"looked after ({_long(period.started_on)})"
            )
    elif first and episode.reason_new != codes_903.ReasonNewEpisode.S:
        errors["reason_new"] = (
            "The first episode of a period of care must have reason S "
            "(started to be looked after)"
        )
    elif first and episode.started_on != period.started_on:
        errors["started_on"] = (
            "The first episode must start on the date the child became looked after "
            f"({_long(period.started_on)}): change the period's start instead, so "
            "the period is never left without a start"
        )
    elif not first and episode.reason_new == codes_903.ReasonNewEpisode.S:
        errors["reason_new"] = (
            "Only the first episode of a period of care has reason S; "
            "choose P, L, T, B or U"
        )
    for other in others:
        if _overlap(episode, other):
            until = _long(other.ended_on) if other.ended_on else "now"
            errors.setdefault(
                "started_on",
                f"This episode overlaps the episode from {_long(other.started_on)} "
                f"to {until}",
            )
    return errors


def _overlap(a, b) -> bool:
    far = date.max
    a_end, b_end = a.ended_on or far, b.ended_on or far
    if a.started_on == b.started_on:
        return True
    return a.started_on < b_end and b.started_on < a_end
