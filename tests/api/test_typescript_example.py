"""The TypeScript example type-checks against the schema the application serves now.

The schema is dumped from the app, openapi-typescript turns it into types, `tsc --noEmit`
(strict) checks `examples/frontend/src` against them, and redocly lints the document. Marker
`node` (tests/conftest.py): skipped with the reason when Node or the example's packages are
missing, and under CI=true that fails the run instead.
"""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

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


def test_the_example_type_checks_against_the_generated_schema(openapi):
    schema_dir = EXAMPLE / "schema"
    schema_dir.mkdir(exist_ok=True)
    (schema_dir / "openapi.json").write_text(json.dumps(openapi))
    generated = _run("openapi-typescript", "schema/openapi.json", "-o", "src/schema.d.ts")
    assert generated.returncode == 0, generated.stderr[-3000:]
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
