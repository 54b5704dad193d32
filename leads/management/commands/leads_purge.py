"""`manage.py leads_purge`: apply the retention periods now (beat runs it daily as a task)."""

from django.core.management.base import BaseCommand

from leads.privacy import purge_expired_leads


class Command(BaseCommand):
    help = (
        "Delete consultation requests past their retention (LEADS_RETENTION_DAYS; spam and "
        "closed requests sooner). Leaves anonymous ErasureRecord rows."
    )

    def handle(self, *args, **options):
        deleted = purge_expired_leads()
        self.stdout.write(f"Deleted {deleted} consultation request(s) past retention.")
