"""The TypeScript example type-checks against the schema the application serves now, and runs.

The schema is dumped from the app, openapi-typescript turns it into types, `tsc --noEmit`
(strict) checks `examples/frontend/src` against them, and redocly lints the document. Then the
example is compiled and run with Node against a live server: it renders every page and every
block type from the API and posts a lead. Marker `node` (tests/conftest.py): skipped with the
reason when Node or the example's packages are missing, and under CI=true that fails the run
instead.
"""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from django.conf import settings
from wagtail.contrib.redirects.models import Redirect
from wagtail.fields import StreamField
from wagtail.models import Page, get_page_models

from blog.models import BlogIndexPage
from home.models import ContactPage
from leads.fields import CONSENT_LABEL, PERSON_FIELDS
from leads.models import Lead
from tests.api.factories import make_article

pytestmark = [pytest.mark.node, pytest.mark.django_db]

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "frontend"
BIN = EXAMPLE / "node_modules" / ".bin"


def _run(*command: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(BIN / command[0]), *command[1:]],
        cwd=EXAMPLE,
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _generate_types(openapi) -> None:
    """`schema/openapi.json` and `src/schema.d.ts` from the document the app serves now."""
    schema_dir = EXAMPLE / "schema"
    schema_dir.mkdir(exist_ok=True)
    (schema_dir / "openapi.json").write_text(json.dumps(openapi))
    generated = _run("openapi-typescript", "schema/openapi.json", "-o", "src/schema.d.ts")
    assert generated.returncode == 0, generated.stderr[-3000:]


def test_the_example_type_checks_against_the_generated_schema(openapi):
    _generate_types(openapi)
    checked = _run("tsc", "--noEmit", "-p", "tsconfig.json")
    assert checked.returncode == 0, checked.stdout[-5000:]
    linted = _run("redocly", "lint", "schema/openapi.json", "--format=summary")
    assert linted.returncode == 0, (linted.stdout + linted.stderr)[-5000:]


def test_a_block_type_the_example_does_not_render_fails_the_check(openapi):
    """The check has teeth: drop the renderer of one block type and `tsc` refuses the example."""
    render = (EXAMPLE / "src" / "render.ts").read_text()
    start, end = render.index('    case "embed":'), render.index('    case "faq":')
    broken = EXAMPLE / "src" / "render_broken.ts"
    try:
        broken.write_text(render[:start] + render[end:])
        (EXAMPLE / "schema").mkdir(exist_ok=True)
        (EXAMPLE / "schema" / "openapi.json").write_text(json.dumps(openapi))
        assert (
            _run("openapi-typescript", "schema/openapi.json", "-o", "src/schema.d.ts").returncode
            == 0
        )
        checked = _run("tsc", "--noEmit", "-p", "tsconfig.json")
    finally:
        broken.unlink(missing_ok=True)
    assert checked.returncode != 0
    assert "render_broken.ts" in checked.stdout and "never" in checked.stdout


def _as_escaped(text: str) -> str:
    """`text` as the example's `escape` writes it into HTML."""
    return re.sub(r"[&<>\"']", lambda match: f"&#{ord(match[0])};", text)


def _declared_block_types() -> set[str]:
    """Every block type a page's API StreamField may hold, from the models."""
    names = set()
    for model in get_page_models():
        served = {getattr(field, "name", field) for field in getattr(model, "api_fields", ())}
        for field in model._meta.get_fields():
            if isinstance(field, StreamField) and field.name in served:
                names |= set(field.stream_block.child_blocks)
    return names


@pytest.mark.django_db(transaction=True)
def test_the_example_renders_every_page_and_block_type_and_posts_a_lead(
    live_server, demo_content, openapi, tmp_path
):
    """Compiled with `tsc` and run with Node: the demo site plus an article holding every article
    block type. Every listed page is found by its path and rendered, an old URL is followed, the
    form is rendered from `forms/consultation/`, and a genuine lead is stored."""
    article = make_article(BlogIndexPage.objects.get(), blocks=16, title="Every block")
    Redirect.objects.create(
        old_path=Redirect.normalise_path("/old-every-block/"),
        redirect_page=article,
        is_permanent=True,
    )
    _generate_types(openapi)
    build = tmp_path / "build"
    compiled = _run("tsc", "-p", "tsconfig.json", "--noEmit", "false", "--outDir", str(build))
    assert compiled.returncode == 0, compiled.stdout[-5000:]
    (build / "package.json").write_text('{"type": "module"}')
    (build / "node_modules").symlink_to(EXAMPLE / "node_modules")

    email = "every-block@example.com"
    ran = subprocess.run(
        ["node", str(build / "run.js"), live_server.url, email, "/old-every-block/"],
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )
    assert ran.returncode == 0, ran.stderr[-5000:]
    report = json.loads(ran.stdout)

    assert set(report["block_types"]) == _declared_block_types()
    assert set(map(int, report["pages"])) == set(
        Page.objects.live().public().filter(depth__gt=1).values_list("pk", flat=True)
    )
    assert report["moved"] == {"/old-every-block/": article.pk}

    every_block = report["pages"][str(article.pk)]["html"]
    for shown in ("Section 0", "Go slowly.", "kept  as\nwritten", "<th>Session</th>", "Free?"):
        assert shown in every_block, shown
    contact = ContactPage.objects.get()
    contact_html = report["pages"][str(contact.pk)]["html"]
    for shown in (contact.intro, contact.form_heading, CONSENT_LABEL):
        assert _as_escaped(shown) in contact_html, shown
    for field in PERSON_FIELDS:
        if field.name != "consent":
            assert f">{_as_escaped(field.label)}<" in contact_html, field.name
    assert f'name="source_page" value="{contact.pk}"' in contact_html
    assert 'name="block_id" value="' in every_block  # the article's form block names itself

    assert report["lead"]["status"] == 201
    lead = Lead.objects.get(reference=report["lead"]["reference"])
    assert lead.email == email
    assert lead.source_page_id == contact.pk
    assert lead.consent_version == settings.LEADS_CONSENT_VERSION
    assert (lead.status, lead.is_spam, lead.is_duplicate) == (Lead.Status.NEW, False, False)
