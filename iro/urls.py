from django.urls import path

from iro import views

app_name = "iro"

urlpatterns = [
    path("queue/", views.allocation_queue_view, name="queue"),
    path("allocate/<int:child_pk>/", views.allocate_view, name="allocate"),
    path("allocations/<int:pk>/letters/", views.letter_record_view, name="letters"),
    path(
        "allocations/<int:pk>/correct/",
        views.allocation_correct_view,
        name="allocation_correct",
    ),
    path("cover/", views.duty_cover_view, name="cover"),
    path("caseloads/", views.caseloads_view, name="caseloads"),
]
