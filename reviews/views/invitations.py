"""After the invitations went out: sending one to someone added since, and saying
which invitation letters were posted (docs/rules.md, D-CAL2, D-SENT)."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.utils import timezone
from django.views.decorators.http import require_POST

from reviews import forms
from reviews.models import Invitee
from reviews.permissions import can_send_for_review
from reviews.services import invitation_letters
from reviews.services.preparation import invitation_send_late
from reviews.views._action import ReviewStepView, load_review


@require_POST
def invitation_send_view(request, pk, invitee_pk):
    """Send the invitation of someone added to the list after the others (D-CAL2)."""
    review = load_review(request, pk)
    if not can_send_for_review(request.user, review):
        raise PermissionDenied
    invitee = get_object_or_404(review.invitees, pk=invitee_pk)
    try:
        invitation = invitation_send_late(
            review=review, invitee=invitee, by=request.user, now=timezone.now()
        )
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(
            request,
            f"The invitation to {invitee.name} is made: "
            + (
                "print the letter below and post it."
                if invitation.method == Invitee.Method.LETTER
                else "its email is waiting to go."
            ),
        )
    return redirect("reviews:invitations", review.pk)


class InvitationLettersPostedView(ReviewStepView):
    """Business support says which invitation letters went in the post, and when
    (D-SENT): a letter counts as sent from that day, not from when it was made."""

    title = "Confirm the invitation letters were posted"
    template_name = "reviews/invitation_letters_posted.html"
    allowed = staticmethod(can_send_for_review)
    button = "Confirm they were posted"

    def letters(self):
        return invitation_letters.letters_to_post(self.review, now=timezone.now())

    def get_form(self, data=None, files=None):
        return forms.InvitationLettersPostedForm(data, letters=self.letters())

    def render(self, form, status: int = 200):
        if not self.letters().exists():
            self.not_now = "There are no invitation letters waiting to be posted."
        return super().render(form, status)

    def perform(self, data, form):
        posted = invitation_letters.letters_posted(
            review=self.review,
            by=self.request.user,
            posted_on=data["posted_on"],
            letters=list(data["letters"]),
            today=timezone.localdate(),
            now=timezone.now(),
        )
        messages.success(
            self.request,
            f"{posted} {'letter is' if posted == 1 else 'letters are'} recorded as "
            "posted.",
        )
        return redirect("reviews:invitations", self.review.pk)
