"""Every step of a review's cycle (docs/rules.md, T10-T31), around the Review row."""

import uuid

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from core.audit_subject import AuditSubject
from core.models import Removable, TimeStampedModel
from core.uploads import generated_name

_USER = settings.AUTH_USER_MODEL


class ParticipantRole(models.TextChoices):
    """Who someone is at a review (its role among those invited)."""

    CHILD = "child", "Child or young person"
    PARENT = "parent", "Parent"
    PR_HOLDER = "pr_holder", "Person with parental responsibility"
    CARER = "carer", "Carer"
    SOCIAL_WORKER = "sw", "Social worker"
    TEAM_MANAGER = "tm", "Team manager"
    IRO = "iro", "IRO"
    TEACHER = "teacher", "Teacher or designated teacher"
    HEALTH = "health", "Health professional"
    SUPERVISING_SW = "supervising_sw", "Supervising social worker"
    GUARDIAN = "childrens_guardian", "Children's Guardian"
    FAMILY_FINDER = "family_finder", "Family finder"
    ADOPTERS_SW = "adopters_sw", "Adopters' social worker"
    PA = "pa", "Personal adviser"
    ADVOCATE = "advocate", "Advocate"
    IV = "iv", "Independent visitor"
    YJS = "yjs", "Youth justice worker"
    INTERPRETER = "interpreter", "Interpreter"
    OTHER = "other", "Someone else"


PARENT_ROLES = frozenset({ParticipantRole.PARENT, ParticipantRole.PR_HOLDER})


class ReviewChoices(TimeStampedModel):
    """What the child wants from this review, captured by the social worker with them."""

    class Chairing(models.TextChoices):
        NO = "no", "No, the IRO chairs"
        CO_CHAIR = "co_chair", "Co-chair with the IRO"
        CHAIR = "chair", "Chair it themselves"

    class Format(models.TextChoices):
        FACE_TO_FACE = "face_to_face", "Face to face"
        ONLINE = "online", "Online"
        EITHER = "either", "Either"

    review = models.OneToOneField(
        "reviews.Review", on_delete=models.PROTECT, related_name="choices"
    )
    captured_on = models.DateField()
    captured_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    not_applicable_reason = models.TextField(
        blank=True,
        help_text="Only when the child is too young or declined to give their choices.",
    )
    wants_to_meet_iro_before = models.BooleanField(null=True, blank=True)
    wants_to_speak_alone = models.BooleanField(null=True, blank=True)
    who_to_invite = models.TextField(blank=True)
    who_not_to_invite = models.TextField(blank=True)
    venue = models.CharField(max_length=200, blank=True)
    timing = models.CharField(max_length=200, blank=True)
    format = models.CharField(max_length=20, choices=Format, blank=True)
    topics_to_discuss = models.TextField(blank=True)
    topics_not_to_discuss = models.TextField(blank=True)
    wants_to_chair = models.CharField(max_length=20, choices=Chairing, blank=True)
    wants_someone_to_speak = models.BooleanField(null=True, blank=True)
    snacks = models.CharField(max_length=200, blank=True)
    achievements = models.TextField("achievements to talk about", blank=True)
    support_needs = models.TextField(blank=True)
    wants_explanation_after = models.BooleanField(null=True, blank=True)
    wants_copy_of_record = models.BooleanField(null=True, blank=True)

    class Meta:
        verbose_name_plural = "review choices"

    def __str__(self):
        return f"Review Choices for {self.review}"

    @property
    def not_applicable(self) -> bool:
        return bool(self.not_applicable_reason)


class ConveningChecklist(TimeStampedModel):
    """The social worker's list of who to invite, and the IRO's confirmation of it."""

    class ParentsPlan(models.TextChoices):
        JOINT = "joint", "Together, at the same meeting"
        SEPARATE = "separate", "A separate meeting"
        PHONE = "phone", "By phone"
        WRITTEN = "written", "In writing only"

    review = models.OneToOneField(
        "reviews.Review", on_delete=models.PROTECT, related_name="checklist"
    )
    submitted_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    submitted_on = models.DateField()
    parents_plan = models.CharField(max_length=20, choices=ParentsPlan, blank=True)
    parents_plan_reason = models.TextField(blank=True)
    confirmed_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    confirmed_on = models.DateField(null=True, blank=True)

    def __str__(self):
        return f"Convening checklist for {self.review}"


