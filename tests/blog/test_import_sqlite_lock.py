"""The importer next to `make run` on SQLite: another process really holds the write lock.

`manage.py import_articles` runs as a subprocess with the dev settings against a migrated SQLite
file (as `make run` leaves it), while a second connection takes SQLite's write lock in bursts the
way the dev server and its worker do. Nothing is simulated: the lock is SQLite's own.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.blog.test_import_command import export, item

pytestmark = pytest.mark.faults

ROOT = Path(__file__).resolve().parents[2]
TITLES = [f"Lock Post {n}" for n in range(1, 16)]
# Holding the lock in bursts longer than SQLite's default 5 s wait is what lost articles before.
BURST_SECONDS = 2.5
GAP_SECONDS = 0.15


def child_env(var_dir: Path, **extra: str) -> dict[str, str]:
    """The environment `make run` gives manage.py: dev settings, SQLite under VAR_DIR."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in {"DATABASE_URL", "REDIS_URL", "DJANGO_SETTINGS_MODULE", "EMAIL_URL"}
    }
    env.update({"DJANGO_SETTINGS_MODULE": "cms.settings.dev", "VAR_DIR": str(var_dir)})
    env.update(extra)
    return env


def manage(var_dir: Path, *args: str, timeout: float = 180, **env: str):
    return subprocess.run(
        [sys.executable, "manage.py", *args],
        cwd=ROOT,
        env=child_env(var_dir, **env),
        capture_output=True,
        text=True,
        timeout=timeout,
    )


@pytest.fixture(scope="module")
def migrated(tmp_path_factory) -> Path:
    """One SQLite database per module, migrated and with the demo content, as `make run` does."""
    var_dir = tmp_path_factory.mktemp("var")
    for args in (("migrate", "--noinput", "-v0"), ("load_demo_content",)):
        done = manage(var_dir, *args)
        assert done.returncode == 0, done.stderr
    return var_dir / "db.sqlite3"


@pytest.fixture
def var_dir(migrated, tmp_path) -> Path:
    """A copy of the migrated database for one test."""
    folder = tmp_path / "var"
    folder.mkdir()
    shutil.copy(migrated, folder / "db.sqlite3")
    return folder


class LockHolder(threading.Thread):
    """A second writer: `BEGIN IMMEDIATE`, write a row, hold the lock, commit; again until told."""

    def __init__(self, database: Path, hold: float, gap: float):
        super().__init__(daemon=True)
        self.database, self.hold, self.gap = database, hold, gap
        self.stop = threading.Event()
        self.holding = threading.Event()
        self.bursts = 0
        self.error: BaseException | None = None

    def run(self) -> None:
        try:
            connection = sqlite3.connect(self.database, timeout=60, isolation_level=None)
            connection.execute("CREATE TABLE IF NOT EXISTS lock_holder (n INTEGER)")
            while not self.stop.is_set():
                connection.execute("BEGIN IMMEDIATE")
                connection.execute("INSERT INTO lock_holder VALUES (?)", (self.bursts,))
                self.holding.set()
                self.stop.wait(self.hold)
                connection.execute("COMMIT")
                self.bursts += 1
                self.stop.wait(self.gap)
            connection.close()
        except BaseException as exc:  # reported by the test, not lost in the thread
            self.error = exc
            self.holding.set()


def import_while_locked(
    var_dir: Path, source: Path, hold: float, gap: float, *options: str, **env: str
):
    """Run the import as a subprocess while a `LockHolder` holds the write lock in bursts."""
    holder = LockHolder(var_dir / "db.sqlite3", hold, gap)
    holder.start()
    assert holder.holding.wait(30)
    try:
        done = manage(
            var_dir,
            "import_articles",
            str(source),
            "--parent",
            "/blog/",
            "--publish",
            *options,
            **env,
        )
    finally:
        holder.stop.set()
        holder.join(30)
    assert holder.error is None, holder.error
    return done, holder


def imported_titles(var_dir: Path) -> dict[str, bool]:
    """Title -> live for every article page in the database, read from the file itself."""
    connection = sqlite3.connect(var_dir / "db.sqlite3")
    try:
        rows = connection.execute(
            "SELECT p.title, p.live FROM wagtailcore_page p "
            "JOIN blog_blogpage b ON b.page_ptr_id = p.id"
        ).fetchall()
    finally:
        connection.close()
    return {title: bool(live) for title, live in rows}


def test_import_next_to_a_busy_writer_loses_nothing(var_dir, tmp_path):
    source = export(
        tmp_path,
        *(
            item(n, title, f"<p>Paragraph {n}.</p><h2>More</h2><p>Text.</p>")
            for n, title in enumerate(TITLES, start=1)
        ),
    )
    done, holder = import_while_locked(var_dir, source, BURST_SECONDS, GAP_SECONDS)

    assert done.returncode == 0, done.stdout + done.stderr
    # The writer really competed: it took the lock again and again while the import ran.
    assert holder.bursts >= 2
    pages = imported_titles(var_dir)
    assert {title: pages.get(title) for title in TITLES} == dict.fromkeys(TITLES, True)
    lines = done.stdout.splitlines()
    assert f"Summary: {len(TITLES)} imported, 0 updated, 0 unchanged, 0 left alone, 0 skipped" in (
        "\n".join(lines)
    )
    assert not [line for line in lines if "skipped" in line and "0 skipped" not in line]


def test_a_lock_that_outlasts_every_retry_loses_the_item_and_says_so(var_dir, tmp_path):
    """With a 1 s wait per attempt, a lock held through the whole run exhausts the retries."""
    settings = tmp_path / "settings"
    settings.mkdir()
    (settings / "short_wait_settings.py").write_text(
        "from cms.settings.dev import *\n\nDATABASES['default']['OPTIONS']['timeout'] = 1\n",
        encoding="utf-8",
    )
    source = export(tmp_path, item(1, "Locked Out", "<p>Never saved.</p>"))
    done, _holder = import_while_locked(
        var_dir,
        source,
        120,
        0,
        # Django's start-up check asks SQLite for JSON support inside a transaction: under a
        # lock held all along it would wait 1 s and refuse to run at all. Here it is the item.
        "--skip-checks",
        DJANGO_SETTINGS_MODULE="short_wait_settings",
        PYTHONPATH=os.pathsep.join(filter(None, [str(settings), os.environ.get("PYTHONPATH")])),
    )

    assert done.returncode != 0
    assert "skipped Locked Out: could not be saved (OperationalError: database is locked)" in (
        done.stdout
    )
    assert "1 item or file could not be imported" in done.stderr
    assert "Locked Out" not in imported_titles(var_dir)
