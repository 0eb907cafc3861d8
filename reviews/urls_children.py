from django.urls import path

from children import views_records
from reviews.views import liberty
from reviews.views import register as views

app_name = "children"

urlpatterns = [
    # A child's whole record with its audit trail (subject access request).
    path("<int:pk>/record/", views_records.record_export_view, name="record_export"),
    path(
        "<int:pk>/record/download/",
        views_records.record_download_view,
        name="record_download",
    ),
    path("", views.child_list_view, name="list"),
    path("new/", views.child_create_view, name="create"),
    path("to-complete/", views.child_to_complete_view, name="to_complete"),
    path("<int:pk>/", views.child_detail_view, name="detail"),
    path("<int:pk>/edit/", views.child_edit_view, name="edit"),
    path("<int:pk>/audit/", views.child_audit_view, name="audit"),
    path("<int:pk>/episodes/new/", views.episode_add_view, name="episode_add"),
    path("episodes/<int:pk>/edit/", views.episode_edit_view, name="episode_edit"),
    path("periods/<int:pk>/edit/", views.period_edit_view, name="period_edit"),
    path("<int:pk>/end-period/", views.period_end_view, name="period_end"),
    path("<int:pk>/new-period/", views.period_start_view, name="period_start"),
    path("<int:pk>/secure/new/", views.secure_placement_add_view, name="secure_add"),
    path(
        "<int:pk>/secure/<int:placement_pk>/",
        views.secure_placement_edit_view,
        name="secure_edit",
    ),
    path("<int:pk>/liberty/new/", liberty.liberty_order_add_view, name="liberty_add"),
    path(
        "liberty/<int:pk>/edit/", liberty.liberty_order_edit_view, name="liberty_edit"
    ),
    path(
        "liberty/<int:pk>/remove/",
        liberty.liberty_order_remove_view,
        name="liberty_remove",
    ),
    path("<int:pk>/pathway/", views.pathway_edit_view, name="pathway"),
    path("<int:pk>/post-18/", views.post18_view, name="post18"),
    path(
        "<int:pk>/sharing/new/",
        views.sharing_restriction_add_view,
        name="sharing_add",
    ),
    path(
        "<int:pk>/sharing/<int:restriction_pk>/end/",
        views.sharing_restriction_end_view,
        name="sharing_end",
    ),
    path("<int:pk>/events/new/", views.event_add_view, name="event_add"),
    path("events/<int:pk>/", views.event_detail_view, name="event"),
    path("events/<int:pk>/edit/", views.event_edit_view, name="event_edit"),
    path("events/<int:pk>/withdraw/", views.event_withdraw_view, name="event_withdraw"),
]
