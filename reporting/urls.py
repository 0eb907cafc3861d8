from django.urls import path

from reporting import views

app_name = "reporting"

urlpatterns = [
    path("<int:pk>/download/", views.document_download_view, name="download"),
    path("<int:pk>/translation/", views.translation_upload_view, name="translation"),
    path("review/<int:review_pk>/", views.review_documents_view, name="review"),
    path(
        "allocation/<int:allocation_pk>/",
        views.allocation_documents_view,
        name="allocation",
    ),
]
