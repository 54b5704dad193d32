"""`manage.py leads_watchdog`: email the practice if notifications are stuck (for cron).

The same check beat's watchdog thread runs every minute: it needs PostgreSQL and the SMTP server,
not the broker or a worker, and sends at most one alert per LEADS_ALERT_EVERY whoever runs it.
"""

from django.core.management.base import BaseCommand, CommandError

from leads.watchdog import Outcome, check


class Command(BaseCommand):
    help = (
        "Email LEADS_NOTIFY_TO directly over SMTP when the oldest unsent practice notification is "
        "older than LEADS_OUTBOX_MAX_LAG (at most once per LEADS_ALERT_EVERY). Silent when there "
        "is nothing to say (cron mails any output); -v 2 always prints the outcome."
    )

    def handle(self, *args, **options):
        outcome = check()
        if outcome in {Outcome.FAILED, Outcome.NO_RECIPIENTS}:
            raise CommandError(str(outcome))
        if outcome == Outcome.SENT or options["verbosity"] >= 2:
            self.stdout.write(str(outcome))
