from django.urls import path

from children import views

app_name = "children"

urlpatterns = [
    path("", views.child_list_view, name="list"),
    path("<int:pk>/", views.child_detail_view, name="detail"),
    path("<int:pk>/edit/", views.child_edit_view, name="edit"),
    path("<int:pk>/audit/", views.child_audit_view, name="audit"),
]
