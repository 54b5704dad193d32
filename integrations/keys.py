"""Frontend API keys: creating one (shown once, stored hashed) and checking a request's key.

A server-side frontend (a Next.js route handler, an Astro endpoint) posts leads for its visitors;
with a valid key it passes the visitor's address in `X-Visitor-IP`, and rate limiting and spam
checks count that address instead of the frontend server's own.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import secrets
from dataclasses import dataclass

from django.http import HttpRequest
from django.utils import timezone

from .models import FrontendKey

KEY_HEADER = "X-Frontend-Key"
VISITOR_HEADER = "X-Visitor-IP"
PREFIX_LENGTH = 8


class InvalidKey(Exception):
    """A key was sent but is unknown, revoked or malformed (answer 401)."""


class BadVisitorAddress(ValueError):
    """A valid key came with a missing or malformed visitor address (answer 400)."""


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def create_key(name: str) -> tuple[FrontendKey, str]:
    """A new key for `name`: the saved row (hash only) and the key, to show once."""
    prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"fk_{prefix}_{secrets.token_urlsafe(32)}"
    row = FrontendKey.objects.create(name=name, prefix=prefix, key_hash=_hash(key))
    return row, key


def assign_new_key(row: FrontendKey) -> str:
    """Give an unsaved row its prefix and hash; returns the key, to show once."""
    row.prefix = secrets.token_hex(PREFIX_LENGTH // 2)
    key = f"fk_{row.prefix}_{secrets.token_urlsafe(32)}"
    row.key_hash = _hash(key)
    return key


def sent_key(request: HttpRequest) -> str | None:
    """The key the request carries (`X-Frontend-Key`, or `Authorization: Bearer`), if any."""
    key = request.headers.get(KEY_HEADER)
    if key is None:
        authorization = request.headers.get("Authorization", "")
        scheme, _, value = authorization.partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            key = value.strip()
    return key


def check_key(key: str) -> FrontendKey:
    """The active key row matching `key`; InvalidKey otherwise (constant-time comparison)."""
    parts = key.split("_")
    if len(parts) < 3 or parts[0] != "fk" or len(parts[1]) != PREFIX_LENGTH:
        raise InvalidKey("malformed")
    row = FrontendKey.objects.filter(prefix=parts[1], active=True).first()
    if row is None or not hmac.compare_digest(row.key_hash, _hash(key)):
        raise InvalidKey("unknown")
    return row


@dataclass(frozen=True)
class TrustedCaller:
    """A request from a frontend server holding a valid key, on behalf of `visitor_ip`."""

    key: FrontendKey
    visitor_ip: str


def trusted_caller(request: HttpRequest) -> TrustedCaller | None:
    """None without a key; the key and the visitor's address with a valid one.

    Raises InvalidKey for a wrong key (never falls back to the caller's address silently: a
    misconfigured frontend must hear about it) and BadVisitorAddress for a bad `X-Visitor-IP`.
    """
    key = sent_key(request)
    if key is None:
        return None
    row = check_key(key)
    raw = request.headers.get(VISITOR_HEADER, "").strip()
    try:
        visitor = str(ipaddress.ip_address(raw))
    except ValueError as exc:
        raise BadVisitorAddress(raw[:64]) from exc
    FrontendKey.objects.filter(pk=row.pk).update(last_used_at=timezone.now())
    return TrustedCaller(key=row, visitor_ip=visitor)
