"""The one intake path for consultation requests (validate, store, queue), and staff actions.

Both entry points (the HTML form in `views.py`, the JSON API in `api.py`) validate with
`forms.LeadForm` and then call `submit_lead()`; when it cannot store, both name `practice_phone()`.
Nothing here logs, raises or passes on a value a person typed: log lines and exceptions name
classes and counts, never lead fields. Retention, access and erasure are in `privacy.py`.
"""

from __future__ import annotations

import logging
import secrets
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

from django.apps import apps
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.http import HttpRequest
from django.utils import timezone
from django.utils.crypto import salted_hmac
from wagtail.models import Page

from . import audit
from .fields import STORED_INTAKE_FIELDS, Kind
from .models import Lead, LeadActivity
from .outbox import queue_notifications

logger = logging.getLogger(__name__)

FORM_STARTED_SALT = "leads.form-started"
IP_HASH_SALT = "leads.client-ip"
EXPIRED_FORM_REASON = "form token expired"
#: The payload of a form token on a shared (cached) page, instead of a per-visitor nonce (a nonce
#: is 16 URL-safe characters, so it can never equal this).
SHARED_FORM_NONCE = "page"


class IntakeUnavailable(Exception):
    """The database could not store the request: the visitor must be told to call instead."""


def practice_phone(request: HttpRequest) -> str:
    """The phone to name when a request could not be stored, for the site the request came to.

    LEADS_FALLBACK_PHONE when set (no database needed), else the phone in the practice settings
    of the request's site (the LEADS_PRACTICE_SETTINGS model, a Wagtail site setting). Never
    raises: with the database down and no fallback phone it answers "".
    """
    if settings.LEADS_FALLBACK_PHONE:
        return settings.LEADS_FALLBACK_PHONE
    try:
        practice = apps.get_model(settings.LEADS_PRACTICE_SETTINGS).for_request(request)
        return practice.phone or ""
    except Exception:
        return ""


class FormExpired(Exception):
    """The HTML form's page was open longer than its token lives: show it again, store nothing.

    A person who left the tab open over a weekend is not a bot; their request must be sent
    again with a fresh token rather than kept as spam that nobody answers.
    """


class RateLimited(Exception):
    """Too many requests from one client in the window; `retry_after` is in seconds."""

    def __init__(self, retry_after: int) -> None:
        super().__init__(f"rate limited for {retry_after} s")
        self.retry_after = retry_after


@dataclass
class Submission:
    """Where a request came from, separate from what the person typed."""

    client_ip: str = ""
    channel: str = "html"  # "html" or "api"
    spam_reasons: list[str] = field(default_factory=list)


# Client address and rate limit ------------------------------------------------------------------


def hash_ip(ip: str) -> str:
    """A salted hash of the address (the salt is derived from SECRET_KEY); never the address."""
    if not ip:
        return ""
    return salted_hmac(IP_HASH_SALT, ip, algorithm="sha256").hexdigest()


def check_rate_limit(ip_hash: str) -> None:
    """Count this request against the client's window; raise RateLimited when over the limit.

    Atomic: `add` creates the counter once per window, `incr` is atomic in Redis. If the cache
    is down the request goes through (fails open): a lost request is worse than a little spam.
    """
    limit, window = settings.LEADS_RATE_LIMIT, settings.LEADS_RATE_WINDOW
    if not ip_hash or limit <= 0:
        return
    now = int(timezone.now().timestamp())
    window_start = now - now % window
    key = f"leads:rate:{ip_hash}:{window_start}"
    try:
        cache.add(key, 0, timeout=window + 5)
        count = cache.incr(key)
    except ValueError:
        # The key expired between add and incr: this is the window's first request.
        return
    except Exception as exc:
        logger.warning("Rate limit skipped: the cache failed (%s).", exc.__class__.__name__)
        return
    if count > limit:
        raise RateLimited(retry_after=max(1, window_start + window - now))


# Spam layers ------------------------------------------------------------------------------------


