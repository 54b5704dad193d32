"""Public views of the Leads app: the consultation form, its POST target and the thank-you page.

The admin's Leads area is in viewsets.py.
"""

from __future__ import annotations

from urllib.parse import urlencode, urlsplit

from django.conf import settings
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_http_methods
from wagtail.models import Page

from cms.serving.errors import error_page
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

#: The 403 page for a POST that did not come from this site's own form.
FORGED_POST_MESSAGE = (
    "This form was not sent from this website, so nothing was sent or kept. If you meant to ask"
    " for a consultation, please open the form on our site and send it from there, or call us."
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
    shared: bool = False,
) -> dict:
    """What `includes/consultation_form.html` needs, for an article block or the form page.

    `shared`: the form is inside a page the content cache may serve to every visitor (an article
    or the contact page). Nothing of this visitor goes into it: its token is the page's (signed,
    dated, not single-use), the referrer is filled in by the browser (leads/attribution.js), and
    the page is kept in the cache for at most LEADS_FORM_PAGE_CACHE_SECONDS.
    """
    if form is None:
        initial = {
            "source_page": getattr(source_page, "pk", None),
            "block_id": (block_id or "")[:64],
        }
        if request is not None:
            # The cache keys a page by its full address, query string included.
            for field in QUERY_FIELDS:
                initial[field.name] = _plain(request.GET.get(field.name, ""), field.max_length)
            if not shared:
                initial["referrer"] = _external_referrer_host(request)
        form = LeadForm(initial=initial, auto_id=_auto_id(block_id))
    recaptcha = settings.RECAPTCHA_ENABLED
    if request is not None:
        if recaptcha:
            request.leads_recaptcha_rendered = True
        if shared:
            seconds = settings.LEADS_FORM_PAGE_CACHE_SECONDS
            request.content_cache_seconds = min(
                getattr(request, "content_cache_seconds", None) or seconds, seconds
            )
    return {
        "request": request,
        "form": form,
        "started": started or form_started_token(shared=shared),
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


def site_origins(request: HttpRequest) -> set[str]:
    """The origins a form of this site is posted from: the address the request came to, the
    configured SITE_URL and CSRF_TRUSTED_ORIGINS."""
    site = urlsplit(settings.SITE_URL)
    return {
        f"{request.scheme}://{request.get_host()}",
        f"{site.scheme}://{site.netloc}",
        *settings.CSRF_TRUSTED_ORIGINS,
    }


def _origin_of(url: str) -> str:
    try:
        parts = urlsplit(url)
    except ValueError:
        return ""
    return f"{parts.scheme}://{parts.netloc}" if parts.scheme and parts.netloc else ""


def posted_from_this_site(request: HttpRequest) -> bool:
    """True when the POST came from a page of this site: its Origin is one of the site's, or,
    without an Origin, its Referer is. Neither (or `Origin: null`) is refused: browsers send
    Origin on every cross-origin form POST, and on same-origin POSTs too."""
    origins = site_origins(request)
    origin = request.headers.get("Origin")
    if origin:
        return origin in origins
    referer = request.headers.get("Referer")
    return bool(referer) and _origin_of(referer) in origins


def forged_post_response(request: HttpRequest) -> HttpResponse:
    """403: a POST that did not come from this site's form; nothing is kept, the phone is named."""
    return error_page(request, 403, FORGED_POST_MESSAGE, phone=practice_phone(request))


def unavailable_response(request: HttpRequest) -> HttpResponse:
    """503: the request could not be stored; tell the person to call instead."""
    response = render(
        request, "leads/unavailable.html", {"phone": practice_phone(request)}, status=503
    )
    response["Retry-After"] = "60"
    return response


@csrf_exempt
@require_http_methods(["GET", "POST"])
def consultation(request: HttpRequest) -> HttpResponse:
    """The form's POST target (and its standalone page): validate, store, then say thank you.

    No CSRF token: the form sits on pages the content cache shares between visitors. A forged
    POST from another site is refused by its Origin (or Referer) instead, before anything is
    read; the form's signed, dated token is checked with the other spam layers (services.py).
    """
    if request.method == "GET":
        context = consultation_form_context(request, heading=FORM_TEXT["heading"])
        return render(request, "leads/consultation.html", context)
    if not posted_from_this_site(request):
        return forged_post_response(request)

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
