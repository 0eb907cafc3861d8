"""Deprivation of liberty orders (docs/rules.md, DOL-1 to DOL-6): the pure rules, the
services, the child's page, the review's pages and My work."""

from datetime import date, timedelta

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError

from accounts.models import Role
from children import deprivation
from children.deprivation import Span
from children.models import DeprivationOfLibertyOrder
from children.services import episode_add, period_close
from children.services_liberty import (
    child_flags,
    for_review,
    liberty_order_change,
    liberty_order_record,
    liberty_order_remove,
    open_after_care,
    warnings_after_save,
)
from tests.factories import ChildFactory, make_user

TODAY = date(2026, 11, 23)
D = date
Order = DeprivationOfLibertyOrder
LOOKED_AFTER = D(2025, 1, 6)  # tests.factories.PeriodOfCareFactory


# --- The pure rules -------------------------------------------------------------------


def test_orders_may_meet_but_not_overlap():
    """DOL-2 (903 rule 705): an order may start the day the last one ended."""
    ended = Span(D(2026, 1, 1), D(2026, 3, 1))
    assert not Span(D(2026, 3, 1)).overlaps(ended)
    assert Span(D(2026, 2, 28)).overlaps(ended)
    assert Span(D(2025, 6, 1), D(2026, 1, 2)).overlaps(ended)
    assert not Span(D(2025, 6, 1), D(2026, 1, 1)).overlaps(ended)
    assert Span(D(2027, 1, 1)).overlaps(Span(D(2026, 1, 1)))  # an open one runs on


def test_placements_during_an_order_follow_rules_709_and_710():
    order = Span(D(2026, 1, 10), D(2026, 3, 1))
    episodes = [
        Span(D(2025, 6, 1), D(2026, 1, 9), "K1"),  # ended before the order: not during
        Span(D(2026, 1, 9), D(2026, 1, 10), "U4"),  # ends the day it starts: during
        Span(D(2026, 1, 10), D(2026, 2, 1), "K2"),
        Span(D(2026, 2, 1), D(2026, 2, 10), "K1"),
        Span(D(2026, 2, 10), None, "Z12"),
        Span(D(2026, 3, 2), None, "P1"),  # after the order
    ]
    found = deprivation.placement_problems(order, episodes)
    assert len(found) == 2
    assert "(U4)" in found[0] and "rule 709" in found[0]
    assert "(K1)" in found[1] and "rule 710" in found[1]
    for code in ("K1", "P1", "R5", "K3"):
        (message,) = deprivation.placement_problems(
            order, [Span(D(2026, 1, 1), None, code)]
        )
        assert "rule 710" in message
    for code in ("K2", "Z12", "Z13"):
        assert (
            deprivation.placement_problems(order, [Span(D(2026, 1, 1), None, code)])
            == []
        )


def test_an_open_order_is_checked_against_every_placement_since():
    open_order = Span(D(2026, 1, 10))
    assert deprivation.placement_problems(open_order, [Span(D(2030, 1, 1), None, "R5")])


def test_last_years_open_orders_must_carry_over_rule_706():
    last = [("A1", D(2026, 1, 1), None), ("B1", D(2026, 1, 1), D(2026, 2, 1))]
    assert deprivation.carried_over_problems(last, [("A1", D(2026, 1, 1), None)]) == []
    (problem,) = deprivation.carried_over_problems(last, [("A1", D(2026, 1, 2), None)])
    assert "A1" in problem and "rule 706" in problem


def test_the_period_an_order_started_in():
    periods = [Span(D(2024, 1, 1), D(2025, 1, 1)), Span(D(2025, 6, 1))]
    assert deprivation.period_for(Span(D(2025, 1, 1)), periods) == periods[0]
    assert deprivation.period_for(Span(D(2025, 3, 1)), periods) is None
    assert deprivation.period_for(Span(D(2026, 3, 1)), periods) == periods[1]
    assert deprivation.open_after_care(Span(D(2024, 5, 1)), periods[0])
    assert not deprivation.open_after_care(Span(D(2025, 7, 1)), periods[1])
    assert deprivation.ends_after_care(Span(D(2024, 5, 1), D(2025, 2, 1)), periods[0])


# --- The services ---------------------------------------------------------------------


def _child():
    child = ChildFactory(date_of_birth=D(2012, 5, 1))  # looked after from 6 Jan 2025
    return child


def _record(child, **fields):
    values = {
        "started_on": D(2025, 3, 1),
        "accommodation": Order.Accommodation.RELEVANT,
        "court_reference": "ZW25C00123",
    } | fields
    return liberty_order_record(child=child, by=None, today=TODAY, **values)


def _episode(child, placement, started_on=LOOKED_AFTER):
    return episode_add(
        period=child.periods_of_care.get(),
        by=None,
        started_on=started_on,
        reason_new="S",
        legal_status="C2",
        category_of_need="N1",
        placement=placement,
        placement_provider="PR1",
    )


