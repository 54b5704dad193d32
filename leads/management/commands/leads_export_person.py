"""`manage.py leads_export_person EMAIL`: answer a person's access request."""

import json

from django.core.management.base import BaseCommand

from leads.privacy import export_person


class Command(BaseCommand):
    help = "Print, as JSON, everything held about the person with this email (access request)."

    def add_arguments(self, parser):
        parser.add_argument("email")

    def handle(self, *args, **options):
        data = export_person(options["email"])
        self.stdout.write(json.dumps(data, indent=2, ensure_ascii=False))
