"""One shape for every review step: load in scope, check the role, validate, call a service."""

from collections.abc import Callable

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views import View

from core.audit import showing
from core.exceptions import EditConflict
from reviews.forms import ReviewVersionField
from reviews.models import Review
from reviews.permissions import reviews_visible_to


def load_review(request, pk: int) -> Review:
    """The review, if the user may see its child at all (404 otherwise).

    The page shows it: an access entry is written if the page is shown (core.audit).
    """
    review = get_object_or_404(
        reviews_visible_to(request.user).select_related(
            "child", "period", "child__iro"
        ),
        pk=pk,
    )
    showing(request, review)
    return review


def apply_errors(form, error: ValidationError) -> None:
    """Put a service's ValidationError beside the right field, or in the summary."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            # The service's name for a field may be the form's other name for it.
            field = getattr(form, "service_fields", {}).get(field, field)
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class ReviewStepView(View):
    """GET shows the step's form; POST validates it and calls the service.

    Subclasses set `title`, `template_name` (or use the generic one), `form_class`,
    `allowed` (a permission function from accounts.permissions) and `perform`.
    """

    title = ""
    intro = ""
    button = "Continue"
    template_name = "reviews/step_form.html"
    form_class = None
    allowed: Callable = staticmethod(lambda user, review: False)
    success_message = ""

    def dispatch(self, request, pk, **kwargs):
        self.review = load_review(request, pk)
        if not self.allowed(request.user, self.review):
            raise PermissionDenied
        self.today = timezone.localdate()
        return super().dispatch(request, pk, **kwargs)

    def get_form_kwargs(self) -> dict:
        return {}

    def get_form(self, data=None, files=None):
        return (
            self.form_class(data, files, **self.get_form_kwargs())
            if self.form_class
            else None
        )

    def get(self, request, pk, **kwargs):
        return self.render(self.get_form())

    def post(self, request, pk, **kwargs):
        form = self.get_form(request.POST, request.FILES)
        if form is None or form.is_valid():
            try:
                with transaction.atomic():
                    self.check_version(form)
                    result = self.perform(form.cleaned_data if form else {}, form)
            except ValidationError as error:
                if form is None:
                    messages.error(request, " ".join(error.messages))
                    return redirect(self.review)
                apply_errors(form, error)
            except EditConflict as conflict:
                return render(
                    request,
                    "core/conflict.html",
                    {
                        "form": form,
                        "current": conflict.current,
                        "back": self.review.get_absolute_url(),
                    },
                    status=409,
                )
            else:
                if self.success_message:
                    messages.success(request, self.success_message)
                return result or redirect(self.review)
        return self.render(form, status=400)

    def check_version(self, form) -> None:
        """Optimistic locking: refuse to save over a review changed since it was opened.

        Only a ReviewVersionField holds the review's version; the record form's
        `version` is the record's own, which record_save checks.
        """
        expected = form.cleaned_data.get("version") if form is not None else None
        if expected is None or not isinstance(
            form.fields.get("version"), ReviewVersionField
        ):
            return
        current = Review.objects.select_for_update().get(pk=self.review.pk)
        if current.version != expected:
            raise EditConflict(current)

    def perform(self, data: dict, form):  # pragma: no cover - every subclass sets it
        raise NotImplementedError

    def get_context(self) -> dict:
        return {}

    def render(self, form, status: int = 200):
        context = {
            "review": self.review,
            "child": self.review.child,
            "form": form,
            "title": self.title,
            "intro": self.intro,
            "button": self.button,
            "not_now": getattr(self, "not_now", ""),
            **self.get_context(),
        }
        return render(self.request, self.template_name, context, status=status)
