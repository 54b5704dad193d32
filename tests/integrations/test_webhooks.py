"""Publish webhooks: a real receiver gets one signed delivery per publish, from a real worker,
retried after a 500, naming the URLs the frontend should revalidate."""

from __future__ import annotations

import json
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pytest
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError

from blog.models import BlogPage
from integrations.models import WebhookDelivery, WebhookEndpoint
from integrations.webhooks import check_url, verify
from tests.api.factories import make_article, make_site
from tests.services import free_port
from tests.staff import sign_in

SECRET = "test-secret-for-signatures"
FAST = {
    "WEBHOOKS_ALLOW_PRIVATE_ADDRESSES": "1",
    "WEBHOOKS_RELAY_INTERVAL": "1",
    "WEBHOOKS_REPUBLISH_AFTER": "3",
    "WEBHOOKS_BACKOFF_BASE": "1",
    "WEBHOOKS_BACKOFF_MAX": "2",
}


class Receiver:
    """A frontend's webhook route on a free port: records each request, answers the queued
    statuses first (e.g. one 500), then 200."""

    def __init__(self, statuses: list[int]):
        self.statuses = list(statuses)
        self.requests: list[dict] = []
        self.lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                with receiver.lock:
                    status = receiver.statuses.pop(0) if receiver.statuses else 200
                    receiver.requests.append(
                        {"headers": dict(self.headers), "body": body, "status": status}
                    )
                self.send_response(status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", free_port()), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/api/revalidate"
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def __enter__(self):
        self.thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    def received(self) -> list[dict]:
        with self.lock:
            return list(self.requests)


def wait_for(condition, timeout: float = 40.0, what: str = "") -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return
        time.sleep(0.2)
    raise AssertionError(f"timed out waiting for {what}")


@pytest.mark.worker
@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_receiver_gets_one_signed_delivery_per_publish_retried_after_a_500(
    start_worker, settings, client
):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    _home, index = make_site()
    article = make_article(index)
    with Receiver([500]) as receiver:
        endpoint = WebhookEndpoint.objects.create(
            name="Next.js", url=receiver.url, secret=SECRET, events=["page.published"]
        )
        start_worker(beat=True, **FAST)

        page = BlogPage.objects.get(pk=article.pk)
        page.title = "Sleep and worry, revised"
        page.save_revision().publish()
        wait_for(lambda: any(r["status"] == 200 for r in receiver.received()), what="a 200")

        first, retry = receiver.received()
        assert first["status"] == 500 and retry["status"] == 200
        assert first["body"] == retry["body"]  # the same delivery, retried
        assert first["headers"]["X-Webhook-Id"] == retry["headers"]["X-Webhook-Id"]
        for request in (first, retry):
            assert verify(SECRET, request["body"], request["headers"]["X-Webhook-Signature"])
            assert not verify("wrong", request["body"], request["headers"]["X-Webhook-Signature"])
        payload = json.loads(retry["body"])
        assert payload["event"] == "page.published"
        assert payload["object"] == {
            "kind": "page",
            "type": "blog.BlogPage",
            "id": article.pk,
            "title": "Sleep and worry, revised",
        }
        api = "http://testserver/api/v2/pages/"
        assert page.full_url in payload["urls"] and index.full_url in payload["urls"]
        assert {
            f"{api}{article.pk}/",
            f"{api}{index.pk}/",
            f"{api}?child_of={index.pk}",
            f"{api}?type=blog.BlogPage",
            f"{api}find/?html_path=%2Farticles%2F{article.slug}%2F",
        } <= set(payload["api_urls"])
        delivery = WebhookDelivery.objects.get()
        assert (delivery.state, delivery.status_code, delivery.attempts) == ("sent", 200, 2)

        # A second publish: exactly one more delivery; an unsubscribed event sends nothing.
        page.save_revision().publish()
        page.unpublish()
        wait_for(lambda: len(receiver.received()) == 3, what="the second publish")
        ids = [r["headers"]["X-Webhook-Id"] for r in receiver.received()]
        assert len(set(ids)) == 2

        # The admin: the delivery history with status codes, and "Send test".
        admin = get_user_model().objects.create_superuser("admin", "admin@example.com", "x")
        sign_in(client, admin)
        history = client.get(f"/admin/webhookdelivery/?endpoint={endpoint.pk}")
        assert history.status_code == 200
        assert history.content.decode().count("page.published") >= 2
        sent = client.post(f"/admin/webhookendpoint/{endpoint.pk}/test/")
        assert sent.status_code == 302
        wait_for(lambda: len(receiver.received()) == 4, what="the test delivery")
        assert receiver.received()[-1]["headers"]["X-Webhook-Event"] == "ping"
    time.sleep(0.5)  # let nothing further arrive
    assert len(receiver.received()) == 4


@pytest.mark.parametrize(
    "url",
    [
        "ftp://example.com/hook",
        "javascript:alert(1)",
        "http://127.0.0.1:9/hook",
        "http://10.1.2.3/hook",
        "http://[::1]/hook",
        "http://169.254.169.254/latest/meta-data/",
    ],
)
def test_webhook_urls_must_be_http_and_public(settings, url):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    with pytest.raises(ValidationError):
        check_url(url)


def test_a_public_https_url_is_accepted_and_private_ones_with_the_setting(settings):
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = False
    check_url("https://93.184.215.14/api/revalidate")
    settings.WEBHOOKS_ALLOW_PRIVATE_ADDRESSES = True
    check_url("http://127.0.0.1:3000/api/revalidate")
    with pytest.raises(ValidationError):
        check_url("file:///etc/passwd")


@pytest.mark.django_db(transaction=True)
def test_the_outbox_row_shares_the_changes_transaction(settings, monkeypatch):
    """A change rolled back leaves no delivery; a committed one leaves exactly one, published
    only after the commit."""
    from django.db import transaction

    from integrations import webhooks
    from tests.api.factories import make_author

    published: list[list[int]] = []
    monkeypatch.setattr(webhooks, "publish", lambda ids: published.append(list(ids)))
    WebhookEndpoint.objects.create(
        name="Astro", url="https://93.184.215.14/hook", events=["snippet.changed"]
    )
    with pytest.raises(RuntimeError), transaction.atomic():
        make_author()
        assert WebhookDelivery.objects.count() == 1  # written inside the change's transaction
        raise RuntimeError("the save fails after the author row")
    assert WebhookDelivery.objects.count() == 0
    assert published == []

    with transaction.atomic():
        make_author()
        assert published == []  # not before the commit
    (delivery,) = WebhookDelivery.objects.all()
    assert published == [[delivery.pk]]
    assert delivery.payload["revalidate_all"] is True
    assert delivery.payload["object"]["type"] == "blog.Author"
