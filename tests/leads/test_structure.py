"""The leads app's shape: imports run one way only."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from leads import outbox, tasks

LEADS_DIR = Path(__file__).resolve().parents[2] / "leads"

# Imports run one way ----------------------------------------------------------------------------


def _module_name(path: Path) -> str:
    parts = path.relative_to(LEADS_DIR.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function; relative names resolved."""
    module = _module_name(path)
    package = module if path.name == "__init__.py" else module.rpartition(".")[0]
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - node.level + 1]
                base = ".".join([*anchor, base] if base else anchor)
            found.add(base)
            # `from leads import outbox` imports the module leads.outbox.
            found.update(f"{base}.{alias.name}" for alias in node.names)
    return found


def _leads_graph() -> dict[str, set[str]]:
    modules = {_module_name(path): path for path in LEADS_DIR.rglob("*.py")}
    return {
        name: {target for target in _imports(path) if target in modules and target != name}
        for name, path in modules.items()
    }


def test_leads_never_imports_home_or_blog():
    offenders = {
        _module_name(path): sorted(
            name
            for name in _imports(path)
            if name.split(".")[0] in {"home", "blog"} and not name.startswith("leads")
        )
        for path in LEADS_DIR.rglob("*.py")
    }
    assert {module: names for module, names in offenders.items() if names} == {}


def test_outbox_never_imports_tasks_and_api_never_imports_views():
    graph = _leads_graph()
    assert "leads.tasks" not in graph["leads.outbox"]
    assert "leads.views" not in graph["leads.api"]


def test_no_import_cycle_among_leads_modules():
    graph = _leads_graph()
    cycles = []

    def visit(module: str, path: list[str]) -> None:
        for target in sorted(graph[module]):
            if target in path:
                cycles.append([*path[path.index(target) :], target])
            elif target not in done:
                visit(target, [*path, target])
        done.add(module)

    done: set[str] = set()
    for module in sorted(graph):
        if module not in done:
            visit(module, [module])
    assert cycles == []


# The outbox publishes `notify` by name, exactly as the task would ------------------------------


def _comparable(name, message, options):
    headers = {k: v for k, v in message.headers.items() if k not in {"id", "root_id", "task_id"}}
    properties = {k: v for k, v in message.properties.items() if k != "correlation_id"}
    return name, headers, properties, message.body, {k: str(v) for k, v in options.items()}


@pytest.mark.parametrize("task_loaded", [True, False], ids=["worker", "web process"])
def test_publish_sends_the_message_notify_apply_async_would(monkeypatch, task_loaded):
    from celery import current_app

    assert tasks.notify.name == outbox.NOTIFY_TASK
    sent = []
    monkeypatch.setattr(
        current_app.amqp,
        "send_task_message",
        lambda producer, name, message, **options: sent.append((name, message, options)),
    )
    with current_app.connection_for_write("memory://") as connection:
        tasks.notify.apply_async((7,), connection=connection, retry=False)
    if not task_loaded:
        # A web process publishes without having imported leads.tasks.
        monkeypatch.delitem(current_app._tasks, outbox.NOTIFY_TASK)

    outbox.publish_now([7])

    expected, published = (_comparable(*entry) for entry in sent)
    assert published == expected
