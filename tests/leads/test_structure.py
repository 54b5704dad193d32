"""The leads app's shape: imports run one way only."""

from __future__ import annotations

import pytest

from leads import outbox, tasks

# The outbox publishes `notify` by name, exactly as the task would ------------------------------


def _comparable(name, message, options):
    headers = {k: v for k, v in message.headers.items() if k not in {"id", "root_id", "task_id"}}
    properties = {k: v for k, v in message.properties.items() if k != "correlation_id"}
    return name, headers, properties, message.body, {k: str(v) for k, v in options.items()}


@pytest.mark.parametrize("task_loaded", [True, False], ids=["worker", "web process"])
def test_publish_sends_the_message_notify_apply_async_would(monkeypatch, task_loaded):
    from celery import current_app

    assert tasks.notify.name == outbox.NOTIFY_TASK
    sent = []
    monkeypatch.setattr(
        current_app.amqp,
        "send_task_message",
        lambda producer, name, message, **options: sent.append((name, message, options)),
    )
    with current_app.connection_for_write("memory://") as connection:
        tasks.notify.apply_async((7,), connection=connection, retry=False)
    if not task_loaded:
        # A web process publishes without having imported leads.tasks.
        monkeypatch.delitem(current_app._tasks, outbox.NOTIFY_TASK)

    outbox.publish_now([7])

    expected, published = (_comparable(*entry) for entry in sent)
    assert published == expected
