"""Public views of the practice core that are not pages: the brand stylesheet."""

from __future__ import annotations

from django.http import HttpResponse

from .brand import brand_css
from .models import PracticeSettings


def brand_stylesheet(request) -> HttpResponse:
    """The practice's colours as CSS, same-origin, so pages need no inline style (CSP)."""
    practice = PracticeSettings.for_request(request)
    return HttpResponse(brand_css(practice.brand_colour), content_type="text/css; charset=utf-8")
