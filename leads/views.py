"""Public views of the Leads app: the consultation form, its POST target and the thank-you page.

The admin's Leads area is in viewsets.py.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from cms.serving.proxy import client_ip

from .fields import QUERY_FIELDS
from .forms import FORM_TEXT, LeadForm
from .services import (
    FormExpired,
    IntakeUnavailable,
    RateLimited,
    Submission,
    form_started_token,
    practice_phone,
    submit_lead,
)

#: Shown at the top of the HTML form when its page was open longer than its token lives.
FORM_EXPIRED_MESSAGE = (
    "This page was open for a long time, so please check your request and press Send once more."
    " Nothing has been sent yet."
)


def consultation_form_context(
    request: HttpRequest | None,
    *,
    form: LeadForm | None = None,
    source_page=None,
    block_id: str = "",
    heading: str = "",
    intro: str = "",
    started: str | None = None,
) -> dict:
    """What `includes/consultation_form.html` needs, for an article block or the form page."""
    if form is None:
        initial = {
            "source_page": getattr(source_page, "pk", None),
            "block_id": (block_id or "")[:64],
        }
        if request is not None:
            for field in QUERY_FIELDS:
                initial[field.name] = _plain(request.GET.get(field.name, ""), field.max_length)
            initial["referrer"] = _external_referrer_host(request)
        form = LeadForm(initial=initial, auto_id=_auto_id(block_id))
    recaptcha = settings.RECAPTCHA_ENABLED
    if recaptcha and request is not None:
        request.leads_recaptcha_rendered = True
    return {
        "request": request,
        "form": form,
        "started": started or form_started_token(),
        "heading": heading,
        "intro": intro,
        "form_id": f"consultation-{block_id or 'form'}",
        "action": reverse("leads:consultation"),
        "recaptcha": recaptcha,
        "recaptcha_version": settings.RECAPTCHA_VERSION,
        "recaptcha_public_key": settings.RECAPTCHA_PUBLIC_KEY,
        "visible_fields": [form[name] for name in LeadForm.visible_fields_order],
        "text": FORM_TEXT,
    }


def _plain(value: str, limit: int) -> str:
    """A query value made safe for a hidden field: no control characters, bounded length.

    Otherwise an odd campaign link (a line break in utm_source) would make the form refuse to
    send for a genuine visitor.
    """
    return "".join(char for char in value if char.isprintable())[:limit].strip()


def _auto_id(block_id: str) -> str:
    safe = "".join(char for char in (block_id or "form") if char.isalnum() or char in "-_")[:40]
    return f"cf-{safe or 'form'}-%s"


def _external_referrer_host(request: HttpRequest) -> str:
    """The host that sent the visitor to the page, when it is not this site."""
    try:
        host = urlsplit(request.META.get("HTTP_REFERER", "")).hostname or ""
    except ValueError:  # e.g. an unclosed IPv6 bracket
        return ""
    if not host or host == request.get_host().split(":")[0]:
        return ""
    return _plain(host, 255)


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503: the request could not be stored; tell the person to call instead."""
    response = render(
        request, "leads/unavailable.html", {"phone": practice_phone(request)}, status=503
    )
    response["Retry-After"] = "60"
    return response


@require_http_methods(["GET", "POST"])
def consultation(request: HttpRequest) -> HttpResponse:
    """The form's POST target (and its standalone page): validate, store, then say thank you."""
    if request.method == "GET":
        context = consultation_form_context(request, heading=FORM_TEXT["heading"])
        return render(request, "leads/consultation.html", context)

    data = request.POST.copy()
    if "g-recaptcha-response" in data and not data.get("recaptcha_token"):
        data["recaptcha_token"] = data["g-recaptcha-response"]
    form = LeadForm(data, auto_id=_auto_id(data.get("block_id", "")))
    if not form.is_valid():
        context = consultation_form_context(request, form=form, heading="Please check your request")
        return render(request, "leads/consultation.html", context, status=400)
    try:
        submit_lead(form.cleaned_data, Submission(client_ip=client_ip(request), channel="html"))
    except RateLimited as limited:
        context = consultation_form_context(request, form=form, heading="Please try again later")
        context["rate_limited"] = True
        response = render(request, "leads/consultation.html", context, status=429)
        response["Retry-After"] = str(limited.retry_after)
        return response
    except FormExpired:
        # Nothing stored: show what they wrote with a fresh token, dated as if the form had been
        # open for the minimum fill time, so pressing Send again at once is not "too fast".
        form.add_error(None, FORM_EXPIRED_MESSAGE)
        context = consultation_form_context(
            request,
            form=form,
            heading="Please check your request",
            started=form_started_token(backdate=settings.LEADS_MIN_FILL_SECONDS),
        )
        return render(request, "leads/consultation.html", context, status=400)
    except IntakeUnavailable:
        return unavailable_response(request)
    thanks_url = reverse("leads:thanks")
    if source_page := form.cleaned_data.get("source_page"):
        thanks_url += f"?{urlencode({'from': source_page})}"
    return redirect(thanks_url, permanent=False)


def thanks(request: HttpRequest) -> HttpResponse:
    """The thank-you state, with a way back to the page the person came from (its id is the
    only thing in the URL: nothing personal in the URL or on the page)."""
    return render(
        request, "leads/thanks.html", {"text": FORM_TEXT, "back_page": _back_page(request)}
    )


def _back_page(request: HttpRequest) -> dict | None:
    """The live, public page a request was sent from (`?from=<page id>`), to link back to."""
    page_id = request.GET.get("from", "")
    if not page_id.isdigit() or len(page_id) > 10:
        return None
    page = Page.objects.live().public().filter(pk=int(page_id), depth__gt=1).first()
    url = page.get_url(request) if page is not None else None
    return {"url": url, "title": page.title} if url else None
