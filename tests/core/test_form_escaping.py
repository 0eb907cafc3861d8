"""No text a person typed reaches a form's HTML unescaped (labels, help text, choices).

crispy-forms-gds writes labels and help text with |safe, so a name typed by one user
would be markup in another user's browser; the GOV.UK form bases escape them.
"""

import pytest
from crispy_forms.utils import render_crispy_form
from django import forms

from core.forms import GovUKForm, GovUKModelForm
from reviews.models import Invitee

HOSTILE = '<meta http-equiv="refresh" content="0;url=https://elsewhere.example/">'


class _Typed(GovUKForm):
    def __init__(self, *args, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["how"] = forms.ChoiceField(
            label=f"How did {name} take part?",
            help_text=f"Ask {name}",
            choices=[("", "Not recorded"), ("x", name)],
            required=False,
        )
        self.fields["agree"] = forms.BooleanField(
            label=f"{name} agrees", required=False
        )
        self.fields["note"] = forms.CharField(label=f"Note for {name}", required=False)


class _Model(GovUKModelForm):
    class Meta:
        model = Invitee
        fields = ["name"]

    def __init__(self, *args, name: str, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].label = f"Name of {name}"
        self.fields["name"].help_text = name


@pytest.mark.parametrize("form_class", [_Typed, _Model])
def test_labels_help_text_and_choices_are_escaped(form_class):
    html = render_crispy_form(form_class(name=HOSTILE))
    assert "<meta" not in html
    assert "&lt;meta" in html


def test_plain_labels_read_the_same():
    html = render_crispy_form(_Typed(name="Mum O'Brien & co"))
    assert "Mum O&#x27;Brien &amp; co" in html or "Mum O&#39;Brien &amp; co" in html
    assert "&amp;amp;" not in html and "&amp;#x27;" not in html
