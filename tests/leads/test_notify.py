"""The notification outbox, the notify task and the relay, in-process (no worker, no broker)."""

from __future__ import annotations

import smtplib
import threading
import time
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection, transaction
from django.urls import reverse
from django.utils import timezone

from leads import outbox, tasks
from leads.models import Lead, LeadNotificationSettings, Notification
from leads.notifications import PRACTICE_SUBJECT, build_message
from leads.outbox import queue_notifications
from tests.leads.notify_support import add_page, default_site, lead_id_of, make_lead
from tests.staff import sign_in

State = Notification.State

# Made-up words, so that any 6-character piece found in the email can only have come from here.
CANARY = {
    "name": "Quillon Vexhartridge",
    "email": "qvexhart.zorb@canarymailbox.test",
    "phone": "+14155550199",
    "message": "Zintrepid quorvax betrayal-glimmer; sleeplessness tangelomarrow.",
    "preferred_times": "Zentaurdays quixotically",
    "utm_campaign": "canarycampaignzx",
    "referrer_host": "refcanaryhost.test",
}


@pytest.fixture
def no_publish(monkeypatch):
    """Record what would be published instead of talking to a broker."""
    published: list[int] = []

    def publish_now(ids, progress=None):
        published.extend(ids)
        if progress is not None:
            progress.extend(ids)

    monkeypatch.setattr(outbox, "publish_now", publish_now)
    return published


@pytest.fixture
def ack_on(db):
    options = LeadNotificationSettings.for_site(default_site())
    options.acknowledgement_enabled = True
    options.save()
    return options


def pieces(value: str, size: int = 6) -> set[str]:
    value = value.lower()
    return {value[i : i + size] for i in range(len(value) - size + 1)} or {value}


def test_queue_notifications_writes_one_practice_row_and_publishes_after_commit(
    db, no_publish, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        lead = make_lead()
        rows = queue_notifications(lead)
        assert no_publish == []  # nothing leaves before the commit

    assert [(row.kind, row.state, row.attempts) for row in rows] == [
        (Notification.Kind.PRACTICE, State.PENDING, 0)
    ]
    assert len(callbacks) == 1
    assert no_publish == [rows[0].pk]


def test_acknowledgement_row_only_when_staff_switch_it_on(db, no_publish, ack_on):
    with transaction.atomic():
        rows = queue_notifications(make_lead())
    assert sorted(row.kind for row in rows) == ["ack", "practice"]

    ack_on.acknowledgement_enabled = False
    ack_on.save()
    with transaction.atomic():
        rows = queue_notifications(make_lead())
    assert [row.kind for row in rows] == ["practice"]


@pytest.mark.django_db(transaction=True)
def test_rollback_leaves_no_row_and_publishes_nothing(no_publish):
    with pytest.raises(RuntimeError), transaction.atomic():
        queue_notifications(make_lead())
        raise RuntimeError("a later step of intake failed")
    assert Notification.objects.count() == 0
    assert no_publish == []


@pytest.mark.django_db(transaction=True)
def test_queue_notifications_refuses_to_run_outside_a_transaction(no_publish):
    lead = make_lead()
    with pytest.raises(RuntimeError, match="inside the intake transaction"):
        queue_notifications(lead)


def test_publish_gives_up_within_the_deadline_and_never_raises(monkeypatch):
    release = threading.Event()
    monkeypatch.setattr(outbox, "publish_now", lambda ids: release.wait(5))
    started = timezone.now()
    assert outbox.publish([1], deadline=0.3) is False
    assert (timezone.now() - started).total_seconds() < 1
    release.set()

    def broken(ids, progress=None):
        raise ConnectionRefusedError

    monkeypatch.setattr(outbox, "publish_now", broken)
    assert outbox.publish([1]) is False


@pytest.mark.redis
@pytest.mark.parametrize("outage", ["stopped", "frozen"])
def test_publish_to_a_broken_private_redis_gives_up_within_a_second(
    redis_server, publish_to, outage
):
    publish_to(redis_server.url)
    assert outbox.publish([1]) is True  # the broker answers: published
    if outage == "stopped":
        redis_server.stop()
    else:
        redis_server.freeze()

    timings = []
    for _ in range(3):
        started = time.monotonic()
        assert outbox.publish([1]) is False
        timings.append(time.monotonic() - started)
    if outage == "frozen":
        redis_server.thaw()
    assert max(timings) < outbox.PUBLISH_DEADLINE + 0.25, timings


def test_notify_sends_once_and_a_second_run_does_nothing(db, no_publish, settings):
    settings.LEADS_NOTIFY_TO = ["practice@example.com", "second@example.com"]
    with transaction.atomic():
        (row,) = queue_notifications(make_lead())

    assert tasks.notify(row.pk) == "sent"
    assert tasks.notify(row.pk) == "skipped"

    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.subject == PRACTICE_SUBJECT
    assert message.to == ["practice@example.com", "second@example.com"]
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.SENT, 1, "")
    assert row.sent_at is not None


