"""A date's messages read as sentences: "<what the date is> must be ...".

A message starts with the field's label (core.forms.GovUKDateField) or the service's
label (core.dates.problem), then says what is accepted. A label that is a phrase ending
"by" or "until", or that carries a note in brackets, made messages such as "The
additional review must be held by must be between 1900 and 2100".
"""

import importlib
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
from django import forms
from django.apps import apps
from django.core.exceptions import ValidationError
from django.utils import timezone

from core.forms import GovUKDateField, message_subject

ROOT = Path(__file__).resolve().parents[2]
# A subject that ends like this cannot be followed by "must be".
DANGLING = re.compile(r"\b(by|until|held by)$", re.IGNORECASE)
# Known, each with its reason: the form's label and the service's are changed together.
NOT_YET: dict[str, str] = {}


def _date_fields():
    for config in apps.get_app_configs():
        if not Path(config.path).is_relative_to(ROOT):
            continue
        for path in sorted(Path(config.path).glob("forms*.py")):
            importlib.import_module(f"{config.name}.{path.stem}")
    seen = set()
    stack = [forms.BaseForm]
    while stack:
        form = stack.pop()
        stack.extend(form.__subclasses__())
        if form in seen or not form.__module__.startswith(
            tuple(c.name + "." for c in apps.get_app_configs())
        ):
            continue
        seen.add(form)
        for name, field in getattr(form, "base_fields", {}).items():
            if isinstance(field, GovUKDateField):
                yield f"{form.__module__}.{form.__name__}.{name}", field


def test_a_note_in_brackets_is_not_part_of_the_message():
    field = GovUKDateField(label="Date of birth (optional)", required=False)
    assert field.range_message == "Date of birth must be between 1900 and 2100"
    assert field.error_messages["invalid"] == "Date of birth must be a real date"
    assert message_subject("The date it will happen (if it has not happened yet)") == (
        "The date it will happen"
    )
    named = GovUKDateField(label="When, if known (optional)", subject="Date of it")
    assert named.range_message == "Date of it must be between 1900 and 2100"


def test_every_date_field_s_messages_read_as_a_sentence():
    awkward = {}
    fields = dict(_date_fields())
    assert len(fields) > 50  # the forms were found
    for where, field in fields.items():
        subject = field.range_message.removesuffix(" must be between 1900 and 2100")
        if "(" in subject or DANGLING.search(subject):
            awkward[where] = field.range_message
    assert set(awkward) == set(NOT_YET), awkward


@pytest.mark.django_db
def test_the_date_an_additional_review_must_be_held_by_reads_naturally(world):
    from reviews.services.events import (
        significant_event_decide,
        significant_event_record,
    )

    today = timezone.localdate()
    event = significant_event_record(
        child=world["north_child"],
        kind="IRO_REQUEST",
        occurred_on=today,
        description="Drift",
        by=world["sw_north"],
        today=today,
    )
    decide = {
        "event": event,
        "decision": "additional_review",
        "reason": "Urgent",
        "child_consulted": True,
        "parents_consulted": True,
        "by": world["iro_a"],
        "today": today,
    }
    for review_by in (today - timedelta(days=1), date(2100, 1, 1)):
        with pytest.raises(ValidationError) as refused:
            significant_event_decide(review_by=review_by, **decide)
        assert refused.value.message_dict["review_by"] == [
            "Latest date for the additional review must be today or in the future, "
            "and no more than 2 years ahead"
        ]
    with pytest.raises(ValidationError) as refused:
        significant_event_decide(review_by=None, **decide)
    assert refused.value.message_dict["review_by"] == [
        "Enter the latest date for the additional review"
    ]


@pytest.mark.django_db
def test_the_end_of_iro_involvement_after_18_reads_naturally(world):
    from children.services import post18_involvement_authorise

    child = world["north_child"]  # born 1 June 2015
    for until, accepted in (
        (date(2033, 6, 1), "must be after the young person's 18th birthday"),
        (
            date(2041, 1, 1),
            "must be no later than the young person's 25th birthday (1 June 2040)",
        ),
    ):
        with pytest.raises(ValidationError) as refused:
            post18_involvement_authorise(child=child, until=until, by=world["manager"])
        assert refused.value.message_dict["until"] == [
            f"Last day of IRO involvement after 18 {accepted}"
        ]
