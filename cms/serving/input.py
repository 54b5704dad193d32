"""Requests carrying characters nothing can store or print (NUL, lone UTF-16 surrogates) in the
path or the query string are answered 400 with a message, before any view runs: PostgreSQL
refuses them and a page cannot encode them, so they used to end in a 500. Form fields are the
forms' to refuse, next to the field (leads/forms.py); campaign tags (utm_*) are cleaned where
they are read instead, so a mangled campaign link still shows the page and its form."""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable

from django.conf import settings
from django.http import HttpRequest, HttpResponse

from cms.serving.errors import error_page

UNUSABLE = re.compile("[\x00\ud800-\udfff]")
# Campaign tags are cleaned where they are read (leads.views): a mangled campaign link must never
# keep a person from the page or the form.
CLEANED_PARAMETERS = frozenset(
    {"utm_source", "utm_medium", "utm_campaign", "utm_term", "utm_content"}
)


def _unusable(values: Iterable[str]) -> bool:
    return any(UNUSABLE.search(value) for value in values)


def problem(request: HttpRequest) -> str:
    """What is wrong with the request's text, or "" when nothing is."""
    if UNUSABLE.search(request.path):
        return "The address contains a character the site cannot accept (a null character)."
    for name, values in request.GET.lists():
        if name in CLEANED_PARAMETERS:
            continue
        if _unusable([name, *values]):
            return (
                f"The query parameter {name[:40].encode('ascii', 'replace').decode()!r} contains "
                "a character the site cannot accept (a null character or a broken emoji)."
            )
    return ""


class RejectUnusableInputMiddleware:
    """400 page with a message for NUL and lone surrogates on the public HTML site. The API
    refuses them itself, in JSON (cms.headless.viewsets.PublicAPIMixin, leads.api); the admin's
    forms refuse them field by field."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]):
        self.get_response = get_response
        self.skip = (*settings.ADMIN_PATH_PREFIXES, "/api/")

    def __call__(self, request: HttpRequest) -> HttpResponse:
        if not request.path.startswith(self.skip):
            message = problem(request)
            if message:
                return error_page(request, 400, message)
        return self.get_response(request)
