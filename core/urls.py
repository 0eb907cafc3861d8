from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("accessibility/", views.accessibility_view, name="accessibility"),
]
