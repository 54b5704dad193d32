from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from home.tasks import send_pipeline_check_email


class Command(BaseCommand):
    help = (
        "Queue a fixed test message to LEADS_NOTIFY_TO through the broker and worker, to check "
        "after a deploy that notifications can arrive."
    )

    def handle(self, *args, **options):
        if not settings.LEADS_NOTIFY_TO:
            raise CommandError("LEADS_NOTIFY_TO is empty: set it to the practice's addresses.")
        try:
            send_pipeline_check_email.delay()
        except Exception as exc:
            raise CommandError(
                f"The broker refused the message ({exc.__class__.__name__})."
            ) from exc
        self.stdout.write(self.style.SUCCESS("Queued; check the practice inbox in a minute."))
