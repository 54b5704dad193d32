"""Valid consultation requests for tests (our own made-up values, never real personal data)."""

from __future__ import annotations

import secrets
import time

from django.core import signing

from leads.services import FORM_STARTED_SALT


def started_token(seconds_ago: int = 60) -> str:
    """A signed `started` value for a form shown `seconds_ago` seconds ago."""

    class PastSigner(signing.TimestampSigner):
        def timestamp(self):
            return signing.b62_encode(int(time.time()) - seconds_ago)

    return PastSigner(salt=FORM_STARTED_SALT).sign(secrets.token_urlsafe(12))


def api_payload(**overrides) -> dict:
    payload = {
        "name": "Alex Example",
        "email": "alex@example.org",
        "phone": "(408) 555-0142",
        "preferred_contact": "phone",
        "preferred_times": "Weekday evenings",
        "message": "I would like to talk about a free consultation.",
        "consent": True,
    }
    payload.update(overrides)
    return {key: value for key, value in payload.items() if value is not ...}


def form_data(**overrides) -> dict:
    data = {
        "name": "Alex Example",
        "email": "alex@example.org",
        "phone": "(408) 555-0142",
        "preferred_contact": "phone",
        "preferred_times": "Weekday evenings",
        "message": "I would like to talk about a free consultation.",
        "consent": "on",
        "started": started_token(),
        "website": "",
    }
    data.update(overrides)
    return {key: value for key, value in data.items() if value is not ...}
