from django.urls import path

from disputes import views, views_reviews

app_name = "disputes"

urlpatterns = [
    path(
        "review/<int:pk>/decisions/authorise/",
        views_reviews.AuthoriseView.as_view(),
        name="authorise",
    ),
    path("", views.my_challenges_view, name="mine"),
    path("child/<int:child_pk>/raise/", views.challenge_raise_view, name="raise"),
    path("<int:pk>/", views.challenge_detail_view, name="detail"),
    path("<int:pk>/respond/", views.challenge_respond_view, name="respond"),
    path("<int:pk>/escalate/", views.challenge_escalate_view, name="escalate"),
    path("<int:pk>/extend/", views.challenge_extend_view, name="extend"),
    path("<int:pk>/resolve/", views.challenge_resolve_view, name="resolve"),
    path(
        "stages/<int:pk>/correct-response/",
        views.response_correct_view,
        name="response_correct",
    ),
    path("<int:pk>/comment/", views.challenge_comment_view, name="comment"),
    path("<int:pk>/cafcass/", views.cafcass_referral_view, name="cafcass"),
    path(
        "cafcass/<int:pk>/outcome/", views.cafcass_outcome_view, name="cafcass_outcome"
    ),
    path(
        "child/<int:child_pk>/practice/",
        views.acknowledgement_record_view,
        name="acknowledge",
    ),
    path("practice/", views.acknowledgement_list_view, name="acknowledgements"),
    path(
        "practice/<int:pk>/",
        views.acknowledgement_detail_view,
        name="acknowledgement_detail",
    ),
    path("quality-assurance/", views.quality_assurance_view, name="quality_assurance"),
    path(
        "quality-assurance/observations/new/",
        views.observation_record_view,
        name="observation_record",
    ),
    path(
        "quality-assurance/audits/new/",
        views.case_audit_record_view,
        name="audit_record",
    ),
]
