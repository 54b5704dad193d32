"""The two-factor pages, mounted under /admin/two-factor/ by wagtail_hooks.py."""

from django.urls import path

from . import views

app_name = "accounts_two_factor"
urlpatterns = [
    path("", views.manage, name="manage"),
    path("setup/", views.setup, name="setup"),
    path("verify/", views.verify, name="verify"),
    path("recovery-codes/", views.recovery, name="recovery"),
]
