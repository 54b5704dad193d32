"""Local development: runs with no servers installed (SQLite, a folder broker, a mail folder)."""

from .base import *

DEBUG = env_bool("DEBUG", True)
SECRET_KEY = SECRET_KEY or "dev-only-insecure-key-never-used-in-production"
ALLOWED_HOSTS = ALLOWED_HOSTS or ["127.0.0.1", "localhost", "[::1]"]

if not REDIS_URL:
    # An embedded broker: messages are files under var/broker, read by the worker that
    # `make run` starts next to the web server. No Redis needed on a laptop.
    _broker_dir = VAR_DIR / "broker"
    for _sub in ("queue", "processed", "control"):
        (_broker_dir / _sub).mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_URL = "filesystem://"
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_broker_dir / "queue"),
        "data_folder_out": str(_broker_dir / "queue"),
        "processed_folder": str(_broker_dir / "processed"),
        # The exchange tables; kombu's default is ./control in the working directory.
        "control_folder": str(_broker_dir / "control"),
        "store_processed": False,
    }

if not env("EMAIL_URL"):
    # Outgoing mail lands as files in var/mail, one per message.
    globals().update(email_settings(f"file://{VAR_DIR / 'mail'}"))

# Notifications in development go to a local address, i.e. into var/mail.
LEADS_NOTIFY_TO = LEADS_NOTIFY_TO or ["practice@localhost"]
