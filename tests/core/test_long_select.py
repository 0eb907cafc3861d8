"""core.forms.LongSelect writes the same select as Django's own widget."""

import pytest
from django import forms
from django.test.html import parse_html

from core.forms import LongSelect

CHOICES = [("", "All IROs"), ("1", "Ann & Bo"), ("2", '<b>"Cy"</b>'), (3, "Di")]


class Pair(forms.Form):
    django = forms.ChoiceField(choices=CHOICES, required=False)
    long = forms.ChoiceField(choices=CHOICES, required=False, widget=LongSelect)


@pytest.mark.parametrize("value", [None, "", "2", "3", "9"])
def test_same_html_as_djangos_select(value):
    form = Pair({"django": value, "long": value} if value is not None else None)
    ours = str(form["long"]).replace('name="long"', 'name="x"').replace("id_long", "i")
    theirs = str(form["django"]).replace('name="django"', 'name="x"')
    assert parse_html(ours) == parse_html(theirs.replace("id_django", "i"))
    assert "&lt;b&gt;" in ours and "<b>" not in ours


def test_the_chosen_option_is_selected():
    html = str(Pair({"long": "3"})["long"])
    assert '<option value="3" selected>Di</option>' in html
    assert '<option value="" selected>' not in html
