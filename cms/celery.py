"""The Celery app: `celery -A cms worker` and `celery -A cms beat`.

Broker settings come from Django settings (CELERY_* names, read from REDIS_URL, including the beat
schedule); the choices below are the product's, made for reliable lead notification. The outbox in
PostgreSQL is the source of truth (leads/outbox.py): the broker only makes delivery quick, so a
lost message costs a few seconds (the relay publishes it again), never a lead.

Knowing when notifications stop: each worker writes a heartbeat to PostgreSQL from a thread
(leads/heartbeat.py, a worker bootstep), and beat runs a watchdog thread that emails the practice
directly over SMTP when notifications are stuck (leads/watchdog.py, on `beat_init`).
"""

import os

from celery import Celery
from celery.signals import beat_init

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "cms.settings.dev")

app = Celery("cms")
app.config_from_object("django.conf:settings", namespace="CELERY")
app.conf.update(
    # JSON only: a message is data (an id), never code to unpickle.
    task_serializer="json",
    result_serializer="json",
    accept_content=["json"],
    event_serializer="json",
    # No result backend: nothing a task returns is stored anywhere, and publishing never waits
    # on a second store (a Redis result backend blocked ~19 s per call with Redis down).
    result_backend=None,
    task_ignore_result=True,
    # Acknowledged after the task ran, one message reserved at a time: a killed worker loses no
    # message, and holds none another worker could run. A pool child that dies mid-task has its
    # message requeued; the task's claim on the outbox row makes the redelivery harmless.
    task_acks_late=True,
    task_reject_on_worker_lost=True,
    worker_prefetch_multiplier=1,
    # A task that hangs is killed; the relay takes its row over later (LEADS_NOTIFY_STUCK_AFTER
    # is longer, and the broker's visibility timeout far longer, than this hard limit).
    task_time_limit=120,
    task_soft_time_limit=100,
    # Publishing never hangs: short connection timeout, at most one quick retry. Web requests
    # publish on their own short-lived connection (leads.outbox.publish_now) with tighter limits.
    broker_connection_timeout=1,
    task_publish_retry=True,
    task_publish_retry_policy={
        "max_retries": 1,
        "interval_start": 0,
        "interval_step": 0.2,
        "interval_max": 0.2,
    },
    # A worker keeps trying to reach the broker for as long as it is down (the default gives up
    # after 100 attempts and exits), and does not interrupt a send in progress when it drops.
    broker_connection_retry_on_startup=True,
    broker_connection_max_retries=None,
    worker_cancel_long_running_tasks_on_connection_loss=False,
    worker_hijack_root_logger=False,
    worker_send_task_events=False,
    task_send_sent_event=False,
    timezone="UTC",
    enable_utc=True,
)
app.autodiscover_tasks()
# By name: the worker loads the step after Django is set up.
app.steps["worker"].add("leads.heartbeat:WorkerHeartbeat")


@beat_init.connect
def start_delivery_watchdog(sender=None, **kwargs):
    """In the beat process (standalone or embedded in a worker): the alert watchdog's thread."""
    from leads.watchdog import start_in_beat

    start_in_beat()
