from django.views.decorators.http import require_http_methods

from core.http import render_form_page
from reviews import timescales
from reviews.forms import TimescalesForm


@require_http_methods(["GET", "POST"])
def timescales_view(request):
    """Work out a child's whole schedule of statutory and local deadlines, explained."""
    form = TimescalesForm(request.POST if request.method == "POST" else None)
    schedule = None
    if form.is_valid():
        data = form.cleaned_data
        schedule = [
            {
                "deadline": deadline,
                "explanation": timescales.explain(deadline),
                "practical": (
                    deadline.practical_date
                    if deadline.at is None and deadline.practical_date != deadline.date
                    else None
                ),
            }
            for deadline in timescales.review_schedule(
                data["looked_after_on"],
                data["reviews_held"],
                authority_to_place_on=data["authority_to_place_on"],
                placed_for_adoption_on=data["placed_for_adoption_on"],
                placement_ended_on=data["placement_ended_on"],
                secure_started_on=data["secure_started_on"],
                review_on=data["review_on"],
                date_of_birth=data["date_of_birth"],
            )
        ]
    return render_form_page(
        request, "reviews/timescales.html", {"form": form, "schedule": schedule}
    )
