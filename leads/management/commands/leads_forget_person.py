"""`manage.py leads_forget_person EMAIL`: answer a person's erasure request."""

from django.core.management.base import BaseCommand

from leads.privacy import forget_person


class Command(BaseCommand):
    help = (
        "Delete everything held about the person with this email (erasure request). Only an "
        "anonymous ErasureRecord (reason, count, time) remains."
    )

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        deleted = forget_person(options["email"])
        self.stdout.write(f"Deleted {deleted} consultation request(s) and their history.")
