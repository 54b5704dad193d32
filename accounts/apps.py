from django.apps import AppConfig


class AccountsConfig(AppConfig):
    """Staff sign-in: stamps each session with its sign-in time (for the session limits)."""

    name = "accounts"
    verbose_name = "Staff sign-in"

    def ready(self):
        from django.contrib.auth.signals import user_logged_in

        from .sessions import stamp_sign_in

        user_logged_in.connect(stamp_sign_in, dispatch_uid="accounts.stamp_sign_in")
