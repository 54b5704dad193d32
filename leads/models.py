"""What is kept about consultation requests: each request, its history, outbox and erasures."""

import secrets

import phonenumbers
from django.conf import settings
from django.db import models
from django.utils import timezone
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting


def format_phone(e164: str) -> str:
    """An E.164 number in the national form for US numbers, international otherwise."""
    if not e164:
        return ""
    try:
        number = phonenumbers.parse(e164, "US")
    except phonenumbers.NumberParseException:
        return e164
    style = (
        phonenumbers.PhoneNumberFormat.NATIONAL
        if number.country_code == 1
        else phonenumbers.PhoneNumberFormat.INTERNATIONAL
    )
    return phonenumbers.format_number(number, style)


def new_reference() -> str:
    """An opaque, unguessable reference handed to the visitor (never the database id)."""
    return secrets.token_urlsafe(12)


class Lead(models.Model):
    """A consultation request: the minimum the practice needs to call the person back."""

    class ContactMethod(models.TextChoices):
        PHONE = "phone", "Phone call"
        EMAIL = "email", "Email"
        TEXT = "text", "Text message"

    class Status(models.TextChoices):
        NEW = "new", "New"
        CONTACTED = "contacted", "Contacted"
        BOOKED = "booked", "Consultation booked"
        CLIENT = "client", "Became client"
        NOT_A_FIT = "not_a_fit", "Not a fit"
        CLOSED = "closed", "Closed"
        SPAM = "spam", "Spam"

    reference = models.CharField(max_length=32, unique=True, default=new_reference, editable=False)
    name = models.CharField(max_length=120)
    email = models.EmailField(max_length=254)
    phone = models.CharField(max_length=20, blank=True, help_text="E.164, e.g. +14085550142.")
    preferred_contact = models.CharField(
        max_length=10, choices=ContactMethod.choices, default=ContactMethod.PHONE
    )
    preferred_times = models.CharField(max_length=200, blank=True)
    message = models.TextField(max_length=1000, blank=True)
    consent_version = models.CharField(max_length=20)
    consented_at = models.DateTimeField()

    source_page = models.ForeignKey(
        "wagtailcore.Page",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text="The page whose call to action or form produced this request.",
    )
    source_block_id = models.CharField(max_length=64, blank=True)
    utm_source = models.CharField(max_length=100, blank=True)
    utm_medium = models.CharField(max_length=100, blank=True)
    utm_campaign = models.CharField(max_length=100, blank=True)
    referrer_host = models.CharField(max_length=255, blank=True)
    received_at = models.DateTimeField(default=timezone.now, db_index=True)

    status = models.CharField(
        max_length=12, choices=Status.choices, default=Status.NEW, db_index=True
    )
    is_spam = models.BooleanField(default=False, db_index=True)
    spam_reason = models.CharField(max_length=200, blank=True)
    is_duplicate = models.BooleanField(default=False)
    captcha_unverified = models.BooleanField(default=False)
    ip_hash = models.CharField(
        max_length=64, blank=True, help_text="Salted hash for rate limiting; never the address."
    )

    class Meta:
        ordering = ["-received_at"]
        permissions = [("export_lead", "Can export consultation requests")]

    def __str__(self) -> str:
        # Never the person's name: this string shows up in logs, admin breadcrumbs and audit rows.
        return f"Request {self.reference}"

    @property
    def phone_display(self) -> str:
        """The stored E.164 number as people read it: (408) 555-0142 at home, +44 ... abroad."""
        return format_phone(self.phone)

    @property
    def first_name(self) -> str:
        return (self.name.split() or [""])[0]

    def contact_link(self) -> tuple[str, str, str] | None:
        """(verb, shown value, href) for the way the person asked to be reached: a `tel:` link
        for a call, `sms:` for a text message, `mailto:` for email; None without the detail."""
        if self.preferred_contact == self.ContactMethod.EMAIL or not self.phone:
            return ("Email", self.email, f"mailto:{self.email}") if self.email else None
        if self.preferred_contact == self.ContactMethod.TEXT:
            return ("Text", self.phone_display, f"sms:{self.phone}")
        return ("Call", self.phone_display, f"tel:{self.phone}")


class LeadActivity(models.Model):
    """The history of a lead: who changed its status or added a note, and when."""

    class Kind(models.TextChoices):
        NOTE = "note", "Note"
        STATUS = "status", "Status change"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="activities")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)
    from_status = models.CharField(max_length=12, blank=True)
    to_status = models.CharField(max_length=12, blank=True)
    text = models.TextField(blank=True, max_length=4000)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "lead activities"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} on {self.lead}"


