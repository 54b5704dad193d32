"""The CSP exception reCAPTCHA needs, limited to the responses that render the widget."""

from django.conf import settings

RECAPTCHA_SOURCES = {
    "script-src": ["https://www.google.com/recaptcha/", "https://www.gstatic.com/recaptcha/"],
    "frame-src": ["https://www.google.com/recaptcha/", "https://recaptcha.google.com/recaptcha/"],
    "connect-src": ["https://www.google.com/recaptcha/"],
}


class RecaptchaContentSecurityPolicyMiddleware:
    """Allow Google's reCAPTCHA hosts only on responses that rendered the widget.

    The consultation form tag marks the request; every other public page keeps the strict policy.
    Listed after the CSP middleware, so it runs first on the way out.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if getattr(request, "leads_recaptcha_rendered", False) and not hasattr(
            response, "_csp_config"
        ):
            config = {key: list(value) for key, value in settings.SECURE_CSP.items()}
            for directive, sources in RECAPTCHA_SOURCES.items():
                config[directive] = [*config.get(directive, []), *sources]
            response._csp_config = config
        return response
