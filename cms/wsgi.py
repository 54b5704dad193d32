import os

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.production")


def _application():
    """Django's WSGI handler, with content-cache hits answered before it (cms/serving/wsgi.py)
    and counted as page views (insights/), as the middleware stack would."""
    django.setup(set_prefix=False)
    from django.conf import settings
    from django.core.wsgi import get_wsgi_application

    if not getattr(settings, "CONTENT_CACHE_EARLY_WSGI", True):
        return get_wsgi_application()
    from cms.serving.wsgi import EarlyHitWSGIHandler
    from insights.middleware import PageViewCounterMiddleware

    counter = PageViewCounterMiddleware(lambda request: None)
    return EarlyHitWSGIHandler(observers=[counter.count])


application = _application()