def test_practice_email_has_time_page_title_and_admin_link(db, no_publish, settings):
    settings.SITE_URL = "https://practice.example"
    page = add_page("After partner betrayal")
    with transaction.atomic():
        lead = make_lead(source_page=page)
        (row,) = queue_notifications(lead)
    body = build_message(row).body

    assert "After partner betrayal" in body
    assert "https://practice.example" + reverse("leads_lead:edit", args=[lead.pk]) in body
    assert f"{timezone.localtime(lead.received_at):%Y}" in body
    assert lead_id_of(build_message(row).message()) == lead.pk


def test_practice_email_carries_no_piece_of_the_canary_lead(db, no_publish, ack_on):
    page = add_page("Contact")
    with transaction.atomic():
        lead = make_lead(source_page=page, **CANARY)
        rows = queue_notifications(lead)
    practice = next(row for row in rows if row.kind == Notification.Kind.PRACTICE)
    email = build_message(practice).message()

    subject = email["Subject"].lower()
    body = email.get_payload(decode=True).decode().lower()
    headers = {name: str(value).lower() for name, value in email.items()}
    leaks = []
    for field, value in CANARY.items():
        for piece in pieces(value):
            for where, text in [("subject", subject), ("body", body), *headers.items()]:
                # Message-ID is random digits: a digits-only piece may match it by chance.
                if where == "Message-ID" and piece.lstrip("+").isdigit():
                    continue
                if piece in text:
                    leaks.append((field, piece, where))
    assert leaks == []
    assert email["Reply-To"] is None


def test_acknowledgement_uses_staff_text_and_quotes_nothing_the_person_typed(
    db, no_publish, ack_on
):
    ack_on.acknowledgement_subject = "Your message"
    ack_on.acknowledgement_body = "Thanks, we will be in touch."
    ack_on.save()
    with transaction.atomic():
        rows = queue_notifications(make_lead(**CANARY))
    ack = next(row for row in rows if row.kind == Notification.Kind.ACKNOWLEDGEMENT)

    assert tasks.notify(ack.pk) == "sent"
    (message,) = mail.outbox
    assert message.to == [CANARY["email"]]
    assert message.subject == "Your message"
    assert message.body.strip() == "Thanks, we will be in touch."


def test_acknowledgement_is_off_by_default_with_a_discreet_subject(db):
    options = LeadNotificationSettings.for_site(default_site())
    assert options.acknowledgement_enabled is False
    for word in ("therap", "counsel", "consult", "session", "clinic"):
        assert word not in options.acknowledgement_subject.lower()


class Refusing:
    """An EMAIL_BACKEND whose send raises the exception under test."""

    error: Exception | None = None

    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise type(self).error


@pytest.mark.parametrize(
    ("error", "state"),
    [
        (smtplib.SMTPDataError(550, b"mailbox unavailable"), State.DEAD),
        (
            smtplib.SMTPRecipientsRefused({"practice@example.com": (550, b"no such user")}),
            State.DEAD,
        ),
        (ValueError("Header values can't contain newlines"), State.DEAD),
        (smtplib.SMTPDataError(451, b"try again later"), State.FAILED),
        (smtplib.SMTPServerDisconnected("Connection unexpectedly closed"), State.FAILED),
        (ConnectionRefusedError(111, "Connection refused"), State.FAILED),
        (TimeoutError("timed out"), State.FAILED),
    ],
    ids=["550-data", "550-rcpt", "header", "451", "disconnected", "refused", "timeout"],
)
def test_permanent_errors_are_dead_at_once_transient_ones_back_off(
    db, no_publish, settings, monkeypatch, error, state
):
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    monkeypatch.setattr(Refusing, "error", error)
    with transaction.atomic():
        (row,) = queue_notifications(make_lead())

    assert tasks.notify(row.pk) == state
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (state, 1, error.__class__.__name__)
    if state == State.FAILED:
        assert row.next_attempt_at > timezone.now()
        assert tasks.notify(row.pk) == "skipped"  # not before its time


def test_backoff_grows_exponentially_with_jitter_and_a_cap(settings):
    settings.LEADS_NOTIFY_BACKOFF_BASE = 10
    settings.LEADS_NOTIFY_BACKOFF_MAX = 100
    for attempts, full in [(1, 10), (2, 20), (3, 40), (4, 80), (5, 100), (9, 100)]:
        delays = {tasks.backoff_seconds(attempts) for _ in range(50)}
        assert all(full / 2 <= delay <= full for delay in delays)
        assert len(delays) > 1


