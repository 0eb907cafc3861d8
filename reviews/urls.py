from django.urls import path

from reviews.views import apart, corrections, cycle, invitations, secure
from reviews.views.child import child_visit_view
from reviews.views.diary import review_diary_view
from reviews.views.respond import respond_view
from reviews.views.timescales import timescales_view

app_name = "reviews"

urlpatterns = [
    path("timescales/", timescales_view, name="timescales"),
    path("diary/", review_diary_view, name="diary"),
    path("respond/<str:token>/", respond_view, name="respond"),
    path("child/<int:child_pk>/visit/", child_visit_view, name="child_visit"),
    path("secure/", secure.secure_list_view, name="secure_list"),
    path(
        "secure/plan/<int:placement_pk>/", secure.secure_plan_view, name="secure_plan"
    ),
    path("secure/<int:pk>/", secure.secure_detail_view, name="secure_detail"),
    path("secure/<int:pk>/chair/", secure.secure_nominate_view, name="secure_nominate"),
    path("secure/<int:pk>/record/", secure.secure_record_view, name="secure_record"),
    path("secure/<int:pk>/correct/", secure.secure_correct_view, name="secure_correct"),
    path("<int:pk>/", cycle.review_detail_view, name="detail"),
    path("<int:pk>/schedule/", cycle.ScheduleView.as_view(), name="schedule"),
    path(
        "<int:pk>/authorise-date/",
        cycle.AuthoriseLaterDateView.as_view(),
        name="authorise_date",
    ),
    path(
        "<int:pk>/later-date/",
        corrections.AskLaterDateView.as_view(),
        name="later_date_ask",
    ),
    path(
        "<int:pk>/later-date/decide/",
        corrections.DecideLaterDateView.as_view(),
        name="later_date_decide",
    ),
    path("<int:pk>/cancel/", cycle.CancelView.as_view(), name="cancel"),
    path(
        "<int:pk>/additional/", cycle.AdditionalReviewView.as_view(), name="additional"
    ),
    path("<int:pk>/choices/", cycle.ChoicesView.as_view(), name="choices"),
    path("<int:pk>/checklist/", cycle.ChecklistView.as_view(), name="checklist"),
    path(
        "<int:pk>/checklist/people/add/",
        cycle.InviteeView.as_view(),
        name="invitee_add",
    ),
    path(
        "<int:pk>/checklist/people/<int:invitee_pk>/",
        cycle.InviteeView.as_view(),
        name="invitee_edit",
    ),
    path(
        "<int:pk>/checklist/not-shared/",
        cycle.SharingRestrictionView.as_view(),
        name="restriction_add",
    ),
    path("<int:pk>/confirm/", cycle.ConfirmView.as_view(), name="confirm"),
    path("<int:pk>/invitations/", cycle.InvitationsView.as_view(), name="invitations"),
    path(
        "<int:pk>/invitations/<int:invitee_pk>/resend/",
        cycle.invitation_resend_view,
        name="invitation_resend",
    ),
    path(
        "<int:pk>/invitations/<int:invitee_pk>/send/",
        invitations.invitation_send_view,
        name="invitation_send",
    ),
    path(
        "<int:pk>/invitations/posted/",
        invitations.InvitationLettersPostedView.as_view(),
        name="invitation_letters_posted",
    ),
    path(
        "<int:pk>/child-contact/",
        cycle.ChildContactView.as_view(),
        name="child_contact",
    ),
    path("<int:pk>/documents/", cycle.DocumentsView.as_view(), name="documents"),
    path(
        "<int:pk>/documents/<int:document_pk>/download/",
        cycle.document_download_view,
        name="document_download",
    ),
    path("<int:pk>/meeting/", cycle.MeetingView.as_view(), name="meeting"),
    path("<int:pk>/adjourn/", cycle.AdjournView.as_view(), name="adjourn"),
    path(
        "<int:pk>/adjourn/undo/",
        cycle.UndoAdjournmentView.as_view(),
        name="undo_adjournment",
    ),
    path("<int:pk>/held/", cycle.HoldView.as_view(), name="hold"),
    path("<int:pk>/decisions/", cycle.DecisionsView.as_view(), name="decisions"),
    path(
        "<int:pk>/decisions/<int:decision_pk>/",
        corrections.DecisionEditView.as_view(),
        name="decision_edit",
    ),
    path(
        "<int:pk>/decisions/<int:decision_pk>/remove/",
        corrections.DecisionRemoveView.as_view(),
        name="decision_remove",
    ),
    path(
        "<int:pk>/meetings/<int:meeting_pk>/correct/",
        corrections.MeetingCorrectView.as_view(),
        name="meeting_correct",
    ),
    path(
        "<int:pk>/held/correct/",
        corrections.HeldFactsView.as_view(),
        name="held_correct",
    ),
    path(
        "<int:pk>/consultations/<int:consultation_pk>/",
        corrections.ConsultationEditView.as_view(),
        name="consultation_edit",
    ),
    path(
        "<int:pk>/consultations/<int:consultation_pk>/remove/",
        corrections.ConsultationRemoveView.as_view(),
        name="consultation_remove",
    ),
    path(
        "<int:pk>/child-contact/<int:contact_pk>/",
        corrections.ChildContactEditView.as_view(),
        name="child_contact_edit",
    ),
    path(
        "<int:pk>/child-contact/<int:contact_pk>/remove/",
        corrections.ChildContactRemoveView.as_view(),
        name="child_contact_remove",
    ),
    path(
        "<int:pk>/checklist/people/<int:invitee_pk>/remove/",
        corrections.InviteeRemoveView.as_view(),
        name="invitee_remove",
    ),
    path(
        "<int:pk>/record/amend/",
        corrections.AmendRecordView.as_view(),
        name="record_amend",
    ),
    path(
        "<int:pk>/decisions/submit/",
        cycle.SubmitDecisionsView.as_view(),
        name="decisions_submit",
    ),
    path("<int:pk>/record/", cycle.RecordView.as_view(), name="record"),
    path(
        "<int:pk>/record/finalise/",
        cycle.FinaliseRecordView.as_view(),
        name="record_finalise",
    ),
    path("<int:pk>/record/version/", cycle.record_version_view, name="record_version"),
    path(
        "<int:pk>/record/version/<int:invitee_pk>/",
        cycle.record_version_view,
        name="record_version_for",
    ),
    path("<int:pk>/close/", cycle.CloseView.as_view(), name="close"),
    path("<int:pk>/comment/", cycle.CommentView.as_view(), name="comment"),
    path("<int:pk>/progress/", cycle.ProgressReviewView.as_view(), name="progress"),
    path(
        "<int:pk>/progress/updates/<int:update_pk>/withdraw/",
        cycle.decision_update_withdraw_view,
        name="decision_update_withdraw",
    ),
    path("<int:pk>/consultations/", cycle.consultations_view, name="consultations"),
    path("<int:pk>/heard/", apart.heard_view, name="heard"),
    path(
        "<int:pk>/heard/<int:invitee_pk>/plan/",
        apart.HearingApartPlanView.as_view(),
        name="hearing_apart_plan",
    ),
    path(
        "<int:pk>/consultations/enter/",
        cycle.EnterConsultationView.as_view(),
        name="consultation_enter",
    ),
]
