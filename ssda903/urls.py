from django.urls import path

from ssda903 import views

app_name = "ssda903"

urlpatterns = [
    path("import/", views.import_903_view, name="import"),
    path("export/", views.export_903_view, name="export"),
]