def test_bounded_attempts_then_dead(db, no_publish, settings, monkeypatch):
    settings.EMAIL_BACKEND = f"{__name__}.Refusing"
    settings.LEADS_NOTIFY_MAX_ATTEMPTS = 3
    monkeypatch.setattr(Refusing, "error", ConnectionRefusedError(111, "refused"))
    with transaction.atomic():
        (row,) = queue_notifications(make_lead())

    outcomes = []
    for _ in range(4):
        Notification.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now())
        outcomes.append(tasks.notify(row.pk))
    assert outcomes == ["failed", "failed", "dead", "skipped"]


def test_relay_publishes_due_rows_once_per_lease_and_skips_future_ones(db, no_publish, settings):
    settings.LEADS_NOTIFY_REPUBLISH_AFTER = 60
    with transaction.atomic():
        due = queue_notifications(make_lead())[0]
        later = queue_notifications(make_lead())[0]
        sent = queue_notifications(make_lead())[0]
    Notification.objects.filter(pk=later.pk).update(
        state=State.FAILED, next_attempt_at=timezone.now() + timedelta(minutes=5)
    )
    Notification.objects.filter(pk=sent.pk).update(state=State.SENT)

    assert tasks.relay_notifications() == 1
    assert no_publish == [due.pk]
    assert tasks.relay_notifications() == 0  # still leased to the first publish

    Notification.objects.filter(pk=due.pk).update(claimed_at=timezone.now() - timedelta(seconds=61))
    assert tasks.relay_notifications() == 1
    assert no_publish == [due.pk, due.pk]


def test_relay_releases_its_claims_when_the_broker_is_down(db, monkeypatch):
    def down(ids, progress=None):
        raise ConnectionRefusedError

    monkeypatch.setattr(outbox, "publish_now", down)
    with transaction.atomic():
        rows = queue_notifications(make_lead()) + queue_notifications(make_lead())

    assert tasks.relay_notifications() == 0
    assert list(
        Notification.objects.filter(pk__in=[r.pk for r in rows]).values_list(
            "claimed_at", flat=True
        )
    ) == [None, None]


def test_relay_releases_only_what_it_could_not_publish(db, monkeypatch):
    def dies_after_two(ids, progress):
        progress.extend(ids[:2])
        raise ConnectionRefusedError

    monkeypatch.setattr(outbox, "publish_now", dies_after_two)
    with transaction.atomic():
        rows = [queue_notifications(make_lead())[0] for _ in range(3)]
    Notification.objects.update(claimed_at=None)

    assert tasks.relay_notifications() == 2
    claimed = dict(Notification.objects.values_list("pk", "claimed_at"))
    assert [claimed[row.pk] is not None for row in rows] == [True, True, False]


def test_relay_reclaims_rows_stuck_in_sending(db, no_publish, settings):
    settings.LEADS_NOTIFY_STUCK_AFTER = 300
    settings.LEADS_NOTIFY_MAX_ATTEMPTS = 3
    with transaction.atomic():
        stuck, recent, exhausted = (queue_notifications(make_lead())[0] for _ in range(3))
    long_ago = timezone.now() - timedelta(seconds=301)
    Notification.objects.filter(pk__in=[stuck.pk, exhausted.pk]).update(
        state=State.SENDING, claimed_at=long_ago, attempts=1
    )
    Notification.objects.filter(pk=exhausted.pk).update(attempts=3)
    Notification.objects.filter(pk=recent.pk).update(
        state=State.SENDING, claimed_at=timezone.now(), attempts=1
    )

    assert tasks.relay_notifications() == 1
    assert no_publish == [stuck.pk]
    states = dict(Notification.objects.values_list("pk", "state"))
    assert states == {stuck.pk: State.FAILED, recent.pk: State.SENDING, exhausted.pk: State.DEAD}


