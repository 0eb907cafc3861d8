from django.urls import path

from reviews import views

app_name = "reviews"

urlpatterns = [
    path("timescales/", views.timescales_view, name="timescales"),
]
