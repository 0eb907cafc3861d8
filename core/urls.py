from django.urls import path

from core import views

app_name = "core"

urlpatterns = [
    path("", views.home_view, name="home"),
    path("search/", views.child_search_view, name="search"),
    path("accessibility/", views.accessibility_view, name="accessibility"),
]
