"""`manage.py two_factor_reset USERNAME`: a staff member lost their phone and recovery codes."""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from accounts.services import reset_devices


class Command(BaseCommand):
    help = (
        "Remove the second factors (authenticator app, recovery codes) of one account; it is "
        "asked to set up a new app at its next sign-in."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")

    def handle(self, *args, **options):
        user_model = get_user_model()
        try:
            user = user_model.objects.get(**{user_model.USERNAME_FIELD: options["username"]})
        except user_model.DoesNotExist as exc:
            raise CommandError(f"No account named {options['username']!r}.") from exc
        reset_devices(user)
        self.stdout.write(f"Second factors removed; {user.get_username()} enrols again at sign-in.")
