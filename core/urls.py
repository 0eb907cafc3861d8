from django.urls import path

from core import views, views_jobs, views_notifications, views_records

app_name = "core"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("search/", views.child_search_view, name="search"),
    path("accessibility/", views.accessibility_view, name="accessibility"),
    path(
        "notifications/",
        views_notifications.notifications_view,
        name="notifications",
    ),
    path(
        "notifications/email/",
        views_notifications.notification_preferences_view,
        name="notification_preferences",
    ),
    path("background-work/", views_jobs.jobs_view, name="jobs"),
    # A child's whole record with its audit trail (subject access request).
    path(
        "records/<int:pk>/",
        views_records.record_export_view,
        name="record_export",
    ),
    path(
        "records/<int:pk>/download/",
        views_records.record_download_view,
        name="record_download",
    ),
]
