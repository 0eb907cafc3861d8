"""The date field's markup, in its error state as in its empty one: no empty ARIA
attribute (the Nu Html Checker's error on crispy-forms-gds's date field, fixed by
templates/gds/errors.html), and every id an aria-describedby names is on the page."""

import re
from datetime import date

import pytest
from django.template import Context, Template

from reporting.forms_dashboard import DashboardFilterForm

pytestmark = pytest.mark.django_db

RENDER = Template("{% load crispy_forms_tags %}{% crispy form %}")


def html_of(form) -> str:
    return RENDER.render(Context({"form": form}))


@pytest.mark.parametrize(
    "data",
    [
        None,
        {"start_0": "31", "start_1": "2", "start_2": "2025"},
        {"start_0": "1", "start_1": "1", "start_2": "1800"},
        {"start_0": "", "start_1": "", "start_2": "2025"},
    ],
    ids=["empty", "impossible date", "implausible year", "half typed in"],
)
def test_no_empty_aria_attribute_and_every_description_exists(data):
    form = DashboardFilterForm(data, today=date(2026, 12, 1))
    if data:
        assert not form.is_valid()
    html = html_of(form)
    assert not re.search(r'aria-[a-z]+=""', html), html
    ids = set(re.findall(r'\bid="([^"]+)"', html))
    for described in re.findall(r'aria-describedby="([^"]+)"', html):
        for target in described.split():
            assert target in ids, (target, html)
    if data:
        assert "govuk-error-message" in html


def test_an_optional_date_half_typed_in_says_what_is_missing():
    form = DashboardFilterForm(
        {"start_0": "", "start_1": "4", "start_2": "2025"}, today=date(2026, 12, 1)
    )
    assert form.errors["start"] == ["Start of the period must include a day"]
    form = DashboardFilterForm(
        {"start_0": "", "start_1": "", "start_2": "2025"}, today=date(2026, 12, 1)
    )
    assert form.errors["start"] == ["Start of the period must include a day and month"]
