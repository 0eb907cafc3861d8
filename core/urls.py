from django.urls import path

from core import views, views_downloads

app_name = "core"

urlpatterns = [
    path("accessibility/", views.accessibility_view, name="accessibility"),
    path("downloads/<uuid:pk>/", views_downloads.download_status_view, name="download"),
    path(
        "downloads/<uuid:pk>/file/",
        views_downloads.download_file_view,
        name="download_file",
    ),
]
