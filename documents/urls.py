from django.urls import path

from documents import views

app_name = "documents"

urlpatterns = [
    path(
        "review/<int:pk>/invitations/<int:invitee_pk>/letter.pdf",
        views.invitation_letter_view,
        name="invitation_letter",
    ),
    path(
        "review/<int:pk>/distribute/", views.DistributeView.as_view(), name="distribute"
    ),
    path(
        "review/<int:pk>/distribute/<int:distribution_pk>/resend/",
        views.record_resend_view,
        name="record_resend",
    ),
    path(
        "review/<int:pk>/letters/posted/",
        views.LettersPostedView.as_view(),
        name="letters_posted",
    ),
    path(
        "review/<int:pk>/letters/pack/",
        views.letters_pack_view,
        name="letters_pack",
    ),
    path(
        "copy/<int:distribution_pk>/",
        views.record_copy_view,
        name="record_copy",
    ),
    path(
        "review/<int:pk>/amendment/issue/",
        views.IssueAmendmentView.as_view(),
        name="amendment_issue",
    ),
    path("<int:pk>/download/", views.document_download_view, name="download"),
    path("record/<str:token>/", views.record_link_view, name="record_link"),
    path("<int:pk>/translation/", views.translation_upload_view, name="translation"),
    path("review/<int:review_pk>/", views.review_documents_view, name="review"),
    path(
        "allocation/<int:allocation_pk>/",
        views.allocation_documents_view,
        name="allocation",
    ),
]
