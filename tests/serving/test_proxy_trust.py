"""Proxy trust is explicit: production needs TRUSTED_PROXY_COUNT, and `check --deploy` fails when
the requests a deployment received contradict it."""

import re
import urllib.request
from pathlib import Path

import pytest

from tests.home.test_foundation import run_manage

README = Path(__file__).resolve().parents[2] / "README.md"


def documented_production_env() -> dict[str, str]:
    """The production environment README.md documents (the block after `production-env`)."""
    text = README.read_text()
    block = re.search(r"<!-- production-env -->\s*```sh\n(.*?)```", text, re.S).group(1)
    return dict(line.split("=", 1) for line in block.splitlines() if "=" in line)


def deploy_check(**overrides: str):
    return run_manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        env={**documented_production_env(), **overrides},
    )


def test_production_refuses_to_start_without_trusted_proxy_count():
    env = {**documented_production_env(), "TRUSTED_PROXY_COUNT": ""}
    result = run_manage("check", env=env)
    assert result.returncode != 0
    assert "TRUSTED_PROXY_COUNT" in result.stderr


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize(
    ("declared", "forwarded_for", "warning"),
    [("1", None, "serving.W002"), ("0", "203.0.113.5", "serving.W001")],
    ids=["proxy-declared-but-requests-come-direct", "no-proxy-declared-but-requests-forwarded"],
)
def test_deploy_check_passes_as_documented_and_fails_when_requests_contradict_it(
    redis_server, start_web, declared, forwarded_for, warning
):
    cache = {"REDIS_URL": redis_server.url, "CACHE_URL": redis_server.url}
    passed = deploy_check(**cache, TRUSTED_PROXY_COUNT=declared)
    assert passed.returncode == 0, passed.stderr + passed.stdout

    web = start_web(CACHE_URL=redis_server.url, TRUSTED_PROXY_COUNT=declared)
    request = urllib.request.Request(f"{web.url}/robots.txt")
    if forwarded_for:
        request.add_header("X-Forwarded-For", forwarded_for)
    with urllib.request.urlopen(request, timeout=10) as response:
        assert response.status == 200

    failed = deploy_check(**cache, TRUSTED_PROXY_COUNT=declared)
    assert failed.returncode != 0
    assert warning in failed.stderr + failed.stdout


@pytest.mark.redis
@pytest.mark.postgres
@pytest.mark.django_db(transaction=True)
def test_a_forged_header_on_a_direct_deployment_does_not_fail_the_check(redis_server, start_web):
    """Set to 0 and reached directly: one request carrying X-Forwarded-For (anyone can send one)
    must not make the check advise trusting a proxy, which would let every client pick its
    address."""
    cache = {"REDIS_URL": redis_server.url, "CACHE_URL": redis_server.url}
    web = start_web(CACHE_URL=redis_server.url, TRUSTED_PROXY_COUNT="0")
    for forged in (None, "203.0.113.5"):
        request = urllib.request.Request(f"{web.url}/robots.txt")
        if forged:
            request.add_header("X-Forwarded-For", forged)
        with urllib.request.urlopen(request, timeout=10) as response:
            assert response.status == 200

    result = deploy_check(**cache, TRUSTED_PROXY_COUNT="0")
    assert result.returncode == 0, result.stderr + result.stdout
