"""The background-work page's retry form."""

from django import forms
from django_q.models import Failure

from core.forms import GovUKForm
from core.models import OutboundEmail

CHOOSE = "Choose a failed task or email to retry"


class RetryForm(GovUKForm):
    """What to retry: "emails" (every unsent email), "email:<id>" or "task:<id>"."""

    retry = forms.CharField(max_length=60, error_messages={"required": CHOOSE})

    def clean_retry(self):
        value = self.cleaned_data["retry"].strip()
        kind, _, ident = value.partition(":")
        if kind == "emails" and not ident:
            return ("emails", None)
        if kind == "email" and ident.isascii() and ident.isdigit() and len(ident) < 19:
            email = (
                OutboundEmail.objects.exclude(status=OutboundEmail.Status.SENT)
                .filter(pk=int(ident))
                .first()
            )
            if email is None:
                raise forms.ValidationError(
                    "That email has been sent already, or is no longer in the outbox"
                )
            return ("email", email)
        if kind == "task" and ident:
            task = Failure.objects.filter(pk=ident).first()
            if task is None:
                raise forms.ValidationError(
                    "That task is no longer in the list of failed tasks"
                )
            return ("task", task)
        raise forms.ValidationError(CHOOSE)
