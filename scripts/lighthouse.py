#!/usr/bin/env python
"""Lighthouse scores of the public pages (home, articles index, the demo article, contact, and
the practice's page types: team, therapist profile, services, service),
desktop and mobile, from the pinned `lighthouse` in node_modules and Debian's Chromium.

Used by the Lighthouse test (tests/e2e/test_lighthouse.py: accessibility, best practices and SEO
must be 100) and by `make bench` (scripts/bench.py prints all four categories, performance
included). Needs `npm ci` (node_modules/.bin/lighthouse) and /usr/bin/chromium (CHROME_PATH).

    .venv/bin/python scripts/lighthouse.py http://127.0.0.1:8000 [--categories a,b] [--json]
        [--parallel 4]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

BASE_DIR = Path(__file__).resolve().parent.parent
LIGHTHOUSE = BASE_DIR / "node_modules" / ".bin" / "lighthouse"
CHROME_PATH = os.environ.get("CHROME_PATH", "/usr/bin/chromium")
CHROME_FLAGS = "--headless=new --no-sandbox --disable-gpu --disable-dev-shm-usage"
PAGES = {
    "home": "/",
    "articles index": "/blog/",
    "article": "/blog/after-the-discovery/",
    "contact": "/contact/",
    "team": "/team/",
    "therapist profile": "/team/maya-ortega/",
    "services": "/services/",
    "service": "/services/couples-therapy/",
}
FORM_FACTORS = ("desktop", "mobile")
CATEGORIES = ("performance", "accessibility", "best-practices", "seo")


def run(url: str, form_factor: str, categories: tuple[str, ...]) -> dict:
    """One Lighthouse run: {"scores": {category: 0-100}, "failing": [audit, ...]}."""
    with tempfile.TemporaryDirectory(prefix="lighthouse-") as scratch:
        report = Path(scratch) / "report.json"
        command = [
            str(LIGHTHOUSE),
            url,
            "--quiet",
            f"--chrome-flags={CHROME_FLAGS}",
            f"--only-categories={','.join(categories)}",
            "--output=json",
            f"--output-path={report}",
        ]
        if form_factor == "desktop":
            command.append("--preset=desktop")
        for attempt in (1, 2):
            # One retry: Chromium failing to start or to connect now and then made the whole
            # table fail (a bench run at 00:55 on 2026-12-01; the same page passed on its own).
            done = subprocess.run(
                command,
                check=False,
                capture_output=True,
                text=True,
                timeout=180,
                env={**os.environ, "CHROME_PATH": CHROME_PATH, "TMPDIR": scratch},
            )
            if done.returncode == 0:
                break
            if attempt == 2:
                raise RuntimeError(
                    f"lighthouse failed twice on {url} ({form_factor}): {done.stderr[-800:]}"
                )
        result = json.loads(report.read_text())
    scores, failing = {}, []
    for category in result["categories"].values():
        scores[category["id"]] = round((category["score"] or 0) * 100)
        for ref in category["auditRefs"]:
            audit = result["audits"][ref["id"]]
            if ref["weight"] and audit["score"] is not None and audit["score"] < 1:
                failing.append(f"{category['id']}: {audit['id']} ({audit['title']})")
    if result.get("runtimeError"):
        failing.append(f"runtime error: {result['runtimeError'].get('message', '')}")
    return {"scores": scores, "failing": failing}


def run_all(
    base_url: str, categories: tuple[str, ...] = CATEGORIES, parallel: int = 1
) -> dict[str, dict]:
    """Every page in both form factors: {"<page> (<form factor>)": run(...)}. Runs may overlap
    (`parallel`) when performance is not measured: the other categories do not depend on
    timing, and a run spends most of its time waiting for the page to settle."""
    if "performance" in categories:
        parallel = 1
    jobs = {
        f"{name} ({form_factor})": (base_url.rstrip("/") + path, form_factor, categories)
        for name, path in PAGES.items()
        for form_factor in FORM_FACTORS
    }
    with ThreadPoolExecutor(max_workers=parallel) as pool:
        futures = {label: pool.submit(run, *job) for label, job in jobs.items()}
        return {label: future.result() for label, future in futures.items()}


def table(results: dict[str, dict], categories: tuple[str, ...]) -> str:
    lines = [
        "| page | " + " | ".join(categories) + " |",
        "|---|" + "---:|" * len(categories),
    ]
    for label, result in results.items():
        scores = " | ".join(str(result["scores"].get(category, "-")) for category in categories)
        lines.append(f"| {label} | {scores} |")
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("base_url")
    parser.add_argument("--categories", default=",".join(CATEGORIES))
    parser.add_argument("--json", action="store_true", help="print the results as JSON")
    parser.add_argument("--parallel", type=int, default=1, help="runs at once (not performance)")
    args = parser.parse_args()
    if not LIGHTHOUSE.exists():
        sys.exit("lighthouse: node_modules/.bin/lighthouse is missing; run `npm ci`.")
    categories = tuple(args.categories.split(","))
    results = run_all(args.base_url, categories, args.parallel)
    print(json.dumps(results, indent=2) if args.json else table(results, categories))
    for label, result in results.items():
        for audit in result["failing"]:
            print(f"   {label}: {audit}", file=sys.stderr)


if __name__ == "__main__":
    main()
