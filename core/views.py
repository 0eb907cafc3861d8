from django.contrib.auth.decorators import login_not_required
from django.http import HttpResponseServerError
from django.shortcuts import render
from django.template import loader
from django.views.decorators.http import require_GET


@login_not_required
@require_GET
def accessibility_view(request):
    """The accessibility statement (public, as the regulations require)."""
    return render(request, "core/accessibility.html")


def error_400_view(request, exception=None):
    return render(request, "400.html", status=400)


def error_403_view(request, exception=None):
    return render(request, "403.html", status=403)


def error_404_view(request, exception=None):
    return render(request, "404.html", status=404)


def error_500_view(request):
    """Render the 500 page without the request context: it must work when little else does."""
    return HttpResponseServerError(loader.get_template("500.html").render())
