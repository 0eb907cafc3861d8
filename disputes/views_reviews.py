"""The team manager's answer to a review's decisions: authorise, return, or disagree.

Disagreeing opens an informal challenge, so the page is the disputes app's: it calls
disputes.services.decisions_dispute, which records the review's part and raises the
challenge.
"""

from django.contrib import messages
from django.core.exceptions import ValidationError

from disputes.services import decisions_dispute
from reviews import services as review_services
from reviews.forms import AuthoriseDecisionsForm
from reviews.permissions import can_authorise_decisions
from reviews.views.cycle import ReviewStepView


class AuthoriseView(ReviewStepView):
    title = "Authorise the decisions"
    template_name = "reviews/authorise.html"
    form_class = AuthoriseDecisionsForm
    allowed = staticmethod(can_authorise_decisions)
    button = "Save"

    def get_context(self):
        return {"decisions": self.review.decisions.all()}

    def perform(self, data, form):
        user, action, comments = self.request.user, data["action"], data["comments"]
        if action == "authorise":
            review_services.review_authorise_decisions(
                review=self.review, by=user, today=self.today, comments=comments
            )
            messages.success(self.request, "The decisions are authorised.")
        elif action == "return":
            review_services.review_return_decisions(
                review=self.review, by=user, comments=comments
            )
            messages.success(self.request, "The decisions are returned to the IRO.")
        else:
            if not comments.strip():
                raise ValidationError(
                    {"comments": "Say what you disagree with and why"}
                )
            decisions_dispute(
                review=self.review, by=user, today=self.today, disagreement=comments
            )
            messages.success(
                self.request,
                "Your disagreement is recorded and an informal challenge is open.",
            )