@pytest.mark.django_db
def test_an_order_is_recorded_with_its_history():
    child = _child()
    user = make_user(Role.SOCIAL_WORKER)
    order = liberty_order_record(
        child=child,
        by=user,
        today=TODAY,
        started_on=D(2025, 3, 1),
        accommodation=Order.Accommodation.INHERENT,
        court_reference="ZW25C00123",
        court_review_on=D(2025, 6, 1),
    )
    assert order.recorded_by == user and order.is_open
    entry = LogEntry.objects.get_for_object(order).get()
    assert entry.action == LogEntry.Action.CREATE
    assert entry.additional_data == {"child": child.pk}


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("fields", "field", "words"),
    [
        (
            {"started_on": D(2012, 5, 1)},
            "started_on",
            "after the child's date of birth",
        ),
        ({"started_on": TODAY + timedelta(days=1)}, "started_on", "in the past"),
        ({"started_on": D(2024, 12, 1)}, "started_on", "during a period of care"),
        ({"ended_on": D(2025, 3, 1)}, "ended_on", "after the date the order started"),
        ({"ended_on": TODAY + timedelta(days=1)}, "ended_on", "in the past"),
        ({"court_review_on": D(2075, 1, 1)}, "court_review_on", "no more than 2 years"),
        ({"court_review_on": D(2025, 2, 1)}, "court_review_on", "on or after"),
    ],
)
def test_implausible_dates_are_refused_beside_the_field(fields, field, words):
    """DOL-1 (903 rules 702, 708; core.dates) and DOL-3 (rule 707)."""
    child = _child()
    with pytest.raises(ValidationError) as refused:
        _record(child, **fields)
    assert words in " ".join(refused.value.message_dict[field])
    assert not Order.everything.exists()


@pytest.mark.django_db
def test_overlapping_orders_are_refused_with_a_clear_message():
    child = _child()
    _record(child, ended_on=D(2025, 5, 1))
    with pytest.raises(ValidationError) as refused:
        _record(child, started_on=D(2025, 4, 30))
    (message,) = refused.value.message_dict["started_on"]
    assert message.startswith(
        "The child already has a deprivation of liberty order from 1 March 2025 to "
        "1 May 2025"
    )
    assert _record(child, started_on=D(2025, 5, 1)).is_open  # it may start that day
    with pytest.raises(ValidationError, match="and still open"):
        _record(child, started_on=D(2025, 9, 1))
    other = _child()
    assert _record(other).pk  # another child's orders are their own


@pytest.mark.django_db
def test_an_order_is_corrected_and_ended_and_a_correction_may_not_overlap():
    child = _child()
    first = _record(child, ended_on=D(2025, 4, 1))
    second = _record(child, started_on=D(2025, 6, 1))
    liberty_order_change(order=second, by=None, today=TODAY, ended_on=D(2025, 9, 1))
    second.refresh_from_db()
    assert second.ended_on == D(2025, 9, 1)
    with pytest.raises(ValidationError, match="overlap"):
        liberty_order_change(order=first, by=None, today=TODAY, ended_on=D(2025, 7, 1))
    first.refresh_from_db()
    assert first.ended_on == D(2025, 4, 1)
    change = LogEntry.objects.get_for_object(second).filter(
        action=LogEntry.Action.UPDATE
    )
    assert change.get().changes_dict["ended_on"] == ["None", "2025-09-01"]


@pytest.mark.django_db
def test_an_order_removed_keeps_its_row_and_reason():
    child = _child()
    order = _record(child)
    user = make_user(Role.SOCIAL_WORKER)
    with pytest.raises(ValidationError):
        liberty_order_remove(order=order, by=user, reason="  ")
    liberty_order_remove(order=order, by=user, reason="The wrong child")
    assert not child.liberty_orders.exists()
    kept = Order.everything.get(pk=order.pk)
    assert (kept.removed_by, kept.removed_reason) == (user, "The wrong child")
    assert _record(child).pk  # the removed order overlaps nothing


@pytest.mark.django_db
def test_placements_during_the_order_are_warned_not_refused():
    """DOL-5: 903 rules 709 and 710 on save."""
    child = _child()
    _episode(child, "K1")
    order = _record(child)
    (warning,) = warnings_after_save(order)
    assert "(K1)" in warning and "rule 710" in warning
    assert [flag.text for flag in child_flags(child)] == [warning]


@pytest.mark.django_db
def test_an_order_open_when_care_ends_is_flagged_and_is_a_task():
    """DOL-4: flagged on the child's page and on the social worker's My work."""
    social_worker = make_user(Role.SOCIAL_WORKER)
    child = _child()
    child.social_worker = social_worker
    child.save()
    _episode(child, "K2")
    order = _record(child)
    assert open_after_care([child]) == []
    period_close(
        period=child.periods_of_care.get(),
        ended_on=D(2025, 8, 1),
        reason="E11",
        today=TODAY,
    )
    (flag,) = child_flags(child)
    assert flag.act and "record the date the order ended" in flag.text
    (entry,) = open_after_care([child])
    assert (entry.order, entry.care_ended_on) == (order, D(2025, 8, 1))
    liberty_order_change(order=order, by=None, today=TODAY, ended_on=D(2025, 8, 1))
    assert child_flags(child) == [] and open_after_care([child]) == []


@pytest.mark.django_db
def test_a_review_shows_the_orders_of_its_period():
    from reviews.services import review_plan_next

    child = _child()
    review = review_plan_next(period=child.periods_of_care.get(), by=None)
    assert for_review(review) == []
    order = _record(child, ended_on=D(2025, 4, 1))
    assert for_review(review) == [order]


@pytest.mark.django_db
def test_the_subject_access_export_holds_the_orders_removed_ones_too():
    from children.records import child_record

    child = _child()
    order = _record(child)
    liberty_order_remove(order=order, by=make_user(Role.SOCIAL_WORKER), reason="Oops")
    record = child_record(child)
    (row,) = record["records"]["children.deprivationoflibertyorder"]
    assert row["fields"]["removed_reason"] == "Oops"
