from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


class Command(BaseCommand):
    help = (
        "Load the demo practice's content: each app's demo.load(), in INSTALLED_APPS order. "
        "Safe to run again: it updates in place and never duplicates."
    )

    @transaction.atomic
    def handle(self, *args, **options):
        for config in apps.get_app_configs():
            name = f"{config.name}.demo"
            if find_spec(name) is not None:
                import_module(name).load()
        self.stdout.write(self.style.SUCCESS("Demo content is loaded."))
