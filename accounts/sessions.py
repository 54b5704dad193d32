"""Session limits: an idle timeout and an absolute lifetime, measured in the session itself."""

from __future__ import annotations

import time

from django.conf import settings
from django.contrib.auth import logout
from django.http import HttpRequest

from .policy import idle_timeout

SIGNED_IN_AT = "accounts_signed_in_at"
LAST_SEEN_AT = "accounts_last_seen_at"


def stamp_sign_in(sender, request: HttpRequest, user, **kwargs) -> None:
    """`user_logged_in`: the session's start, from which its absolute lifetime counts."""
    session = getattr(request, "session", None)
    if session is None:
        return
    now = time.time()
    session[SIGNED_IN_AT] = now
    session[LAST_SEEN_AT] = now


def expired_reason(request: HttpRequest, now: float) -> str | None:
    """Why the signed-in session must end now, or None while it may go on."""
    session = request.session
    started = session.get(SIGNED_IN_AT)
    if started is not None and now - started > settings.SESSION_MAX_SECONDS:
        hours = settings.SESSION_MAX_SECONDS / 3600
        return f"You were signed out because sessions last at most {hours:g} hours."
    idle = idle_timeout(request.user)
    last = session.get(LAST_SEEN_AT)
    if idle and last is not None and now - last > idle:
        return f"You were signed out after {idle / 60:g} minutes without activity."
    return None


def enforce(request: HttpRequest) -> str | None:
    """Sign out an expired session (returning why), else note this request as activity."""
    if not request.user.is_authenticated:
        return None
    now = time.time()
    if reason := expired_reason(request, now):
        logout(request)
        return reason
    session = request.session
    session.setdefault(SIGNED_IN_AT, now)
    idle = idle_timeout(request.user)
    last = session.get(LAST_SEEN_AT)
    # Written at most once a minute (or a quarter of a short timeout): not a save per request.
    if last is None or now - last >= min(60.0, (idle or 240) / 4):
        session[LAST_SEEN_AT] = now
    return None
