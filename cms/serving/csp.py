"""The Content-Security-Policy each response gets: public pages, the admin, and page previews."""

from django.conf import settings
from django.middleware.csp import ContentSecurityPolicyMiddleware as BaseCSPMiddleware
from django.utils.csp import CSP


class ContentSecurityPolicyMiddleware(BaseCSPMiddleware):
    """Django's CSP middleware, with the admin's own looser policy (it needs inline scripts), and
    page previews framable by the admin (same origin) and by nothing else.

    Wagtail renders a preview through the whole middleware chain with a dummy request for the
    page's public URL (``Page.make_preview_request``, which marks it ``is_preview``), so the
    preview would otherwise carry the public pages' ``frame-ancestors 'none'`` and the admin's
    preview panel, with its accessibility and content checks, would stay blank.
    """

    def process_response(self, request, response):
        if getattr(request, "is_preview", False):
            config = getattr(response, "_csp_config", None) or settings.SECURE_CSP
            response._csp_config = {**config, "frame-ancestors": [CSP.SELF]}
            response["X-Frame-Options"] = "SAMEORIGIN"
        elif request.path.startswith(settings.ADMIN_PATH_PREFIXES) and not hasattr(
            response, "_csp_config"
        ):
            response._csp_config = settings.ADMIN_CSP
        return super().process_response(request, response)