class _BackdatedSigner(signing.TimestampSigner):
    """A TimestampSigner whose timestamps are `seconds` in the past."""

    def __init__(self, seconds: int, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.seconds = seconds

    def timestamp(self) -> str:
        return signing.b62_encode(int(time.time()) - self.seconds)


def form_started_token(backdate: int = 0, *, shared: bool = False) -> str:
    """A signed timestamp and a single-use nonce for the hidden `started` field of the HTML form.

    `backdate` (seconds) dates the token in the past: a form shown again to a person who has
    already filled it in must not look "sent too fast" when they press Send at once.

    `shared`: the form is on a page the content cache serves to every visitor alike (an article
    with the form block, the contact page). Its token is the same for everyone who gets that
    copy, so it carries no nonce and cannot be single-use (one person's request would mark the
    next person's as a replay); it is still signed, dated when the page was rendered, and expires.
    """
    signer = _BackdatedSigner(max(0, backdate), salt=FORM_STARTED_SALT)
    return signer.sign(SHARED_FORM_NONCE if shared else secrets.token_urlsafe(12))


def _nonce_key(nonce: str) -> str:
    return "leads:form-token:" + salted_hmac(FORM_STARTED_SALT, nonce).hexdigest()


def _form_token_problem(token: str) -> str | None:
    """Why the form's `started` token looks like a bot or a replay, or None when it looks human.

    Valid for LEADS_FORM_TOKEN_MAX_AGE seconds, not before LEADS_MIN_FILL_SECONDS, and once:
    its nonce is kept in the cache until the token would expire anyway (a cache that is down
    skips the single-use check rather than refuse people). A shared page's token (see
    `form_started_token`) has no nonce and is not single-use: it is the same for every visitor
    of the cached page.
    """
    if not token:
        return "form token missing"
    signer = signing.TimestampSigner(salt=FORM_STARTED_SALT)
    try:
        nonce = signer.unsign(token, max_age=timedelta(seconds=settings.LEADS_FORM_TOKEN_MAX_AGE))
    except signing.SignatureExpired:
        return EXPIRED_FORM_REASON
    except signing.BadSignature:
        return "form token invalid"
    try:
        signer.unsign(token, max_age=timedelta(seconds=settings.LEADS_MIN_FILL_SECONDS))
    except signing.SignatureExpired:
        pass
    else:
        return "sent too fast"
    if nonce == SHARED_FORM_NONCE:
        return None
    key = _nonce_key(nonce)
    try:
        # add + incr, as the rate limit: `incr` raises when the cache is down (`add` says False).
        cache.add(key, 0, timeout=settings.LEADS_FORM_TOKEN_MAX_AGE)
        uses = cache.incr(key)
    except ValueError:
        return None  # expired between add and incr: this was its first use
    except Exception as exc:
        logger.warning("Form token reuse check skipped (%s).", exc.__class__.__name__)
        return None
    return None if uses == 1 else "form token reused"


def _release_form_token(token: str) -> None:
    """The request was not stored: its token may be sent again."""
    try:
        nonce = signing.TimestampSigner(salt=FORM_STARTED_SALT).unsign(token)
        cache.delete(_nonce_key(nonce))
    except Exception as exc:
        logger.warning("Form token not released (%s).", exc.__class__.__name__)


def _check_recaptcha(token: str) -> tuple[str | None, bool]:
    """(spam reason or None, unverified): Google's answer; any failure to answer accepts."""
    from django_recaptcha import client

    if not token:
        return "reCAPTCHA token missing", False
    try:
        answer = client.submit(
            recaptcha_response=token,
            private_key=settings.RECAPTCHA_PRIVATE_KEY,
            remoteip="",
        )
    except Exception as exc:
        # URLError, timeouts, HTTP errors, bad JSON: Google did not answer usefully. The
        # person must not pay for it; staff see the flag.
        logger.warning("reCAPTCHA verification failed to answer (%s).", exc.__class__.__name__)
        return None, True
    if not answer.is_valid:
        return "reCAPTCHA rejected", False
    if settings.RECAPTCHA_VERSION == "v3":
        try:
            score = float(answer.extra_data.get("score", 0))
        except (TypeError, ValueError):
            score = 0.0
        if score < settings.RECAPTCHA_REQUIRED_SCORE:
            return f"low reCAPTCHA score ({score:.1f})", False
    return None, False


def _referrer_host(value: str) -> str:
    if not value:
        return ""
    try:
        host = urlsplit(value if "//" in value else f"//{value}").hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket: keep nothing rather than fail
        return ""
    return host[:255]


def _source_page(page_id: int | None) -> Page | None:
    """The page the request came from, only if it is live and public (a draft's or a private
    page's id is dropped, not an error: its title must not reach the practice's email)."""
    if not page_id:
        return None
    return Page.objects.live().public().filter(pk=page_id).first()


# How a visitor's value becomes its Lead column, where it is not stored as sent.
_TO_COLUMN: dict[str, Callable[[Any], Any]] = {
    "preferred_contact": lambda value: value or Lead.ContactMethod.PHONE,
    "source_page": _source_page,
    "referrer": _referrer_host,
}


def _visitor_columns(data: dict[str, Any]) -> dict[str, Any]:
    """The Lead columns filled from what the visitor sent (`fields.STORED_INTAKE_FIELDS`)."""
    columns = {}
    for spec in STORED_INTAKE_FIELDS:
        if spec.required:
            value = data[spec.name]
        else:
            value = data.get(spec.name, None if spec.kind is Kind.PAGE else "")
        convert = _TO_COLUMN.get(spec.name)
        columns[spec.column] = convert(value) if convert else value
    return columns


# Intake -----------------------------------------------------------------------------------------


def submit_lead(data: dict[str, Any], submission: Submission) -> Lead:
    """Store a validated request with its consent, and queue its notification in one transaction.

    `data` is `LeadForm.cleaned_data`. Suspected spam is stored (flagged, status spam, not
    notified) and returned like any other lead, so the caller answers a bot as if it succeeded.
    Raises RateLimited (nothing stored), FormExpired (HTML form only: the token outlived
    LEADS_FORM_TOKEN_MAX_AGE and nothing else looks like a bot; nothing stored) or
    IntakeUnavailable (the database is down).
    """
    ip_hash = hash_ip(submission.client_ip)
    check_rate_limit(ip_hash)

    reasons = list(submission.spam_reasons)
    if data.get("website"):
        reasons.append("honeypot filled")
    if submission.channel == "html" and (reason := _form_token_problem(data.get("started", ""))):
        if reason == EXPIRED_FORM_REASON and not reasons:
            raise FormExpired
        reasons.append(reason)
    captcha_unverified = False
    token = data.get("recaptcha_token", "")
    if settings.RECAPTCHA_ENABLED and not reasons:
        if not token and submission.channel == "html":
            # The form works without JavaScript, and then has no token: accept, flag for staff.
            captcha_unverified = True
        else:
            reason, captcha_unverified = _check_recaptcha(token)
            if reason:
                reasons.append(reason)

    now = timezone.now()
    try:
        with transaction.atomic():
            duplicate = Lead.objects.filter(
                email__iexact=data["email"],
                received_at__gte=now - timedelta(seconds=settings.LEADS_DUPLICATE_WINDOW),
            ).exists()
            lead = Lead.objects.create(
                **_visitor_columns(data),
                consent_version=settings.LEADS_CONSENT_VERSION,
                consented_at=now,
                received_at=now,
                status=Lead.Status.SPAM if reasons else Lead.Status.NEW,
                is_spam=bool(reasons),
                spam_reason="; ".join(reasons)[:200],
                is_duplicate=duplicate,
                captcha_unverified=captcha_unverified,
                ip_hash=ip_hash,
            )
            if not reasons:
                queue_notifications(lead)
    except (OperationalError, InterfaceError) as exc:
        if submission.channel == "html":
            _release_form_token(data.get("started", ""))
        logger.error(
            "Consultation request not stored: database unavailable (%s).", exc.__class__.__name__
        )
        raise IntakeUnavailable from None
    except DatabaseError as exc:
        if submission.channel == "html":
            _release_form_token(data.get("started", ""))
        logger.error(
            "Consultation request not stored: database error (%s).", exc.__class__.__name__
        )
        raise IntakeUnavailable from None
    logger.info(
        "Consultation request stored (id %s, spam=%s, duplicate=%s).",
        lead.pk,
        bool(reasons),
        duplicate,
    )
    return lead


# Staff actions ----------------------------------------------------------------------------------


def change_status(lead: Lead, status: str, actor) -> LeadActivity | None:
    """Move a lead to a new status and record who did it; marking "not spam" queues its notice."""
    if status == lead.status:
        return None
    with transaction.atomic():
        previous = lead.status
        was_spam = lead.is_spam
        lead.status = status
        lead.is_spam = status == Lead.Status.SPAM
        lead.save(update_fields=["status", "is_spam"])
        activity = LeadActivity.objects.create(
            lead=lead,
            kind=LeadActivity.Kind.STATUS,
            actor=actor,
            from_status=previous,
            to_status=status,
        )
        audit.record(lead, audit.STATUS, actor, **{"from": previous, "to": status})
        if was_spam and not lead.is_spam and not lead.notifications.exists():
            queue_notifications(lead)
    return activity


def add_note(lead: Lead, text: str, actor) -> LeadActivity:
    """An internal note on a lead, with who wrote it and when (its text stays out of the trail)."""
    with transaction.atomic():
        activity = LeadActivity.objects.create(
            lead=lead, kind=LeadActivity.Kind.NOTE, actor=actor, text=text
        )
        audit.record(lead, audit.NOTE, actor)
    return activity
