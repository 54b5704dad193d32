"""Who must use a second factor and how long their sessions may stay idle, from settings.

Both follow what a person can see: superusers and anyone holding one of TWO_FACTOR_PERMISSIONS
(the lead permissions) are guarded more closely than editors.
"""

from __future__ import annotations

from django.conf import settings


def sees_leads(user) -> bool:
    """Whether the account can read consultation requests (superuser or a lead permission)."""
    if not (user.is_authenticated and user.is_active):
        return False
    return user.is_superuser or any(user.has_perm(perm) for perm in settings.TWO_FACTOR_PERMISSIONS)


def two_factor_required(user) -> bool:
    """Whether this account must pass a second factor before using the admin."""
    if not (user.is_authenticated and user.is_active):
        return False
    return settings.TWO_FACTOR_FOR_EVERYONE or sees_leads(user)


def idle_timeout(user) -> float:
    """Seconds without a request after which the account's session ends (0: no idle limit)."""
    if sees_leads(user):
        return settings.SESSION_IDLE_SECONDS
    return settings.SESSION_IDLE_SECONDS_OTHERS
