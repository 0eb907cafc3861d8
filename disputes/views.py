"""Challenge and quality-of-practice pages: load in scope, check, validate, call a service."""

from datetime import timedelta

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Max
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods

from accounts.models import Role, User
from children.models import Child
from children.permissions import children_visible_to
from core.audit import showing
from core.http import render_form_page
from disputes import forms, selectors, services
from disputes.models import CafcassReferral, Challenge, ChallengeStage
from disputes.permissions import (
    acknowledgements_visible_to,
    can_act_as_iro_on_challenge,
    can_comment_on_challenge,
    can_correct_challenge_response,
    can_raise_challenge,
    can_record_acknowledgement,
    can_respond_to_challenge,
    can_run_iro_quality_assurance,
    can_see_acknowledgements,
    can_see_challenges,
    case_audits_visible_to,
    challenges_visible_to,
    observations_visible_to,
)

Action = Challenge.Action


def _challenge(request, pk) -> Challenge:
    challenge = get_object_or_404(
        challenges_visible_to(request.user).select_related(
            "child", "raised_by", "team_at_time", "review"
        ),
        pk=pk,
    )
    showing(request, challenge)
    return challenge


def _data(request):
    return request.POST if request.method == "POST" else None


def _run(form, service, **kwargs):
    """Call the service; its ValidationError lands on the form. Return the result or None."""
    try:
        return service(**kwargs)
    except ValidationError as error:
        form.add_error(None, error)
        return None


# --- Challenges ----------------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def challenge_raise_view(request, child_pk):
    child = get_object_or_404(children_visible_to(request.user), pk=child_pk)
    if not can_raise_challenge(request.user, child):
        raise PermissionDenied
    showing(request, child)
    # A prompt elsewhere (D-PERM: no permanence plan) may suggest the category.
    initial = {"category": request.GET.get("category", "")}
    form = forms.ChallengeRaiseForm(_data(request), child=child, initial=initial)
    if form.is_valid():
        challenge = _run(
            form,
            services.challenge_raise,
            child=child,
            by=request.user,
            **form.cleaned_data,
        )
        if challenge is not None:
            stage = challenge.current_stage
            messages.success(
                request, f"Challenge raised. {stage.owner} has been asked to respond."
            )
            return redirect(challenge)
    return render_form_page(
        request, "disputes/challenge_raise.html", {"form": form, "child": child}
    )


@require_GET
def challenge_detail_view(request, pk):
    challenge = _challenge(request, pk)
    stage = challenge.current_stage
    user = request.user
    can_act = challenge.is_open and can_act_as_iro_on_challenge(user, challenge)
    stages = list(challenge.stages.select_related("owner", "responded_by"))
    context = {
        "challenge": challenge,
        "child": challenge.child,
        "stage": stage,
        "timer": selectors.stage_timer(challenge, stage) if stage else None,
        "stages": stages,
        "may_correct": {
            s.pk for s in stages if can_correct_challenge_response(user, s)
        },
        "events": challenge.events.select_related("by"),
        "referrals": challenge.cafcass_referrals.all(),
        "can_respond": can_respond_to_challenge(user, challenge),
        "can_escalate": can_act
        and challenge.can(Action.ESCALATE)
        and challenge.stage < 4,
        "can_extend": can_act and challenge.can(Action.EXTEND),
        "can_resolve": can_act and challenge.can(Action.RESOLVE),
        "can_refer": can_act_as_iro_on_challenge(user, challenge),
        "can_comment": can_comment_on_challenge(user, challenge),
        "comment_form": forms.ChallengeCommentForm(),
    }
    return render(request, "disputes/challenge_detail.html", context)


def _action_view(
    request,
    pk,
    *,
    allowed,
    form_class,
    template,
    service,
    done,
    needs_challenge=False,
    **extra,
):
    """One page per IRO or owner action: a form, then the service, then the challenge."""
    challenge = _challenge(request, pk)
    if not allowed(request.user, challenge):
        raise PermissionDenied
    form_kwargs = {"challenge": challenge} if needs_challenge else {}
    form = form_class(_data(request), **form_kwargs)
    if form.is_valid():
        result = _run(
            form,
            service,
            challenge=challenge,
            by=request.user,
            **{**form.cleaned_data, **extra},
        )
        if result is not None:
            messages.success(request, done)
            return redirect(challenge)
    return render_form_page(
        request,
        template,
        {"form": form, "challenge": challenge, "child": challenge.child},
    )


def _iro_may(action):
    def allowed(user, challenge):
        return challenge.can(action) and can_act_as_iro_on_challenge(user, challenge)

    return allowed


