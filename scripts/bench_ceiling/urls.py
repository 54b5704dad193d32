"""The ceiling's one URL: the same constant JSON as the project's `/api/v2/ping/`."""

from django.http import JsonResponse
from django.urls import path


def ping(request):
    """A constant JSON answer and nothing else: the fastest this stack answers a request."""
    return JsonResponse({"status": "ok"})


urlpatterns = [path("ping/", ping)]