class Invitee(Removable, TimeStampedModel):
    """Someone on the review's convening list: invited, or asked for a written report."""

    class Method(models.TextChoices):
        EMAIL = "email", "Email with a calendar invitation"
        LETTER = "letter", "Letter"

    class ConsultationType(models.TextChoices):
        CHILD = "child", "Child's consultation"
        ADULT = "adult", "Adult's consultation"
        NONE = "none", "None"

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="invitees"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=ParticipantRole)
    email = models.EmailField(blank=True)
    postal_address = models.TextField(blank=True)
    method = models.CharField(max_length=10, choices=Method)
    consultation_type = models.CharField(
        max_length=10, choices=ConsultationType, default=ConsultationType.NONE
    )
    written_report_only = models.BooleanField(
        "asked for a written report instead of attending", default=False
    )
    child_does_not_want = models.BooleanField(
        "the child does not want this person at the review", default=False
    )
    safety_notes = models.TextField(blank=True)
    interpreter_language = models.CharField(max_length=60, blank=True)
    calendar_uid = models.UUIDField(
        "calendar entry's UID",
        default=uuid.uuid4,
        unique=True,
        editable=False,
        help_text="Random, and this person's for this review for good: every "
        "version of their invitation, and its cancellation, carries it (D-CAL1).",
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return f"{self.name} ({self.get_role_display()})"

    @property
    def is_parent(self) -> bool:
        return self.role in PARENT_ROLES

    @property
    def is_invited(self) -> bool:
        return not self.child_does_not_want and not self.written_report_only


class SharingRestriction(TimeStampedModel):
    """Something the child does not want a named person to be told (V1)."""

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="sharing_restrictions"
    )
    person = models.ForeignKey(
        Invitee, on_delete=models.PROTECT, related_name="restrictions"
    )
    what = models.TextField()

    def __str__(self):
        return f"Not to be shared with {self.person.name}"


class Invitation(TimeStampedModel):
    """One version of one person's invitation: sent once, by email or letter (D-CAL2).

    The first is version 0; every change to the review's date, time, place or format
    after the invitations went out, and its cancellation, is the next version, with
    the same calendar UID (the invitee's) and the next SEQUENCE. Sending a version
    again points `email` at the new email; the version stays the same.
    """

    class CalendarMethod(models.TextChoices):
        REQUEST = "REQUEST", "Invitation"
        CANCEL = "CANCEL", "Cancellation"

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="invitations"
    )
    invitee = models.ForeignKey(
        Invitee, on_delete=models.PROTECT, related_name="invitations"
    )
    scheduled_for = models.DateTimeField()
    method = models.CharField(max_length=10, choices=Invitee.Method)
    sequence = models.PositiveIntegerField(
        default=0, help_text="The calendar entry's SEQUENCE: 0, then one more a change."
    )
    calendar_method = models.CharField(
        max_length=10, choices=CalendarMethod, default=CalendarMethod.REQUEST
    )
    email = models.ForeignKey(
        "core.OutboundEmail",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="The email that carries it (the latest, if sent again); none for "
        "a letter.",
    )
    sent_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    sent_at = models.DateTimeField(
        default=timezone.now,
        help_text="When it was made: queued to email, or made as a letter to print.",
    )
    posted_on = models.DateField(
        null=True,
        blank=True,
        help_text="When the letter was posted (a letter only): it counts as sent from "
        "that day (D-SENT).",
    )
    posted_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["invitee", "sequence"]
        constraints = [
            models.UniqueConstraint(
                fields=["invitee", "sequence"],
                name="reviews_one_invitation_per_invitee_and_version",
            )
        ]

    def __str__(self):
        return (
            f"{self.get_calendar_method_display()} to {self.invitee.name} for "
            f"{self.scheduled_for:%d %b %Y} (version {self.sequence})"
        )

    @property
    def is_cancellation(self) -> bool:
        return self.calendar_method == self.CalendarMethod.CANCEL


