"""Uploaded images are served with a year's cache on one host; documents never bypass their view;
object storage is one setting away."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests.blog.factories import make_image

pytestmark = pytest.mark.django_db

BASE_DIR = Path(__file__).resolve().parents[2]


def test_original_images_and_renditions_are_served_with_a_long_cache(client):
    image = make_image()
    rendition = image.get_rendition("fill-480x270")
    for url in (image.file.url, rendition.url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert response["Cache-Control"] == "public, max-age=31536000, immutable"
        assert response["Content-Type"].startswith("image/")
        assert b"".join(response.streaming_content)


@pytest.mark.parametrize(
    "path", ["/media/documents/report.pdf", "/media/../cms/settings/base.py", "/media/images/x"]
)
def test_anything_else_under_media_is_not_found(client, path):
    assert client.get(path).status_code == 404


def _settings_with(**env: str) -> str:
    code = (
        "import django; django.setup(); from django.conf import settings; "
        "from django.core.files.storage import storages; s = storages['default']; "
        "print(type(s).__name__, getattr(s, 'bucket_name', '-'), settings.SERVE_MEDIA)"
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        cwd=BASE_DIR,
        env={**os.environ, "DJANGO_SETTINGS_MODULE": "cms.settings.test", **env},
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_media_on_object_storage_is_one_setting():
    assert _settings_with() == "FileSystemStorage - True"
    assert _settings_with(MEDIA_S3_BUCKET="practice-media") == "S3Storage practice-media False"
