"""The import graph of emulator/ follows the layers docs/ARCHITECTURE.md lists: no module
imports a layer above its own."""

import ast
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGE = ROOT / "emulator"


def layers():
    """Component name -> layer number (0 = the bottom), from the ```layers block."""
    text = (ROOT / "docs" / "ARCHITECTURE.md").read_text()
    block = re.search(r"```layers\n(.*?)```", text, re.S).group(1)
    rows = [row.split() for row in block.strip().splitlines()]
    return {name: len(rows) - 1 - i for i, row in enumerate(rows) for name in row}


def component(module):
    """emulator.kernel.mm.slab -> kernel; emulator.cli -> cli; emulator -> __init__."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def imports():
    """(importing module, imported emulator module) for every import in the package."""
    for path in PACKAGE.rglob("*.py"):
        module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        package = module.removesuffix(".__init__") if path.name == "__init__.py" \
            else module.rsplit(".", 1)[0]
        for node in ast.walk(ast.parse(path.read_text())):
            if isinstance(node, ast.ImportFrom):
                if node.level:
                    base = package.split(".")[:len(package.split(".")) - node.level + 1]
                    target = ".".join(base + ([node.module] if node.module else []))
                else:
                    target = node.module
                names = [f"{target}.{a.name}" for a in node.names] if target == "emulator" \
                    else [target]
            elif isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            else:
                continue
            for name in names:
                if name.startswith("emulator") and name != "emulator":
                    yield module, name


def test_every_component_has_a_layer():
    known = layers()
    found = {component(m) for m, _ in imports()} | {component(t) for _, t in imports()}
    assert found - set(known) == set()


def test_no_upward_imports():
    level = layers()
    upward = sorted(f"{m} imports {t}" for m, t in imports()
                    if level[component(t)] > level[component(m)])
    assert upward == []


def test_the_graph_is_read():
    # The parser sees relative imports at every depth (else the check above is vacuous).
    edges = set(imports())
    assert ("emulator.machine", "emulator.kernel.entry") in edges
    assert ("emulator.kernel.mm.kasan", "emulator.cpu") in edges
    assert ("emulator.cpu", "emulator._hooks") in edges
