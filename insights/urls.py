"""Public routes: the two beacons. Included before the `api/v2/` router in cms/urls.py."""

from django.urls import path

from . import api

app_name = "insights"

urlpatterns = [
    path("api/v2/views/", api.view_beacon, name="view-beacon"),
    path("api/v2/clicks/", api.click_beacon, name="click-beacon"),
]
