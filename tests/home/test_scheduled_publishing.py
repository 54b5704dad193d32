"""Scheduled publishing: beat's default entry runs every minute, and its task publishes what is due
and unpublishes what expired (the process models are in tests/e2e/test_scheduled_publishing.py)."""

import os
import subprocess
import sys
import time
from datetime import timedelta

import pytest
from celery.schedules import crontab
from django.utils import timezone

from home.tasks import publish_scheduled_pages
from tests.blog.factories import make_article, make_index, make_site

pytestmark = pytest.mark.django_db


def test_beat_runs_scheduled_publishing_every_minute_by_default():
    env = {key: value for key, value in os.environ.items() if key != "PUBLISH_SCHEDULED_INTERVAL"}
    script = (
        "import django; django.setup(); from django.conf import settings; "
        "entry = settings.CELERY_BEAT_SCHEDULE['publish-scheduled-pages']; "
        "print(entry['task'], repr(entry['schedule']))"
    )
    output = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    ).stdout.strip()
    assert output == f"home.tasks.publish_scheduled_pages {crontab(minute='*')!r}"


def test_the_task_publishes_due_pages_and_unpublishes_expired_ones(client):
    index = make_index(make_site())
    due = make_article(index, title="Due", slug="due")
    due.unpublish()
    due.title = "Due, as scheduled"
    due.go_live_at = timezone.now() + timedelta(seconds=2)
    due.save_revision().publish()
    expiring = make_article(index, title="Expiring", slug="expiring")
    expiring.expire_at = timezone.now() - timedelta(seconds=1)
    expiring.save(update_fields=["expire_at"])
    assert client.get(due.url).status_code == 404
    assert client.get(expiring.url).status_code == 200

    publish_scheduled_pages()
    assert client.get(due.url).status_code == 404, "published before its time"

    # The scheduled time passes (the revision's own go_live_at, not only its approval date:
    # publishing a revision whose go_live_at is still ahead schedules it again).
    time.sleep(max(0.0, (due.go_live_at - timezone.now()).total_seconds()) + 0.1)
    publish_scheduled_pages()
    response = client.get(due.url)
    assert response.status_code == 200
    assert "Due, as scheduled" in response.content.decode(), "the scheduled revision went live"
    assert client.get(expiring.url).status_code == 404
