"""The import layers hold: entry points -> features -> db and settings, never upwards.

- Entry points (the chat actions, channels, web, Rasa components, worker, the
  stack, the seed, and every `__main__` command line) may import anything.
- Features may import each other, bot/db and bot/settings, never an entry point.
- bot/db and bot/settings import only each other (bot/db: only bot/settings
  and itself) and nothing above.

Every import in every module counts, late ones inside functions too (the AST
is walked, nothing is imported). A new top-level package fails here until it
is placed in a layer.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]

ENTRY, FEATURE, BASE = "entry", "feature", "base"
LAYERS = {
    "actions": ENTRY,
    "bot": ENTRY,  # the package itself (bot/__init__.py)
    "bot.channels": ENTRY,
    "bot.devtools": ENTRY,
    "bot.rasa_components": ENTRY,
    "bot.run": ENTRY,
    "bot.seed": ENTRY,
    "bot.stack": ENTRY,
    "bot.web": ENTRY,
    "bot.worker": ENTRY,
    "bot.activities": FEATURE,
    "bot.appointments": FEATURE,
    "bot.conversation": FEATURE,
    "bot.dates": FEATURE,
    "bot.directory": FEATURE,
    "bot.geo": FEATURE,
    "bot.hardening": FEATURE,
    "bot.hours": FEATURE,
    "bot.knowledge": FEATURE,
    "bot.messaging": FEATURE,
    "bot.nlu": FEATURE,
    "bot.ports": FEATURE,
    "bot.privacy": FEATURE,
    "bot.process_groups": FEATURE,
    "bot.referrals": FEATURE,
    "bot.safety": FEATURE,
    "bot.staff": FEATURE,
    "bot.support": FEATURE,
    "bot.db": BASE,
    "bot.logging_config": BASE,
    "bot.settings": BASE,
    "bot.wording": BASE,
}
RANK = {ENTRY: 2, FEATURE: 1, BASE: 0}
# What each base unit may import besides itself.
BASE_MAY_IMPORT = {
    "bot.db": {"bot.settings", "bot.wording"},  # staff corrections of the catalogue are checked against it
    "bot.settings": {"bot.logging_config"},
    "bot.logging_config": set(),
    "bot.wording": set(),
}
# Allowed exceptions (module -> imported unit), each with its reason. None today.
EXCEPTIONS: dict[tuple[str, str], str] = {}


def unit(module: str) -> str:
    parts = module.split(".")
    return parts[0] if parts[0] != "bot" or len(parts) == 1 else ".".join(parts[:2])


def modules() -> dict[str, Path]:
    found = {}
    for top in ("bot", "actions"):
        for path in sorted((ROOT / top).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def imports_of(module: str, path: Path) -> set[str]:
    """Every bot/actions module or package this module imports, anywhere in it."""
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    out = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out |= {alias.name for alias in node.names}
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")[: len(package.split(".")) - node.level + 1]
                base = ".".join(anchor + ([node.module] if node.module else []))
            # `from bot import directory` and `from . import models` import modules
            named = base in ("bot", "actions") or node.module is None
            out |= {f"{base}.{alias.name}" if named else base for alias in node.names}
    return {name for name in out if unit(name) in LAYERS or name.split(".")[0] in ("bot", "actions")}


def layer_of(module: str) -> str:
    if module.rsplit(".", 1)[-1] == "__main__":
        return ENTRY  # a command line (python -m bot.db, bot.staff): an entry point, whatever its package
    return LAYERS[unit(module)]


def violations() -> list[str]:
    found = []
    for module, path in modules().items():
        here, here_layer = unit(module), layer_of(module)
        for target in sorted(imports_of(module, path)):
            there = unit(target)
            if there == here or (module, there) in EXCEPTIONS:
                continue
            there_layer = LAYERS[there]
            if RANK[there_layer] > RANK[here_layer]:
                found.append(f"{module} ({here_layer}) imports {target} ({there_layer})")
            elif here_layer == BASE and there not in BASE_MAY_IMPORT[here]:
                found.append(f"{module} (base) imports {target}")
    return found


def test_every_top_level_package_has_a_layer():
    units = {unit(m) for m in modules()}
    assert sorted(units - set(LAYERS)) == [], "place the new package in LAYERS"


def test_no_import_goes_upwards():
    assert violations() == []


def test_the_exceptions_are_still_needed():
    for (module, there), why in EXCEPTIONS.items():
        assert why.strip()
        assert any(unit(t) == there for t in imports_of(module, modules()[module])), f"{module}: no longer needed"


@pytest.mark.parametrize(
    "source, expected",
    [
        ("from bot.staff.alert_notify import raise_and_notify", ["bot.staff.alert_notify"]),
        ("def f():\n    from bot.seed import seed", ["bot.seed"]),
        ("from bot import directory", ["bot.directory"]),
        ("from . import models", ["bot.db.models"]),
        ("from ..settings import get_settings", ["bot.settings"]),
    ],
)
def test_imports_are_read_from_the_ast(tmp_path, source, expected):
    path = tmp_path / "x.py"
    path.write_text(source)
    assert sorted(imports_of("bot.db.x", path)) == expected
