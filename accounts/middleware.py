"""Staff sign-in middleware: session limits, the second factor, the password-reset throttle."""

from __future__ import annotations

import logging
from urllib.parse import urlencode

from django.conf import settings
from django.contrib import messages
from django.core.cache import cache
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django_otp import user_has_device

from cms.serving.proxy import client_ip

from . import sessions
from .policy import two_factor_required

logger = logging.getLogger(__name__)


def _admin_request(request) -> bool:
    return request.path.startswith(settings.ADMIN_PATH_PREFIXES)


class SessionLimitsMiddleware:
    """Ends a session past its idle timeout or absolute lifetime, and says why at sign-in."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        reason = sessions.enforce(request)
        if reason:
            messages.info(request, reason)
            if _admin_request(request):
                query = urlencode({"next": request.get_full_path()})
                return redirect(f"{reverse('wagtailadmin_login')}?{query}")
        return self.get_response(request)


class TwoFactorMiddleware:
    """No admin page for an account that needs a second factor until it has passed one.

    Such an account, signed in with its password only, can reach the two-factor pages, sign-out
    and password reset; every other admin URL sends it to the code prompt, or to enrolment when
    it has no device yet.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def _open_paths(self) -> tuple[str, ...]:
        return (
            reverse("wagtailadmin_login"),
            reverse("wagtailadmin_logout"),
            reverse("wagtailadmin_password_reset"),
            reverse("accounts_two_factor:verify").rsplit("verify/", 1)[0],
            # The icon sprite and translations every admin page (these ones too) loads.
            reverse("wagtailadmin_sprite"),
            reverse("wagtailadmin_javascript_catalog"),
            settings.STATIC_URL,
        )

    def __call__(self, request):
        user = request.user
        if (
            _admin_request(request)
            and user.is_authenticated
            and not user.is_verified()
            and not request.path.startswith(self._open_paths())
            and two_factor_required(user)
        ):
            target = "verify" if user_has_device(user) else "setup"
            query = urlencode({"next": request.get_full_path()})
            return redirect(f"{reverse(f'accounts_two_factor:{target}')}?{query}")
        return self.get_response(request)


class PasswordResetThrottleMiddleware:
    """At most PASSWORD_RESET_LIMIT reset requests per address and per email an hour; more get
    a 429 page (no email), so the form cannot be used to flood a mailbox or probe accounts."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method == "POST" and request.path == reverse("wagtailadmin_password_reset"):
            retry = self._over_limit(request)
            if retry:
                response = render(
                    request,
                    "accounts/password_reset_throttled.html",
                    {"minutes": max(1, retry // 60)},
                    status=429,
                )
                response["Retry-After"] = str(retry)
                return response
        return self.get_response(request)

    def _over_limit(self, request) -> int:
        """Seconds to wait when this request is over a limit, else 0 (and it is counted)."""
        window = settings.PASSWORD_RESET_WINDOW
        now = int(timezone.now().timestamp())
        start = now - now % window
        email = request.POST.get("email", "").strip().lower()
        keys = [f"accounts:reset:ip:{client_ip(request)}:{start}"]
        if email:
            digest = salted_hmac("accounts.reset-email", email, algorithm="sha256").hexdigest()
            keys.append(f"accounts:reset:email:{digest}:{start}")
        over = False
        for key in keys:
            try:
                cache.add(key, 0, timeout=window + 5)
                over = cache.incr(key) > settings.PASSWORD_RESET_LIMIT or over
            except Exception as exc:
                logger.warning("Password reset throttle skipped (%s).", exc.__class__.__name__)
        return start + window - now if over else 0
