from django.contrib import admin
from django.urls import include, path
from django.views.generic import RedirectView

admin.site.site_header = "Children's reviews: users and settings"
admin.site.site_title = "Users and settings"

urlpatterns = [
    path("", include("core.urls")),
    path("", include("workspace.urls")),
    path("account/", include("accounts.urls")),
    path("children/ssda903/", include("ssda903.urls")),
    path("children/", include("reviews.urls_children")),
    path("iro/", include("iro.urls")),
    path("reviews/", include("reviews.urls")),
    path("disputes/", include("disputes.urls")),
    path("documents/", include("documents.urls")),
    path("dashboard/", include("reporting.urls_dashboard")),
    # The admin signs in through the service's own sign-in (lockout, two-factor).
    path("manage/login/", RedirectView.as_view(pattern_name="accounts:login")),
    path("manage/", admin.site.urls),
]

handler400 = "core.views.error_400_view"
handler403 = "core.views.error_403_view"
handler404 = "core.views.error_404_view"
handler500 = "core.views.error_500_view"
