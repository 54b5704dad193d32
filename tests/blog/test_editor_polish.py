"""What an editor meets in the admin: alt text asked for on upload, authors made with a slug
from the name (also from the article's chooser), body text found by page search, no avatars
fetched from a third party."""

import io
import re

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse
from PIL import Image as PILImage
from wagtail.images import get_image_model

from blog.models import Author
from tests import staff
from tests.blog.factories import make_article, make_author, make_index, make_site

pytestmark = pytest.mark.django_db


@pytest.fixture
def editor(client):
    """Signed in as a member of Editors (the one sign-in of this module)."""
    user = get_user_model().objects.create_user("ed", "ed@example.org", "pw")
    user.groups.add(Group.objects.get(name="Editors"))
    staff.sign_in(client, user)
    return user


def png(name: str = "IMG_2041.png") -> SimpleUploadedFile:
    buffer = io.BytesIO()
    PILImage.new("RGB", (64, 48), (90, 120, 110)).save(buffer, format="PNG")
    return SimpleUploadedFile(name, buffer.getvalue(), content_type="image/png")


def upload(client, **fields):
    data = {"title": "Two chairs", "file": png(), "collection": "", **fields}
    collection = get_image_model().objects.model._meta.get_field("collection")
    data["collection"] = collection.related_model.objects.get(depth=1).pk
    return client.post(reverse("wagtailimages:add"), data)


def test_an_image_is_not_stored_without_alt_text(client, editor):
    response = upload(client)
    assert response.status_code == 200
    assert "Add alt text that describes the image" in response.content.decode()
    assert not get_image_model().objects.exists()


def test_an_image_is_stored_with_its_alt_text(client, editor):
    assert upload(client, description="Two armchairs by a window").status_code == 302
    assert get_image_model().objects.get().description == "Two armchairs by a window"


def test_a_decorative_image_has_empty_alt_text_not_its_file_name(client, editor):
    assert upload(client, description="ignored", image_is_decorative="on").status_code == 302
    image = get_image_model().objects.get()
    assert image.description == ""
    index = make_index(make_site())
    article = make_article(index, hero_image=image)
    html = client.get(article.url).content.decode()
    hero = re.search(r'<figure class="article__hero">\s*(<img[^>]*>)', html).group(1)
    assert 'alt=""' in hero


def test_the_multiple_uploader_asks_for_alt_text_before_storing(client, editor):
    collection = get_image_model()._meta.get_field("collection").related_model
    response = client.post(
        reverse("wagtailimages:add_multiple"),
        {"files[]": png(), "collection": collection.objects.get(depth=1).pk},
    )
    data = response.json()
    assert data["success"] and "uploaded_file_id" in data
    assert "Alt text" in data["form"]
    assert not get_image_model().objects.exists()


def test_an_author_gets_a_unique_slug_from_the_name(client, editor):
    make_author(name="Jordan Lee", slug="jordan-lee")
    data = {
        "name": "Jordan Lee",
        "slug": "",
        "short_bio": '{"blocks": [{"key": "a", "type": "unstyled", "text": "Bio."}], '
        '"entityMap": {}}',
        "profile_links-count": "0",
    }
    response = client.post(reverse("wagtailsnippets_blog_author:add"), data)
    assert response.status_code == 302, response.content.decode()[:2000]
    assert Author.objects.filter(slug="jordan-lee-2", name="Jordan Lee").exists()


def test_an_author_is_created_from_the_chooser(client, editor):
    chooser = client.get(reverse("wagtailsnippetchoosers_blog_author:choose"))
    assert "Add a new author" in chooser.json()["html"]
    response = client.post(
        reverse("wagtailsnippetchoosers_blog_author:create"),
        {"name": "Maya Lin Ortega", "credentials": "LMFT", "short_bio": "Helps couples.\n\nAlso."},
    )
    assert response.json()["step"] == "chosen"
    author = Author.objects.get(name="Maya Lin Ortega")
    assert author.slug == "maya-lin-ortega"
    assert author.short_bio == "<p>Helps couples.</p><p>Also.</p>"


def test_admin_page_search_finds_words_from_the_body(client, editor):
    index = make_index(make_site())
    make_article(
        index,
        title="After the disclosure",
        body=[("paragraph", "<p>Rebuilding trust needs steadfastness.</p>")],
    )
    response = client.get(reverse("wagtailadmin_pages:search"), {"q": "steadfastness"})
    assert "After the disclosure" in response.content.decode()


def test_no_third_party_avatar_is_requested(client, editor):
    html = client.get(reverse("wagtailadmin_home")).content.decode()
    assert "gravatar" not in html.lower()
