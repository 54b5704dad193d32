"""Two-factor devices of a staff account: enrolment, verification and recovery codes."""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django_otp.models import Device
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

APP_DEVICE_NAME = "Authenticator app"
RECOVERY_DEVICE_NAME = "Recovery codes"


def pending_app_device(user) -> TOTPDevice:
    """The authenticator app being set up (unconfirmed), created on first use."""
    device = TOTPDevice.objects.filter(user=user, confirmed=False).order_by("-pk").first()
    if device is None:
        device = TOTPDevice.objects.create(user=user, name=APP_DEVICE_NAME, confirmed=False)
    return device


def confirm_app_device(device: TOTPDevice, code: str) -> bool:
    """Confirm the app once it produced a valid code; older app devices are replaced."""
    if not device.verify_token(code.strip()):
        return False
    with transaction.atomic():
        TOTPDevice.objects.filter(user=device.user).exclude(pk=device.pk).delete()
        device.confirmed = True
        device.save(update_fields=["confirmed"])
    return True


def new_recovery_codes(user) -> list[str]:
    """Replace the account's recovery codes with TWO_FACTOR_RECOVERY_CODES new single-use ones."""
    with transaction.atomic():
        StaticDevice.objects.filter(user=user).delete()
        device = StaticDevice.objects.create(user=user, name=RECOVERY_DEVICE_NAME, confirmed=True)
        codes = [StaticToken.random_token() for _ in range(settings.TWO_FACTOR_RECOVERY_CODES)]
        StaticToken.objects.bulk_create(StaticToken(device=device, token=code) for code in codes)
    return codes


def recovery_codes_left(user) -> int:
    """How many unused recovery codes the account has."""
    return StaticToken.objects.filter(device__user=user, device__confirmed=True).count()


def verify_code(user, code: str) -> Device | None:
    """The device that accepts this code (an app's 6 digits, or a recovery code), or None.

    Each device throttles its own failures (django-otp doubles the wait after each).
    """
    devices = (
        TOTPDevice.objects.filter(user=user, confirmed=True)
        if code.isdigit() and len(code) == 6
        else StaticDevice.objects.filter(user=user, confirmed=True)
    )
    for device in devices:
        with transaction.atomic():
            locked = Device.from_persistent_id(device.persistent_id, for_verify=True)
            if locked is not None and locked.verify_token(code):
                return locked
    return None


def reset_devices(user) -> int:
    """Remove every second factor of the account (lost phone): it enrols again at next sign-in."""
    deleted = TOTPDevice.objects.filter(user=user).delete()[0]
    return deleted + StaticDevice.objects.filter(user=user).delete()[0]
