"""The architecture, checked: which layer may import which, one definition of each
primitive, and no private name reached across modules.

The import contract between the layers of geo/ is also checked by import-linter
(``lint-imports``, configured in pyproject.toml); pages/ is not a package, so its rule
is checked here from the source.
"""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SOURCES = sorted(
    p
    for pattern in ("app.py", "pages/*.py", "ui/*.py", "geo/**/*.py", "bench/*.py", "tests/**/*.py")
    for p in ROOT.glob(pattern)
    if "node_modules" not in p.parts
)


def imports(path: Path) -> list[tuple[str, list[str], int]]:
    """(module, names, line) for every import statement in ``path``."""
    out = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            out += [(a.name, [], node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module:
            out.append((node.module, [a.name for a in node.names], node.lineno))
    return out


def geo_modules_imported(path: Path) -> list[tuple[str, int]]:
    """Every geo module ``path`` imports (``from geo.views import finder`` -> geo.views.finder)."""
    packages = {"geo", "geo.core", "geo.data", "geo.maps", "geo.views", "geo.i18n"}
    out = []
    for module, names, line in imports(path):
        if module in packages and names:
            out += [(f"{module}.{n}", line) for n in names]
        elif module == "geo" or module.startswith("geo."):
            out.append((module, line))
    return out


def allowed_for_pages(module: str) -> bool:
    return module.split(".")[:2] in (["geo", "views"], ["geo", "i18n"])


@pytest.mark.parametrize("path", [ROOT / "app.py", *sorted(ROOT.glob("pages/*.py")), *sorted(ROOT.glob("ui/*.py"))])
def test_pages_and_ui_reach_geo_only_through_views_and_i18n(path):
    bad = [(m, line) for m, line in geo_modules_imported(path) if not allowed_for_pages(m)]
    assert not bad, f"{path.relative_to(ROOT)} imports {bad}: pages and ui use geo.views and geo.i18n only"


def test_the_pages_rule_catches_a_violation(tmp_path):
    page = tmp_path / "p.py"
    page.write_text("from geo.core import coverage as cv\nfrom geo.views import finder\nimport geo.data.loader\n")
    assert [m for m, _ in geo_modules_imported(page) if not allowed_for_pages(m)] == [
        "geo.core.coverage",
        "geo.data.loader",
    ]


def test_core_imports_neither_folium_streamlit_nor_the_translation_table():
    for path in (ROOT / "geo" / "core").glob("*.py"):
        for module, _, line in imports(path):
            top = module.split(".")[0]
            assert top not in {"folium", "branca", "streamlit", "streamlit_folium", "jinja2"}, (path.name, line)
            assert not module.startswith(("geo.i18n", "geo.data", "geo.maps", "geo.views")), (path.name, line)


def test_import_contract_holds():
    """import-linter's contracts in pyproject.toml (views -> maps -> data -> core, ...)."""
    exe = Path(sys.executable).with_name("lint-imports")
    if not exe.exists():
        pytest.skip("import-linter is not installed (requirements-dev.txt installs it)")
    run = subprocess.run([str(exe)], cwd=ROOT, capture_output=True, text=True, timeout=120)
    assert run.returncode == 0, run.stdout[-3000:]


def private_names_imported(path: Path) -> list[tuple[str, str, int]]:
    """(module, name, line) for a ``_private`` name imported from another module, or read
    as an attribute of an imported module (``cv._assign_points``)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    out = []
    aliases = {}
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.ImportFrom)
            and node.module
            and node.module.split(".")[0] in {"geo", "ui", "tests", "bench"}
        ):
            for a in node.names:
                if a.name.startswith("_") and not a.name.startswith("__"):
                    out.append((node.module, a.name, node.lineno))
                aliases[a.asname or a.name] = f"{node.module}.{a.name}"
        elif isinstance(node, ast.Import):
            for a in node.names:
                if a.name.split(".")[0] in {"geo", "ui"}:
                    aliases[a.asname or a.name.split(".")[0]] = a.name
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in aliases
            and node.attr.startswith("_")
            and not node.attr.startswith("__")
        ):
            out.append((aliases[node.value.id], node.attr, node.lineno))
    return out


def test_no_private_name_is_imported_across_modules():
    found = {str(p.relative_to(ROOT)): private_names_imported(p) for p in SOURCES}
    found = {k: v for k, v in found.items() if v}
    assert not found, found


def test_the_private_rule_catches_a_violation(tmp_path):
    f = tmp_path / "m.py"
    f.write_text("from geo.core import coverage as cv\nfrom geo.core.coverage import _codes\nx = cv._secret(1)\n")
    assert [(n, line) for _, n, line in private_names_imported(f)] == [("_codes", 2), ("_secret", 3)]


def test_one_definition_of_the_shared_primitives():
    text = {p: p.read_text(encoding="utf-8") for p in SOURCES if "tests" not in p.relative_to(ROOT).parts}

    def defined(name: str) -> list[str]:
        return [str(p.relative_to(ROOT)) for p, s in text.items() if re.search(rf"^\s*def {name}\(", s, re.M)]

    assert defined("click_to_wgs84") == ["geo/core/coords.py"]
    assert defined("haversine_m") == ["geo/core/distance.py"]
    assert defined("neutralise") == ["geo/data/csvsafe.py"]
    assert defined("esc") == ["geo/data/escape.py"]
    assert defined("subdistrict_names") == ["geo/data/names.py"]
    circuity = [str(p.relative_to(ROOT)) for p, s in text.items() if re.search(r"^CIRCUITY\b.*=", s, re.M)]
    assert circuity == ["geo/core/distance.py"]


def test_no_distance_formula_outside_the_core():
    """Great-circle (or flat-earth) distances are computed in geo/core only: no Earth
    radius, no metres-per-degree constant and no arcsin/haversine elsewhere."""
    pattern = re.compile(r"6[_,]?371[_,]?0|111[_,]?3[12]\d|110[_,]?574|\barcsin\(|\basin\(|def haversine")
    bad = [
        str(p.relative_to(ROOT))
        for p in SOURCES
        if p.is_relative_to(ROOT / "geo") or p.is_relative_to(ROOT / "pages") or p.is_relative_to(ROOT / "ui")
        if not p.is_relative_to(ROOT / "geo" / "core") and pattern.search(p.read_text(encoding="utf-8"))
    ]
    assert not bad, bad
