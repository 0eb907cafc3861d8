import uuid

from django.conf import settings
from django.db import models
from django.utils import timezone

from core.audit_subject import AuditSubject


class TimeStampedModel(AuditSubject, models.Model):
    """Adds when a row was created and last changed; who did it is in the audit log.

    Each audit entry about the row names the child it is about (core.audit_subject).
    """

    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class Correction(AuditSubject, models.Model):
    """A mistake put right after the event: why, by whom and when. Each row is the
    history of one correction; what it changed is the concrete model's (docs/rules.md,
    C2, C5, C6, D8)."""

    reason = models.TextField()
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        abstract = True
        ordering = ["at", "pk"]


class KeptManager(models.Manager):
    """Rows not removed: what every page, document and figure reads."""

    def get_queryset(self):
        return super().get_queryset().filter(removed_at__isnull=True)


class Removable(models.Model):
    """An entry that can be taken back when it was made by mistake (docs/rules.md, C1).

    Case data is never deleted: a removed entry keeps its row, with who removed it and
    when, and drops out of everything the service reads through `objects` (the default
    manager, so related lists leave it out too). `everything` and the base manager
    still see it: the child's record export and the audit trail keep it.
    """

    removed_at = models.DateTimeField(null=True, blank=True)
    removed_by = models.ForeignKey(
        "accounts.User",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )

    objects = KeptManager()
    everything = models.Manager()  # noqa: DJ012 (a manager; ruff reads it as a field)

    class Meta:
        abstract = True


class Notification(models.Model):
    """An in-app message to one user (the notifications page shows them)."""

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="notifications"
    )
    text = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    key = models.CharField(
        max_length=200,
        unique=True,
        null=True,
        blank=True,
        help_text="Set for messages that must be sent once only.",
    )
    created_at = models.DateTimeField(auto_now_add=True)
    read_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["user", "read_at"], name="core_notif_unread_idx")
        ]

    def __str__(self):
        return self.text


class OutboundEmail(models.Model):
    """An email waiting to be sent, or sent: the outbox makes each email go once.

    `key` names what the email is about (for example an invitation to one person for
    one review date): queueing the same key again does nothing. An attachment's bytes
    are kept only until the email is sent; its name, type, size and SHA-256 stay, for
    the history (core.notifications).
    """

    class Status(models.TextChoices):
        QUEUED = "queued", "Queued"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will retry"

    key = models.CharField(max_length=200, unique=True)
    to = models.EmailField()
    subject = models.CharField(max_length=200)
    body = models.TextField()
    attachment_name = models.CharField(max_length=100, blank=True)
    attachment_type = models.CharField(max_length=100, blank=True)
    attachment = models.BinaryField(
        blank=True, null=True, help_text="Emptied once the email is sent."
    )
    attachment_size = models.PositiveIntegerField(
        null=True, blank=True, help_text="The attachment's size in bytes."
    )
    attachment_sha256 = models.CharField(
        "SHA-256 checksum of the attachment", max_length=64, blank=True
    )
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    attempts = models.PositiveSmallIntegerField(default=0)
    last_error = models.TextField(blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [models.Index(fields=["status"], name="core_outbox_status_idx")]

    def __str__(self):
        return f"{self.subject} to {self.to}"


class NotificationPreference(models.Model):
    """How a user wants reminders by email: each one straight away, or a daily digest."""

    class Email(models.TextChoices):
        IMMEDIATE = "immediate", "Email me each reminder straight away"
        DIGEST = "digest", "Email me once a day with everything new (a daily digest)"

    user = models.OneToOneField(
        "accounts.User",
        on_delete=models.CASCADE,
        related_name="notification_preference",
    )
    email = models.CharField(max_length=10, choices=Email, default=Email.IMMEDIATE)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self):
        return f"{self.user}: {self.get_email_display()}"


class DigestEntry(models.Model):
    """A line waiting for a user's daily digest email (for users who chose the digest).

    `key` is the reminder's key, so a reminder is put in a digest once only. Lines name
    the child only by their ID, as every email does.
    """

    user = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="digest_entries"
    )
    key = models.CharField(max_length=200, unique=True)
    line = models.CharField(max_length=300)
    url = models.CharField(max_length=300, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["created_at", "pk"]
        indexes = [
            models.Index(fields=["user", "created_at"], name="core_digest_user_idx")
        ]

    def __str__(self):
        return self.line


class JobAction(models.Model):
    """Who retried what on the background-work page: that page's audit trail."""

    class Action(models.TextChoices):
        RETRY_TASK = "retry_task", "Retried a failed task"
        RETRY_EMAIL = "retry_email", "Retried a failed email"

    action = models.CharField(max_length=20, choices=Action)
    target = models.CharField(max_length=200)
    by = models.ForeignKey("accounts.User", on_delete=models.PROTECT, related_name="+")
    at = models.DateTimeField(auto_now_add=True)
    note = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_action_display()}: {self.target}"


class PreparedDownload(models.Model):
    """A slow download made in the background (core/downloads.py): asked for on a page,
    made by a task, kept for its requester until it expires."""

    class Kind(models.TextChoices):
        """What it is; each registered by the app that makes it (core/downloads.py)."""

        ANNUAL_REPORT_PDF = "annual_report_pdf", "The annual report (PDF)"
        SUBJECT_ACCESS = "subject_access", "A child's whole record (subject access)"

    class Status(models.TextChoices):
        QUEUED = "queued", "Waiting to start"
        RUNNING = "running", "Being prepared"
        READY = "ready", "Ready"
        FAILED = "failed", "Could not be prepared"

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    kind = models.CharField(max_length=40, choices=Kind)
    params = models.JSONField(default=dict)
    title = models.CharField(max_length=200)
    requested_by = models.ForeignKey(
        "accounts.User", on_delete=models.CASCADE, related_name="+"
    )
    requested_at = models.DateTimeField()
    status = models.CharField(max_length=10, choices=Status, default=Status.QUEUED)
    done = models.PositiveIntegerField(default=0)
    total = models.PositiveIntegerField(default=0)
    started_at = models.DateTimeField(null=True, blank=True)
    finished_at = models.DateTimeField(null=True, blank=True)
    expires_at = models.DateTimeField(null=True, blank=True)
    filename = models.CharField(max_length=200, blank=True)
    content_type = models.CharField(max_length=100, blank=True)
    content = models.BinaryField(null=True, blank=True)
    size = models.PositiveIntegerField(default=0)

    class Meta:
        ordering = ["-requested_at"]
        indexes = [models.Index(fields=["requested_by", "-requested_at"])]

    def __str__(self):
        return f"{self.title} ({self.get_status_display()})"
