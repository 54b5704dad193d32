"""Lighthouse (npm, pinned) in Debian's Chromium scores 100 in accessibility, best practices and
SEO on the public pages (the practice's team, profile, services and service pages included),
desktop and mobile, served by the production process model.

One server for the module's one test: `collectstatic` then `scripts/proc web` (what `make serve`
runs) with production settings, the demo content, a private Redis as the cache. The sixteen runs
overlap (scripts/lighthouse.py); performance is measured by `make bench`, not asserted here.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.conf import settings
from django.core.management import call_command

from tests import services
from tests.blog.factories import ensure_wagtail_tree

pytestmark = [
    pytest.mark.browser,
    pytest.mark.redis,
    pytest.mark.smtp,
    pytest.mark.django_db(transaction=True),
]

BASE_DIR = Path(__file__).resolve().parents[2]
SCRIPT = BASE_DIR / "scripts" / "lighthouse.py"
ASSERTED = ("accessibility", "best-practices", "seo")


@pytest.fixture
def production_server(test_database_url, redis_server, smtp_sink, tmp_path):
    """The demo site behind gunicorn with production settings, as `make serve` starts it."""
    if not (BASE_DIR / "node_modules" / ".bin" / "lighthouse").exists():
        pytest.fail("lighthouse is missing: run `npm ci` at the repository root")
    ensure_wagtail_tree()
    call_command("load_demo_content", verbosity=0)
    port = services.free_port()
    env = services.production_env(
        test_database_url,
        redis_server.url,
        smtp_sink.url,
        tmp_path,
        port,
        SITE_URL=f"http://127.0.0.1:{port}",
        MEDIA_ROOT=str(settings.MEDIA_ROOT),  # where the demo content's images were saved
        VENV=sys.prefix,
    )
    subprocess.run(
        [sys.executable, "manage.py", "collectstatic", "--noinput", "-v0"],
        cwd=BASE_DIR,
        env=env,
        check=True,
    )
    web = services.ManagedProcess([str(BASE_DIR / "scripts" / "proc"), "web"], env, "lighthouse")
    web.start(wait=False)
    browser = services.Browser(port)

    def up() -> bool:
        web.running()
        try:
            return browser.request("GET", "/")[0] == 200
        except (OSError, ValueError):
            return False

    try:
        services.wait_for(up, timeout=60, interval=0.3, what="gunicorn to serve the home page")
        yield f"http://127.0.0.1:{port}"
    finally:
        web.stop()


def test_public_pages_score_100_in_accessibility_best_practices_and_seo(production_server):
    result = subprocess.run(
        [
            sys.executable,
            str(SCRIPT),
            production_server,
            f"--categories={','.join(ASSERTED)}",
            "--parallel=4",
            "--json",
        ],
        capture_output=True,
        text=True,
        check=True,
        timeout=600,
    )
    results = json.loads(result.stdout)
    assert len(results) == 16
    below = {
        label: {"scores": run["scores"], "failing": run["failing"]}
        for label, run in results.items()
        if [run["scores"].get(category) for category in ASSERTED] != [100] * len(ASSERTED)
    }
    assert below == {}