class AccessLink(AuditSubject, models.Model):
    """A single-use link for someone without an account (consultation or feedback).

    Made, opened and used only through `reviews.services.links` (docs/rules.md,
    D-LINK): the token is in the link alone and only its hash is stored, as is the
    short code that a link printed in a letter also needs (D-CODE).
    """

    class Purpose(models.TextChoices):
        CONSULTATION = "consultation", "Consultation"
        FEEDBACK = "feedback", "Feedback"
        RECORD = "record", "Record"

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="access_links"
    )
    invitee = models.ForeignKey(
        Invitee,
        on_delete=models.PROTECT,
        related_name="access_links",
        help_text="The person the link is for, who receives it.",
    )
    purpose = models.CharField(max_length=20, choices=Purpose)
    token_hash = models.CharField(max_length=64, unique=True)
    code_hash = models.CharField(
        max_length=64,
        blank=True,
        help_text="A hash of the short code the link also needs, keyed by the "
        "token; empty when it needs none.",
    )
    code_attempts = models.PositiveSmallIntegerField(
        default=0, help_text="Wrong short codes entered so far."
    )
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    def __str__(self):
        return f"{self.get_purpose_display()} link for {self.invitee.name}"

    @property
    def needs_code(self) -> bool:
        return bool(self.code_hash)


class Coming(models.TextChoices):
    """Whether someone asked for their views will come to the meeting."""

    YES = "yes", "Yes"
    NO = "no", "No, these are my views instead"
    SEPARATELY = (
        "separately",
        "I would like to speak to the reviewing officer separately",
    )


class Consultation(Removable, TimeStampedModel):
    """Views given before the review: what is going well, less well, what needs to happen."""

    class Channel(models.TextChoices):
        FORM = "form", "Online form"
        BOOKLET = "booklet", "Booklet"
        TEXT = "text", "Text message"
        EMAIL = "email", "Email"
        PHONE = "phone", "Phone call"
        MEETING = "meeting", "Meeting"
        MOMO = "momo", "Mind Of My Own"
        DRAWING = "drawing", "Drawing"
        VIDEO = "video", "Video"

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="consultations"
    )
    invitee = models.ForeignKey(
        Invitee,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consultations",
    )
    respondent_role = models.CharField(max_length=30, choices=ParticipantRole)
    respondent_name = models.CharField(max_length=200, blank=True)
    channel = models.CharField(max_length=20, choices=Channel)
    received_on = models.DateField()
    entered_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    going_well = models.TextField(blank=True)
    going_less_well = models.TextField(blank=True)
    needs_to_happen = models.TextField(blank=True)
    who_i_want = models.TextField(blank=True)
    who_i_do_not_want = models.TextField(blank=True)
    talk_about = models.TextField(blank=True)
    not_talk_about = models.TextField(blank=True)
    achievements = models.TextField(blank=True)
    share_with_social_worker = models.BooleanField(
        "the child agrees to share this with their social worker", default=False
    )
    # The adults' paper form asks these too, so the online form does (D-CONSULT).
    anything_else = models.TextField("anything else the review should know", blank=True)
    coming = models.CharField(
        "will they come to the meeting", max_length=12, choices=Coming, blank=True
    )

    class Meta:
        ordering = ["received_on", "pk"]

    def __str__(self):
        return f"Consultation from {self.respondent_name or self.get_respondent_role_display()}"

    @property
    def is_childs(self) -> bool:
        return self.respondent_role == ParticipantRole.CHILD


class HearingApart(TimeStampedModel):
    """How the IRO will hear someone apart from the meeting (V-APART): a person the
    child does not want there, or who asked to speak to the IRO separately. Whether
    they have been heard is worked out from their consultations, never stored."""

    class How(models.TextChoices):
        MEETING = "meeting", "A meeting with the reviewing officer"
        PHONE = "phone", "A phone or video call with the reviewing officer"
        FORM = "form", "Their own consultation form, by email"

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="hearings_apart"
    )
    invitee = models.OneToOneField(
        Invitee, on_delete=models.PROTECT, related_name="hearing_apart"
    )
    how = models.CharField(max_length=10, choices=How)
    planned_on = models.DateField("planned for")
    note = models.TextField(blank=True)
    planned_by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["planned_on", "pk"]

    def __str__(self):
        return f"Hearing {self.invitee.name} apart: {self.get_how_display().lower()}"


class ChildContact(Removable, TimeStampedModel):
    """The IRO meeting or speaking to the child: before a review, or between reviews."""

    class How(models.TextChoices):
        VISIT = "visit", "Visit"
        PHONE = "phone", "Phone"
        VIDEO = "video", "Video call"
        TEXT = "text", "Text or message"

    class Alone(models.TextChoices):
        YES = "yes", "Yes"
        NO = "no", "No"
        REFUSED = "refused", "The child did not want to"
        INAPPROPRIATE = "inappropriate", "Not appropriate"

    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="iro_contacts"
    )
    review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="child_contacts",
    )
    iro = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    on = models.DateField()
    how = models.CharField(max_length=10, choices=How)
    where = models.CharField(max_length=200, blank=True)
    alone = models.CharField(max_length=20, choices=Alone, blank=True)
    note = models.TextField(blank=True)

    class Meta:
        ordering = ["-on", "-pk"]

    def __str__(self):
        return f"{self.get_how_display()} with {self.child} on {self.on:%d %b %Y}"


