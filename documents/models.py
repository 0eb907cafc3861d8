"""Stored documents: every PDF the service makes or receives, versioned and checksummed."""

import uuid

from django.conf import settings
from django.db import models
from django.urls import reverse
from django.utils import timezone

from core.audit_subject import AuditSubject
from reviews.models import Invitee, RecordAudience


def document_path(instance, filename: str) -> str:
    """A generated name: nothing a user typed reaches the file system (ASVS 5.3.2)."""
    return f"documents/{timezone.now():%Y/%m}/{uuid.uuid4().hex}.pdf"


class Document(AuditSubject, models.Model):
    """One version of one document, about a child (and a review or an IRO allocation).

    A document is never changed: when its source changes a new version is stored with
    the same `key` and the next `version` number. A translation is a document of its
    own, uploaded, that names the English document it translates.
    """

    class Kind(models.TextChoices):
        RECORD_CHILD = "record_child", "Record of review: the letter to the child"
        RECORD_PARENT = "record_parent", "Record of review: a parent's version"
        RECORD_PROFESSIONAL = "record_professional", "Record of review: professional"
        INVITATION = "invitation", "Invitation letter"
        CONSULTATION_CHILD = "consultation_child", "Consultation form for a child"
        CONSULTATION_ADULT = "consultation_adult", "Consultation form for an adult"
        IRO_INTRODUCTION = (
            "iro_introduction",
            "IRO introduction letter and profile card",
        )
        IRO_FAREWELL = "iro_farewell", "IRO farewell letter"

    RECORD_KINDS = frozenset(
        {Kind.RECORD_CHILD, Kind.RECORD_PARENT, Kind.RECORD_PROFESSIONAL}
    )

    key = models.CharField(
        max_length=120,
        help_text="What the document is, e.g. record_parent:review=3:invitee=9; "
        "every version of one document shares it.",
    )
    version = models.PositiveIntegerField()
    kind = models.CharField(max_length=30, choices=Kind)
    child = models.ForeignKey(
        "children.Child", on_delete=models.PROTECT, related_name="documents"
    )
    review = models.ForeignKey(
        "reviews.Review",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="generated_documents",
    )
    allocation = models.ForeignKey(
        "iro.IroAllocation",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
    )
    invitee = models.ForeignKey(
        "reviews.Invitee",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="documents",
        help_text="Who the document is for, when it is for one person.",
    )
    audience = models.CharField(max_length=60, help_text="Who it is written for.")
    title = models.CharField(max_length=200)
    language = models.CharField(
        max_length=60, default="English", help_text="The language of the text."
    )
    translation_of = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="translations",
    )
    record_version = models.PositiveIntegerField(
        null=True, blank=True, help_text="The record's version this was made from."
    )
    source_sha256 = models.CharField(
        max_length=64, blank=True, help_text="Checksum of the HTML it was made from."
    )
    sha256 = models.CharField("SHA-256 checksum of the file", max_length=64)
    size = models.PositiveIntegerField()
    file = models.FileField(upload_to=document_path)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="Empty when the service made it in the background.",
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        db_table = "reporting_document"  # the table from before the move (core.moves)
        ordering = ["key", "-version"]
        constraints = [
            models.UniqueConstraint(
                fields=["key", "version"], name="reporting_one_document_per_key_version"
            ),
            models.CheckConstraint(
                condition=models.Q(version__gte=1),
                name="reporting_document_version_from_1",
            ),
        ]
        indexes = [
            models.Index(fields=["review", "key"], name="reporting_doc_review_idx")
        ]

    def __str__(self):
        return f"{self.title} (version {self.version})"

    def get_absolute_url(self):
        return reverse("documents:download", args=[self.pk])

    @property
    def is_record(self) -> bool:
        return self.kind in self.RECORD_KINDS

    @property
    def is_translation(self) -> bool:
        return self.translation_of_id is not None

    def download_name(self) -> str:
        """A safe file name: the kind, ids and version only (no names of people)."""
        parts = [self.kind.replace("_", "-")]
        if self.review_id:
            parts.append(f"review-{self.review_id}")
        if self.allocation_id:
            parts.append(f"allocation-{self.allocation_id}")
        if self.invitee_id:
            parts.append(f"person-{self.invitee_id}")
        if self.is_translation:
            parts.append("translation")
        parts.append(f"v{self.version}")
        return "-".join(parts) + ".pdf"


class Distribution(AuditSubject, models.Model):
    """One copy of the record sent to one person: which version, how, when, by whom."""

    Version = RecordAudience

    review = models.ForeignKey(
        "reviews.Review", on_delete=models.PROTECT, related_name="distributions"
    )
    invitee = models.ForeignKey(
        "reviews.Invitee", on_delete=models.PROTECT, related_name="distributions"
    )
    version = models.CharField(max_length=20, choices=Version)
    record_version = models.PositiveIntegerField()
    method = models.CharField(max_length=10, choices=Invitee.Method)
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    sent_at = models.DateTimeField(default=timezone.now)
    document = models.ForeignKey(
        Document,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distributions",
        help_text="The stored PDF (and so its version) this person was sent.",
    )
    email = models.OneToOneField(
        "core.OutboundEmail",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="distribution",
        help_text="The email that carries the link to this copy (method email).",
    )
    printed_at = models.DateTimeField(
        null=True,
        blank=True,
        help_text="When the letter was last printed in a print pack (method letter).",
    )
    printed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    posted_on = models.DateField(
        null=True, blank=True, help_text="When the letter was posted (method letter)."
    )
    posted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    class Meta:
        db_table = "reviews_distribution"  # the table from before the move (core.moves)
        constraints = [
            models.UniqueConstraint(
                fields=["invitee", "record_version"],
                name="reviews_record_sent_once_per_person_and_version",
            )
        ]

    def __str__(self):
        return f"{self.get_version_display()} to {self.invitee.name}"

    @property
    def state(self) -> str:
        """What really happened to this copy (D-SENT): the email's own status, or
        whether the letter was printed, and whether business support has said it was
        posted."""
        if self.method == Invitee.Method.LETTER:
            if self.posted_on is not None:
                return f"Posted {self.posted_on:%-d %B %Y}"
            if self.printed_at is not None:
                printed = timezone.localtime(self.printed_at)
                return f"Printed {printed:%-d %B %Y}, to post"
            return "To print and post"
        if self.email is None:
            return "Not sent"
        return self.email.get_status_display()