@require_http_methods(["GET", "POST"])
def challenge_respond_view(request, pk):
    return _action_view(
        request,
        pk,
        allowed=can_respond_to_challenge,
        form_class=forms.ChallengeRespondForm,
        template="disputes/challenge_respond.html",
        service=services.challenge_respond,
        done="Your response has been sent to the IRO.",
    )


@require_http_methods(["GET", "POST"])
def challenge_escalate_view(request, pk):
    return _action_view(
        request,
        pk,
        allowed=lambda user, c: c.stage < 4 and _iro_may(Action.ESCALATE)(user, c),
        form_class=forms.ChallengeEscalateForm,
        template="disputes/challenge_escalate.html",
        service=services.challenge_escalate,
        done="Challenge escalated.",
        needs_challenge=True,
        on=timezone.localdate(),
    )


@require_http_methods(["GET", "POST"])
def challenge_extend_view(request, pk):
    return _action_view(
        request,
        pk,
        allowed=_iro_may(Action.EXTEND),
        form_class=forms.ChallengeExtendForm,
        template="disputes/challenge_extend.html",
        service=services.challenge_extend,
        done="More time given.",
    )


@require_http_methods(["GET", "POST"])
def challenge_resolve_view(request, pk):
    return _action_view(
        request,
        pk,
        allowed=_iro_may(Action.RESOLVE),
        form_class=forms.ChallengeResolveForm,
        template="disputes/challenge_resolve.html",
        service=services.challenge_resolve,
        done="Challenge closed.",
        on=timezone.localdate(),
    )


@require_http_methods(["GET", "POST"])
def challenge_comment_view(request, pk):
    return _action_view(
        request,
        pk,
        allowed=can_comment_on_challenge,
        form_class=forms.ChallengeCommentForm,
        template="disputes/challenge_comment.html",
        service=services.challenge_comment,
        done="Comment added.",
    )