def _document_path(instance, filename: str) -> str:
    return generated_name(instance, filename, "review-documents")


class KeyDocument(TimeStampedModel):
    """A document the review needs: the SW report and care plan, and the checklist."""

    class Kind(models.TextChoices):
        SW_REPORT = "sw_report", "Social worker's report"
        CARE_PLAN = "care_plan", "Proposed care plan"
        HEALTH_PLAN = "health_plan", "Health plan"
        PATHWAY_PLAN = "pathway_plan", "Pathway plan and needs assessment"
        PEP = "pep", "Personal education plan"
        COURT = "court", "Court documents and timescales"
        PLACEMENT_PLAN = "placement_plan", "Placement plan"
        ASSESSMENTS = "assessments", "Assessments"
        DELEGATED_AUTHORITY = "delegated_authority", "Delegated authority agreement"
        OTHER = "other", "Other report"

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="documents"
    )
    kind = models.CharField(max_length=30, choices=Kind)
    shared_on = models.DateField(null=True, blank=True)
    shared_with_parents = models.BooleanField(default=False)
    seen_by_iro = models.BooleanField(default=False)
    file = models.FileField(upload_to=_document_path, blank=True)
    note = models.CharField(max_length=200, blank=True)
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["review", "kind"],
                condition=~Q(kind="other"),
                name="reviews_one_key_document_of_each_kind",
            )
        ]

    def __str__(self):
        return self.get_kind_display()


class ReviewMeeting(TimeStampedModel):
    """One meeting of a review (a review may be a series of meetings)."""

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="meetings"
    )
    held_on = models.DateField()
    central = models.BooleanField(
        "the central meeting (the IRO and the child)", default=True
    )
    notes = models.TextField(blank=True)

    class Meta:
        ordering = ["held_on", "pk"]

    def __str__(self):
        return f"Meeting on {self.held_on:%d %b %Y}"


class MeetingAttendance(AuditSubject, models.Model):
    """Who took part in a meeting, and how."""

    class How(models.TextChoices):
        ATTENDED = "attended", "Attended"
        SEPARATE = "separate_meeting", "Separate meeting"
        PHONE = "phone", "By phone"
        WRITTEN = "written", "In writing"
        DID_NOT_CONTRIBUTE = "did_not_contribute", "Did not contribute"

    meeting = models.ForeignKey(
        ReviewMeeting, on_delete=models.PROTECT, related_name="attendance"
    )
    name = models.CharField(max_length=200)
    role = models.CharField(max_length=30, choices=ParticipantRole)
    how = models.CharField(max_length=30, choices=How)

    def __str__(self):
        return f"{self.name}: {self.get_how_display()}"


class Decision(Removable, TimeStampedModel):
    """A SMART decision or recommendation from the review (R&D)."""

    class Kind(models.TextChoices):
        DECISION = "decision", "Decision"
        RECOMMENDATION = "recommendation", "Recommendation"

    class Status(models.TextChoices):
        OPEN = "open", "Open"
        ACHIEVED = "achieved", "Achieved"
        PARTLY = "partly", "Partly achieved"
        NOT_ACHIEVED = "not_achieved", "Not achieved"
        SUPERSEDED = "superseded", "Superseded"

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="decisions"
    )
    kind = models.CharField(max_length=20, choices=Kind, default=Kind.DECISION)
    what = models.TextField()
    child_wording = models.TextField(
        blank=True, help_text="The decision in words the child will understand."
    )
    owner_name = models.CharField(max_length=200)
    owner_role = models.CharField(max_length=30, choices=ParticipantRole)
    due_date = models.DateField()
    success_measure = models.TextField("how success will be measured")
    status = models.CharField(max_length=20, choices=Status, default=Status.OPEN)
    withhold_from = models.ManyToManyField(
        Invitee, blank=True, related_name="withheld_decisions"
    )

    class Meta:
        ordering = ["pk"]

    def __str__(self):
        return self.what[:60]


