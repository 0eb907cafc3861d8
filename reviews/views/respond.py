"""Pages for people without an account: consultation and feedback through a single-use link."""

from django.contrib.auth.decorators import login_not_required
from django.http import Http404
from django.shortcuts import render
from django.utils import timezone
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_http_methods

from reviews import forms, services
from reviews.models import AccessLink


@login_not_required
@never_cache
@require_http_methods(["GET", "POST"])
def respond_view(request, token):
    """Answer the consultation or feedback questions once, from a phone or a computer."""
    link = services.access_link_for(token)
    if link is None:
        raise Http404
    now = timezone.now()
    if not link.is_usable(now):
        return render(request, "reviews/respond_gone.html", {"link": link}, status=410)
    is_child = link.invitee.role == "child"
    form_class = _form_class(link, is_child)
    form = form_class(request.POST or None)
    if form.is_valid():
        submit = (
            services.consultation_submit_via_link
            if link.purpose == AccessLink.Purpose.CONSULTATION
            else services.feedback_submit_via_link
        )
        try:
            submit(token=token, now=now, **form.cleaned_data)
        except services.LinkUnusable:
            return render(
                request, "reviews/respond_gone.html", {"link": link}, status=410
            )
        return render(
            request, "reviews/respond_done.html", {"link": link, "is_child": is_child}
        )
    context = {
        "form": form,
        "link": link,
        "is_child": is_child,
        "name": link.review.child.known_as,
    }
    status = 400 if form.is_bound else 200
    return render(request, "reviews/respond.html", context, status=status)


def _form_class(link: AccessLink, is_child: bool):
    if link.purpose == AccessLink.Purpose.FEEDBACK:
        return forms.FeedbackForm
    return forms.ChildConsultationForm if is_child else forms.ConsultationForm
