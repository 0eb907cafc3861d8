from django.urls import path

from workspace import views, views_jobs, views_notifications

app_name = "workspace"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("search/", views.child_search_view, name="search"),
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