@require_http_methods(["GET", "POST"])
def response_correct_view(request, pk):
    """A stage's response put right, with a reason, by whoever gave it (D8)."""
    stage = get_object_or_404(
        ChallengeStage.objects.filter(
            challenge__in=challenges_visible_to(request.user)
        ).select_related("challenge__child", "owner", "responded_by"),
        pk=pk,
    )
    challenge = stage.challenge
    showing(request, challenge)
    if not can_correct_challenge_response(request.user, stage):
        raise PermissionDenied
    form = forms.ResponseCorrectForm(
        _data(request), initial={"response": stage.response}
    )
    if form.is_valid():
        try:
            correction = services.challenge_response_correct(
                stage=stage, by=request.user, **form.cleaned_data
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(
                request,
                "The response is corrected. The history keeps what it said."
                if correction
                else "Nothing was changed: the response is as it was.",
            )
            return redirect(challenge)
    context = {
        "form": form,
        "challenge": challenge,
        "child": challenge.child,
        "stage": stage,
        "corrections": stage.response_corrections.select_related("by"),
    }
    return render_form_page(request, "disputes/response_correct.html", context)


@require_http_methods(["GET", "POST"])
def cafcass_referral_view(request, pk):
    return _action_view(
        request,
        pk,
        allowed=can_act_as_iro_on_challenge,
        form_class=forms.CafcassReferralForm,
        template="disputes/cafcass_referral.html",
        service=services.cafcass_referral_record,
        done="Cafcass referral recorded.",
    )


@require_http_methods(["GET", "POST"])
def cafcass_outcome_view(request, pk):
    referral = get_object_or_404(
        CafcassReferral.objects.filter(
            challenge__in=challenges_visible_to(request.user)
        ).select_related("challenge__child"),
        pk=pk,
    )
    showing(request, referral)
    challenge = referral.challenge
    if not can_act_as_iro_on_challenge(request.user, challenge):
        raise PermissionDenied
    form = forms.CafcassOutcomeForm(_data(request))
    if form.is_valid():
        result = _run(
            form,
            services.cafcass_referral_outcome_record,
            referral=referral,
            by=request.user,
            on=timezone.localdate(),
            **form.cleaned_data,
        )
        if result is not None:
            messages.success(request, "Outcome of the Cafcass referral recorded.")
            return redirect(challenge)
    context = {"form": form, "challenge": challenge, "referral": referral}
    return render_form_page(request, "disputes/cafcass_outcome.html", context)


@require_GET
def my_challenges_view(request):
    """My challenges: waiting for my response, those I follow as IRO, and the rest I see."""
    user = request.user
    if not can_see_challenges(user):
        raise PermissionDenied
    awaiting = list(selectors.awaiting_response_from(user)[:100])
    followed = list(selectors.followed_by(user)[:100])
    seen = {c.pk for c in awaiting} | {c.pk for c in followed}
    others = list(selectors.other_open_challenges(user, seen)[:50])
    context = {
        "awaiting": awaiting,
        "followed": followed,
        "others": others,
        "today": timezone.localdate(),
        "can_run_qa": can_run_iro_quality_assurance(user),
        "can_see_acknowledgements": can_see_acknowledgements(user),
    }
    return render(request, "disputes/my_challenges.html", context)


# --- Quality of practice -------------------------------------------------------------


@require_http_methods(["GET", "POST"])
def acknowledgement_record_view(request, child_pk):
    child = get_object_or_404(
        children_visible_to(request.user).select_related("social_worker"), pk=child_pk
    )
    if not can_record_acknowledgement(request.user, child):
        raise PermissionDenied
    showing(request, child)
    form = forms.AcknowledgementForm(_data(request))
    if form.is_valid():
        acknowledgement = _run(
            form,
            services.acknowledgement_record,
            child=child,
            by=request.user,
            recorded_on=timezone.localdate(),
            **form.cleaned_data,
        )
        if acknowledgement is not None:
            messages.success(
                request,
                f"Recorded and sent to {acknowledgement.worker}"
                + (
                    f" and {acknowledgement.team_manager}."
                    if acknowledgement.team_manager
                    else "."
                ),
            )
            return redirect(acknowledgement)
    return render_form_page(
        request, "disputes/acknowledgement_form.html", {"form": form, "child": child}
    )


@require_GET
def acknowledgement_detail_view(request, pk):
    acknowledgement = get_object_or_404(
        acknowledgements_visible_to(request.user).select_related(
            "child", "worker", "team_manager", "recorded_by", "team"
        ),
        pk=pk,
    )
    showing(request, acknowledgement)
    return render(
        request,
        "disputes/acknowledgement_detail.html",
        {"acknowledgement": acknowledgement},
    )


@require_GET
def acknowledgement_list_view(request):
    if not can_see_acknowledgements(request.user):
        raise PermissionDenied
    rows = acknowledgements_visible_to(request.user).select_related(
        "child", "worker", "recorded_by"
    )[:200]
    return render(request, "disputes/acknowledgement_list.html", {"rows": rows})


OBSERVATION_INTERVAL = timedelta(days=365)


@require_GET
def quality_assurance_view(request):
    """The IRO service's own quality assurance: observations (yearly) and case audits."""
    user = request.user
    manager = can_run_iro_quality_assurance(user)
    if not manager and not user.has_role(Role.IRO):
        raise PermissionDenied
    observations = observations_visible_to(user).select_related("iro", "recorded_by")
    audits = case_audits_visible_to(user).select_related("child", "iro", "recorded_by")
    iros = []
    if manager:
        today = timezone.localdate()
        latest = (
            User.objects.filter(groups__name=Role.IRO, is_active=True)
            .annotate(last_observed=Max("practice_observations__observed_on"))
            .order_by("last_name", "first_name")
            .distinct()
        )
        iros = [
            {
                "iro": iro,
                "last_observed": iro.last_observed,
                "due": iro.last_observed is None
                or iro.last_observed + OBSERVATION_INTERVAL < today,
            }
            for iro in latest
        ]
    context = {
        "manager": manager,
        "iros": iros,
        "observations": observations[:100],
        "audits": audits[:100],
    }
    return render(request, "disputes/quality_assurance.html", context)


def _qa_form_view(request, form_class, template, save, done):
    if not can_run_iro_quality_assurance(request.user):
        raise PermissionDenied
    form = form_class(_data(request))
    if form.is_valid() and _run(form, save, **form.cleaned_data) is not None:
        messages.success(request, done)
        return redirect("disputes:quality_assurance")
    return render_form_page(request, template, {"form": form})


@require_http_methods(["GET", "POST"])
def observation_record_view(request):
    return _qa_form_view(
        request,
        forms.ObservationForm,
        "disputes/observation_form.html",
        lambda **data: services.observation_record(by=request.user, **data),
        "Observation recorded.",
    )


@require_http_methods(["GET", "POST"])
def case_audit_record_view(request):
    def save(*, child_id, **data):
        child = Child.objects.filter(child_id__iexact=child_id.strip()).first()
        if child is None:
            raise ValidationError({"child_id": "No child has that child ID"})
        return services.audit_record(child=child, by=request.user, **data)

    return _qa_form_view(
        request,
        forms.CaseAuditForm,
        "disputes/case_audit_form.html",
        save,
        "Case audit recorded.",
    )
