from django.urls import path

from core import views, views_jobs, views_notifications

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
]
