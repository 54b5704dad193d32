import os
import secrets
from pathlib import Path

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Make sure an admin user exists. Takes DJANGO_SUPERUSER_USERNAME (default 'admin') and "
        "DJANGO_SUPERUSER_PASSWORD; without a password it generates one, keeps it in "
        "var/admin-password.txt (readable by you only) and prints it."
    )

    def handle(self, *args, **options):
        username = os.environ.get("DJANGO_SUPERUSER_USERNAME", "admin")
        given = os.environ.get("DJANGO_SUPERUSER_PASSWORD", "")
        password_file = Path(settings.VAR_DIR) / "admin-password.txt"
        user_model = get_user_model()
        user, created = user_model.objects.get_or_create(
            username=username,
            defaults={"is_staff": True, "is_superuser": True, "email": ""},
        )
        if given:
            password = given
        elif not created and password_file.exists():
            password = password_file.read_text().strip()
            if not user.check_password(password):
                self.stdout.write(
                    f"Admin user '{username}' exists with a password set elsewhere; "
                    "set DJANGO_SUPERUSER_PASSWORD to reset it."
                )
                return
        elif not created and user.has_usable_password():
            self.stdout.write(
                f"Admin user '{username}' exists; set DJANGO_SUPERUSER_PASSWORD to reset it."
            )
            return
        else:
            password = secrets.token_urlsafe(12)
        if created or not user.check_password(password):
            user.set_password(password)
        user.is_staff = user.is_superuser = user.is_active = True
        user.save()
        if not given:
            password_file.parent.mkdir(parents=True, exist_ok=True)
            password_file.touch(mode=0o600, exist_ok=True)
            password_file.write_text(password + "\n")
        shown = password if not given else "(from DJANGO_SUPERUSER_PASSWORD)"
        self.stdout.write(self.style.SUCCESS(f"Admin login: {username} / {shown}"))