class Notification(models.Model):
    """The outbox: one row per message to send about a lead, written in the lead's transaction.

    The row (not the broker) is the source of truth: a relay re-publishes due rows, so a message
    lost with the broker or a crashed worker is sent later, and a sent row is never sent again.
    """

    class Kind(models.TextChoices):
        PRACTICE = "practice", "Practice notification"
        ACKNOWLEDGEMENT = "ack", "Acknowledgement to the visitor"

    class State(models.TextChoices):
        PENDING = "pending", "Pending"
        SENDING = "sending", "Sending"
        SENT = "sent", "Sent"
        FAILED = "failed", "Failed, will retry"
        DEAD = "dead", "Dead"

    lead = models.ForeignKey(Lead, on_delete=models.CASCADE, related_name="notifications")
    kind = models.CharField(max_length=10, choices=Kind.choices, default=Kind.PRACTICE)
    state = models.CharField(
        max_length=10, choices=State.choices, default=State.PENDING, db_index=True
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    next_attempt_at = models.DateTimeField(default=timezone.now, db_index=True)
    claimed_at = models.DateTimeField(null=True, blank=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(
        max_length=100, blank=True, help_text="The class of the last error; never its message."
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="notification_due")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} #{self.pk} ({self.state})"


class WorkerHeartbeat(models.Model):
    """The last time each Celery worker said it was alive, written by the worker itself.

    Kept in PostgreSQL, not Redis, so the check still works when the broker or the cache is down.
    """

    hostname = models.CharField(max_length=255, unique=True)
    started_at = models.DateTimeField(default=timezone.now)
    seen_at = models.DateTimeField(default=timezone.now, db_index=True)

    class Meta:
        ordering = ["-seen_at"]

    def __str__(self) -> str:
        return f"{self.hostname} seen {self.seen_at:%Y-%m-%d %H:%M:%S}"


class DeliveryAlert(models.Model):
    """When the practice was last emailed that notifications are stuck (the alert's rate limit).

    One row per kind of alert; processes that may send it lock the row first, so one sends.
    """

    OUTBOX_LAG = "outbox_lag"

    key = models.CharField(max_length=40, unique=True)
    sent_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"{self.key} alert, last sent {self.sent_at or 'never'}"


class ErasureRecord(models.Model):
    """An anonymous audit row left when a person's data is deleted on request or by retention."""

    class Reason(models.TextChoices):
        REQUEST = "request", "Deletion requested by the person"
        RETENTION = "retention", "Retention period ended"

    reason = models.CharField(max_length=10, choices=Reason.choices)
    leads_deleted = models.PositiveIntegerField()
    trail_entries_deleted = models.PositiveIntegerField(
        default=0, help_text="How many access-trail entries went with them (who and what: gone)."
    )
    performed_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-performed_at"]

    def __str__(self) -> str:
        return f"{self.get_reason_display()}: {self.leads_deleted} deleted"


ACKNOWLEDGEMENT_SUBJECT = "We received your message"
ACKNOWLEDGEMENT_BODY = (
    "Thank you for getting in touch. Your message has arrived safely and we will reply "
    "within two working days, using the contact method you chose.\n\n"
    "If you need help urgently, please call 911 or go to your nearest emergency room."
)


@register_setting(icon="mail")
class LeadNotificationSettings(BaseSiteSetting):
    """The optional email to the visitor after a request: off by default, worded by staff."""

    acknowledgement_enabled = models.BooleanField(
        "Send an acknowledgement",
        default=False,
        help_text="Email the person a short confirmation after each consultation request.",
    )
    acknowledgement_subject = models.CharField(
        max_length=100,
        default=ACKNOWLEDGEMENT_SUBJECT,
        help_text=(
            "Keep it discreet: it shows in inbox previews and on shared screens. "
            "Say nothing about therapy or counselling."
        ),
    )
    acknowledgement_body = models.TextField(
        max_length=3000,
        default=ACKNOWLEDGEMENT_BODY,
        help_text="Plain text. It is sent as written: nothing the person typed is added to it.",
    )

    panels = [
        FieldPanel("acknowledgement_enabled"),
        FieldPanel("acknowledgement_subject"),
        FieldPanel("acknowledgement_body"),
    ]

    class Meta:
        verbose_name = "Consultation acknowledgement"
