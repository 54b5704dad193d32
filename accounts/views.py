"""Two-factor pages of the admin: enrolment at first sign-in, the code prompt, recovery codes."""

from __future__ import annotations

from base64 import b32encode
from urllib.parse import urlencode

import segno
from django.contrib import messages
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_http_methods
from django_otp import login as otp_login
from django_otp import user_has_device

from . import services
from .forms import CodeForm, EnrolForm

RECOVERY_SESSION_KEY = "accounts_new_recovery_codes"


def _next_url(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("wagtailadmin_home")


def _to(name: str, next_url: str) -> HttpResponse:
    return redirect(f"{reverse(f'accounts_two_factor:{name}')}?{urlencode({'next': next_url})}")


@require_http_methods(["GET", "POST"])
def setup(request: HttpRequest) -> HttpResponse:
    """Add an authenticator app: scan the QR code (or type the key), confirm with a code."""
    if user_has_device(request.user) and not request.user.is_verified():
        # Replacing a device needs the current second factor first.
        return _to("verify", _next_url(request))
    device = services.pending_app_device(request.user)
    form = EnrolForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if services.confirm_app_device(device, form.cleaned_data["code"]):
            otp_login(request, device)
            request.session[RECOVERY_SESSION_KEY] = services.new_recovery_codes(request.user)
            return _to("recovery", _next_url(request))
        form.add_error(
            None,
            "That code did not match. Check the app shows this account and that your "
            "device's clock is right, then enter the newest code.",
        )
    key = b32encode(device.bin_key).decode()
    return render(
        request,
        "accounts/two_factor_setup.html",
        {
            "form": form,
            "next": _next_url(request),
            "qr_svg": segno.make(device.config_url, error="m").svg_inline(
                scale=5, dark="#000", light="#fff", title="QR code for your authenticator app"
            ),
            "key_groups": [key[i : i + 4] for i in range(0, len(key), 4)],
        },
    )


@require_http_methods(["GET", "POST"])
def verify(request: HttpRequest) -> HttpResponse:
    """The second step of sign-in: a code from the app, or a recovery code."""
    if request.user.is_verified():
        return redirect(_next_url(request))
    if not user_has_device(request.user):
        return _to("setup", _next_url(request))
    form = CodeForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        device = services.verify_code(request.user, form.cleaned_data["code"])
        if device is not None:
            otp_login(request, device)
            if device.name == services.RECOVERY_DEVICE_NAME:
                left = services.recovery_codes_left(request.user)
                messages.warning(
                    request,
                    f"You signed in with a recovery code; {left} left. Generate new ones under "
                    "Account > Two-factor sign-in if you are running out.",
                )
            return redirect(_next_url(request))
        form.add_error(
            None,
            "That code did not work. Enter the newest code from your app (wait for it to change "
            "after a wrong try), or one of your recovery codes.",
        )
    return render(
        request, "accounts/two_factor_verify.html", {"form": form, "next": _next_url(request)}
    )


def recovery(request: HttpRequest) -> HttpResponse:
    """The new recovery codes, shown once right after they are made."""
    codes = request.session.pop(RECOVERY_SESSION_KEY, None)
    if not codes or not request.user.is_verified():
        return redirect("accounts_two_factor:manage")
    return render(
        request, "accounts/two_factor_recovery.html", {"codes": codes, "next": _next_url(request)}
    )


@require_http_methods(["GET", "POST"])
def manage(request: HttpRequest) -> HttpResponse:
    """Account > Two-factor sign-in: how many recovery codes are left, and new ones on request."""
    if user_has_device(request.user) and not request.user.is_verified():
        return _to("verify", request.path)
    if request.method == "POST" and request.POST.get("action") == "new-codes":
        if not request.user.is_verified():
            # No app yet (a verified session has one): recovery codes come with enrolment. Made
            # here, they would never be shown and the account would be asked for them ever after.
            return _to("setup", request.path)
        request.session[RECOVERY_SESSION_KEY] = services.new_recovery_codes(request.user)
        return redirect("accounts_two_factor:recovery")
    return render(
        request,
        "accounts/two_factor_manage.html",
        {
            "has_app": user_has_device(request.user),
            "codes_left": services.recovery_codes_left(request.user),
        },
    )