class ReviewRecord(TimeStampedModel):
    """The record of the review, written to the child; parents' versions leave items out."""

    class Band(models.TextChoices):
        UNDER_8 = "under_8", "Under 8"
        EIGHT_TO_12 = "8_to_12", "8 to 12"
        THIRTEEN_PLUS = "13_plus", "13 and over"

    review = models.OneToOneField(
        "reviews.Review", on_delete=models.PROTECT, related_name="record"
    )
    author = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    band = models.CharField(max_length=10, choices=Band)
    translation_language = models.CharField(max_length=60, blank=True)
    finalised_on = models.DateField(null=True, blank=True)
    finalised_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    readability_warning = models.TextField(blank=True)
    version = models.PositiveIntegerField(default=1)
    # The IRO's decision, for someone the child keeps something from, that nothing in
    # this record needs leaving out for them (reviews.services.sharing, V1).
    nothing_to_leave_out_for = models.ManyToManyField(
        Invitee, blank=True, related_name="+"
    )

    def __str__(self):
        return f"Record of {self.review}"


class RecordSection(TimeStampedModel):
    """One section of the record, with the people it must be left out for."""

    class Key(models.TextChoices):
        GOING_WELL = "going_well", "What is going well, and your achievements"
        WISHES = "wishes", "What you told us"
        LESS_WELL = "less_well", "What is not going so well"
        PLAN = "plan", "The plan for you"
        IRO_VIEW = "iro_view", "What I think about your plan"
        CONTRIBUTORS = "contributors", "Who took part"
        NEXT = "next", "What happens next"

    record = models.ForeignKey(
        ReviewRecord, on_delete=models.PROTECT, related_name="sections"
    )
    key = models.CharField(max_length=20, choices=Key)
    text = models.TextField(blank=True)
    withhold_from = models.ManyToManyField(
        Invitee, blank=True, related_name="withheld_sections"
    )

    class Meta:
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["record", "key"], name="reviews_one_section_of_each_kind"
            )
        ]

    def __str__(self):
        return self.get_key_display()


class RecordAudience(models.TextChoices):
    """Whose version of the record a person receives (reviews.services.record_version_for)."""

    CHILD = "child", "The child's record"
    PARENT = "parent", "A person's own version (restricted items left out)"
    PROFESSIONAL = "professional", "Professional record"


class FeedbackResponse(TimeStampedModel):
    """Feedback on a review from the child or an attendee, through a single-use link."""

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="feedback"
    )
    invitee = models.ForeignKey(
        Invitee, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    respondent_role = models.CharField(max_length=30, choices=ParticipantRole)
    satisfied = models.BooleanField(null=True)
    felt_listened_to = models.BooleanField(null=True)
    about_the_record = models.TextField(blank=True)
    comments = models.TextField(blank=True)

    def __str__(self):
        return f"Feedback from {self.get_respondent_role_display()}"


class ProgressReview(TimeStampedModel):
    """The IRO's mid-point check between reviews (not a statutory review)."""

    review = models.OneToOneField(
        "reviews.Review", on_delete=models.PROTECT, related_name="progress_review"
    )
    target_date = models.DateField()
    done_on = models.DateField(null=True, blank=True)
    done_by = models.ForeignKey(
        _USER, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    social_worker_dialogue_on = models.DateField(null=True, blank=True)
    summary = models.TextField(blank=True)

    def __str__(self):
        return f"Progress review of {self.review}"


class DecisionUpdate(AuditSubject, Removable, models.Model):
    """Progress on one decision, recorded at a progress review (or at any time).

    An update recorded by mistake is withdrawn with a reason (C7): its row stays, and
    the decision's status is then the latest update still standing.
    """

    decision = models.ForeignKey(
        Decision, on_delete=models.PROTECT, related_name="updates"
    )
    progress_review = models.ForeignKey(
        ProgressReview,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="decision_updates",
    )
    status = models.CharField(max_length=20, choices=Decision.Status)
    comment = models.TextField(blank=True)
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(default=timezone.now)
    withdrawn_reason = models.TextField("why the update was withdrawn", blank=True)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"{self.decision}: {self.get_status_display()}"


class ReviewComment(AuditSubject, models.Model):
    """A comment on the IRO's text by someone who may not change it (CA89 s.25B)."""

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="comments"
    )
    by = models.ForeignKey(_USER, on_delete=models.PROTECT, related_name="+")
    text = models.TextField()
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self):
        return f"Comment by {self.by} on {self.at:%d %b %Y}"
