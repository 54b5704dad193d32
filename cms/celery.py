"""The Celery app: `celery -A cms worker` and `celery -A cms beat`.

Broker settings come from Django settings (CELERY_* names, read from REDIS_URL); the choices below
are the product's, made for reliable lead notification (see leads/tasks.py).
"""

import os

from celery import Celery

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

app = Celery("cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    event_serializer="json",
    # No result backend: nothing a task returns is stored anywhere.
    result_backend=None,
    task_ignore_result=True,
    # A task is acknowledged after it ran, so a killed worker's task is delivered again.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    # Publishing never hangs a web request: short connection timeout, at most one quick retry.
    broker_connection_timeout=1,
    broker_connection_retry_on_startup=True,
    task_publish_retry=True,
    task_publish_retry_policy={
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    },
    worker_hijack_root_logger=False,
    worker_send_task_events=False,
    timezone="UTC",
    enable_utc=True,
)
app.autodiscover_tasks()