@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_concurrent_relays_never_claim_the_same_row():
    assert connection.features.has_select_for_update_skip_locked
    with transaction.atomic():
        rows = [queue_notifications(make_lead())[0] for _ in range(60)]
    Notification.objects.update(claimed_at=None)  # on_commit publish is not under test here
    claimed: list[list[int]] = []
    barrier = threading.Barrier(4)

    def relay():
        barrier.wait()
        try:
            claimed.append(tasks.claim_due())
        finally:
            connection.close()

    threads = [threading.Thread(target=relay) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    every = [pk for batch in claimed for pk in batch]
    assert sorted(every) == sorted(row.pk for row in rows)
    assert len(every) == len(set(every))


@pytest.fixture
def lead_manager(django_user_model):
    return django_user_model.objects.create_superuser("manager", "manager@example.com", "pw")


def test_admin_shows_failed_notifications_with_a_badge_and_a_filter(
    db, client, lead_manager, no_publish
):
    with transaction.atomic():
        dead, failing, fine = (queue_notifications(make_lead())[0] for _ in range(3))
    Notification.objects.filter(pk=dead.pk).update(state=State.DEAD, last_error="SMTPDataError")
    Notification.objects.filter(pk=failing.pk).update(state=State.FAILED, attempts=2)
    Notification.objects.filter(pk=fine.pk).update(state=State.SENT)
    sign_in(client, lead_manager)

    everything = client.get(reverse("leads_lead:index")).content.decode()
    problems = client.get(reverse("leads_lead:index"), {"notification": "problem"}).content.decode()
    only_dead = client.get(reverse("leads_lead:index"), {"notification": "dead"}).content.decode()

    assert "Notification failed" in everything and "Notification retrying" in everything
    references = {row.pk: row.lead.reference for row in (dead, failing, fine)}
    assert [ref in problems for ref in references.values()] == [True, True, False]
    assert [ref in only_dead for ref in references.values()] == [True, False, False]
    assert reverse("leads_lead:resend_notification", args=[dead.lead_id]) in everything


def test_admin_listing_query_count_does_not_grow_with_failed_notifications(
    db, client, lead_manager, no_publish, django_assert_max_num_queries
):
    sign_in(client, lead_manager)
    with transaction.atomic():
        queue_notifications(make_lead())
    client.get(reverse("leads_lead:index"))  # warm caches (site, permissions)
    with django_assert_max_num_queries(40) as few:
        client.get(reverse("leads_lead:index"))
    with transaction.atomic():
        for _ in range(10):
            queue_notifications(make_lead())
    Notification.objects.update(state=State.DEAD)
    with django_assert_max_num_queries(len(few.captured_queries)):
        client.get(reverse("leads_lead:index"))


def test_resend_starts_a_dead_notification_again(
    db, client, lead_manager, no_publish, django_capture_on_commit_callbacks
):
    with transaction.atomic():
        (row,) = queue_notifications(make_lead())
    Notification.objects.filter(pk=row.pk).update(
        state=State.DEAD, attempts=1, last_error="SMTPDataError"
    )
    sign_in(client, lead_manager)
    url = reverse("leads_lead:resend_notification", args=[row.lead_id])

    assert client.get(url).status_code == 405
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url)

    assert response.status_code == 302
    row.refresh_from_db()
    assert (row.state, row.attempts, row.last_error) == (State.PENDING, 0, "")
    assert no_publish == [row.pk]
    assert tasks.notify(row.pk) == "sent"
    assert len(mail.outbox) == 1


def test_resend_needs_a_lead_manager(db, client, django_user_model, no_publish):
    with transaction.atomic():
        (row,) = queue_notifications(make_lead())
    Notification.objects.filter(pk=row.pk).update(state=State.DEAD)
    editor = django_user_model.objects.create_user("editor", "editor@example.com", "pw")
    sign_in(client, editor)

    client.post(reverse("leads_lead:resend_notification", args=[row.lead_id]))

    row.refresh_from_db()
    assert row.state == State.DEAD
    assert no_publish == []


def test_beat_relays_every_few_seconds_and_purges_daily(settings):
    from celery.schedules import crontab

    entries = settings.CELERY_BEAT_SCHEDULE.values()
    schedule = {entry["task"]: entry["schedule"] for entry in entries}
    assert schedule["leads.tasks.relay_notifications"] <= 10
    assert isinstance(schedule["leads.tasks.purge_expired_leads"], crontab)


def test_daily_purge_task_deletes_expired_leads_with_their_notifications(db, no_publish):
    with transaction.atomic():
        old = make_lead(received_at=timezone.now() - timedelta(days=400))
        queue_notifications(old)
        recent = make_lead()

    assert tasks.purge_expired_leads() == 1
    assert list(Lead.objects.values_list("pk", flat=True)) == [recent.pk]
    assert Notification.objects.count() == 0


def test_celery_is_configured_for_reliable_private_delivery(settings):
    from cms.celery import app

    conf = app.conf
    options = settings.CELERY_BROKER_TRANSPORT_OPTIONS
    assert (conf.task_serializer, conf.accept_content) == ("json", ["json"])
    assert conf.result_backend is None and conf.task_ignore_result
    assert conf.task_acks_late and conf.task_reject_on_worker_lost
    assert conf.worker_prefetch_multiplier == 1
    assert conf.broker_transport_options["visibility_timeout"] == options["visibility_timeout"]
    # No countdowns are used; the visibility timeout outlives the longest a task may run, and
    # the relay only takes a row over after that too.
    assert options["visibility_timeout"] > settings.LEADS_NOTIFY_STUCK_AFTER > conf.task_time_limit
    assert 0 < options["socket_timeout"] <= 10 and 0 < options["socket_connect_timeout"] <= 5
    assert conf.broker_connection_timeout <= 2
    assert conf.task_publish_retry_policy["max_retries"] <= 1
