"""Who has been heard before the review, and hearing people apart (V-APART)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.functional import cached_property
from django.views.decorators.http import require_GET

from reviews import forms
from reviews.permissions import can_chair_review, can_read_review_case_content
from reviews.services import apart
from reviews.views._action import ReviewStepView, load_review


@require_GET
def heard_view(request, pk):
    """Everyone on the list: invited or heard apart, and whether their views are in."""
    review = load_review(request, pk)
    if not can_read_review_case_content(request.user, review):
        raise PermissionDenied
    rows = apart.who_has_been_heard(review)
    return render(
        request,
        "reviews/heard.html",
        {
            "review": review,
            "child": review.child,
            "rows": rows,
            "to_hear": [row for row in rows if row.apart and not row.heard],
            "can_plan": can_chair_review(request.user, review)
            and review.status in apart.STILL_TO_HOLD,
        },
    )


class HearingApartPlanView(ReviewStepView):
    """The IRO plans how and when someone is heard apart from the meeting."""

    form_class = forms.HearingApartForm
    allowed = staticmethod(can_chair_review)
    button = "Save the plan"
    intro = (
        "They will not be at the meeting, or asked to speak to you separately. Plan how "
        "you will hear their views before the review. A form is sent to them by email "
        "now, with nothing about the meeting."
    )

    def dispatch(self, request, pk, **kwargs):
        self.invitee_pk = kwargs["invitee_pk"]
        return super().dispatch(request, pk, **kwargs)

    @cached_property
    def invitee(self):
        return get_object_or_404(
            self.review.invitees.exclude(role="child"), pk=self.invitee_pk
        )

    @property
    def title(self):  # type: ignore[override]
        return f"How to hear {self.invitee.name}"

    def get_form(self, data=None, files=None):
        plan = getattr(self.invitee, "hearing_apart", None)
        initial = (
            {"how": plan.how, "planned_on": plan.planned_on, "note": plan.note}
            if plan is not None
            else {}
        )
        return forms.HearingApartForm(data, initial=initial)

    def perform(self, data, form):
        apart.hearing_apart_plan(
            review=self.review,
            invitee=self.invitee,
            by=self.request.user,
            now=timezone.now(),
            **data,
        )
        return redirect("reviews:heard", self.review.pk)

    success_message = "The plan is saved."
