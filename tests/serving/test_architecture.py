"""The import contracts in pyproject.toml hold for the code, and fail on a forbidden import."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[2]
PACKAGES = ("cms", "home", "blog", "leads", "insights", "accounts", "integrations")
LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [str(LINT_IMPORTS), "--config", str(root / "pyproject.toml"), "--no-cache"],
        cwd=root,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )


@pytest.fixture
def project_copy(tmp_path: Path) -> Path:
    """The project's packages and contracts, copied where a test may break them."""
    shutil.copy(BASE_DIR / "pyproject.toml", tmp_path / "pyproject.toml")
    for package in PACKAGES:
        shutil.copytree(
            BASE_DIR / package,
            tmp_path / package,
            ignore=shutil.ignore_patterns("__pycache__", "static", "migrations"),
        )
    return tmp_path


def test_the_code_keeps_every_import_contract():
    result = lint_imports(BASE_DIR)
    assert result.returncode == 0, result.stdout + result.stderr
    assert " 0 broken" in result.stdout.split("Contracts:")[-1].split("\n")[0]


@pytest.mark.parametrize(
    ("module", "line", "contract"),
    [
        ("leads/services.py", "import home.models", "leads imports neither home nor blog"),
        ("home/seo.py", "import leads.models", "Layers"),
        ("cms/serving/cache.py", "import home.models", "Layers"),
        ("cms/headless/openapi.py", "import blog.api", "Layers"),
        ("blog/feeds.py", "import cms.urls", "No app imports the wiring"),
        ("insights/report.py", "import home.models", "insights imports neither home nor blog"),
        ("leads/services.py", "import insights.counting", "Layers"),
    ],
)
def test_a_forbidden_import_breaks_its_contract(project_copy, module, line, contract):
    path = project_copy / module
    path.write_text(path.read_text() + f"\n{line}  # added by the test\n")
    result = lint_imports(project_copy)
    assert result.returncode != 0
    broken = result.stdout.split("Broken contracts")[-1]
    assert contract in broken, result.stdout
