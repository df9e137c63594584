"""The project's own files: what Community Cloud installs agrees with pyproject.toml,
and nothing at the root makes Community Cloud pick another installer."""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def pins(lines: list[str]) -> dict[str, str]:
    out = {}
    for raw in lines:
        line = raw.split("#", 1)[0].strip()
        if not line or line.startswith("-"):
            continue
        m = re.fullmatch(r"([A-Za-z0-9_.\-\[\]]+)==([^\s;]+)", line)
        assert m, f"not an exact pin: {raw!r}"
        out[m.group(1).lower().replace("_", "-")] = m.group(2)
    return out


def test_requirements_and_pyproject_agree():
    req = pins((ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines())
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    assert req == pins(project["dependencies"])
    for needed in ("streamlit", "folium", "streamlit-folium", "geopandas", "shapely", "altair", "jinja2", "babel"):
        assert needed in req, needed


#: The batch coverage runs (python -m geo coverage-batch) are optional: the app never imports
#: them, and what they import beyond the runtime (dask.distributed, pyarrow) is pinned in
#: requirements-dev.txt.
OPTIONAL_MODULES = ("geo/core/batch.py", "geo/data/batch.py")


def third_party_imports(paths: list[Path]) -> set[str]:
    """The distribution names of the third-party packages ``paths`` import."""
    import_names = {
        "fpdf": "fpdf2",
        "streamlit_folium": "streamlit-folium",
        "xstatic": "xstatic-leaflet",
        "jinja2": "jinja2",
        "opening_hours": "opening-hours-py",
        "argon2": "argon2-cffi",
    }
    stdlib = {
        "__future__", "argparse", "collections", "contextlib", "csv", "dataclasses", "datetime", "functools", "hashlib",
        "html", "importlib", "io", "json", "math", "os", "pathlib", "pkgutil", "re", "shutil", "string", "sys",
        "tempfile", "threading", "time", "typing", "unicodedata", "urllib", "uuid", "warnings", "zipfile", "copy",
        "itertools", "logging", "secrets", "statistics", "textwrap", "types", "abc", "enum", "operator", "difflib",
        "zoneinfo", "getpass", "hmac",
    } | set(sys.stdlib_module_names)  # fmt: skip
    own = {"geo", "ui", "pages"}
    used = set()
    for path in paths:
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                used |= {a.name.split(".")[0] for a in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and not node.level:
                used.add(node.module.split(".")[0])
    return {import_names.get(u, u.lower().replace("_", "-")) for u in used - stdlib - own}


def test_imported_third_party_packages_are_declared():
    """Every third-party package the app imports at run time is pinned in requirements.txt."""
    req = set(pins((ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()))
    paths = [
        path
        for path in [ROOT / "app.py", *ROOT.glob("pages/*.py"), *ROOT.glob("ui/*.py"), *ROOT.glob("geo/**/*.py")]
        # development-only (requirements-dev.txt): rebuilding data/, synthetic data, the batch runs
        if path.name not in {"build_data.py", "testing.py"} and str(path.relative_to(ROOT)) not in OPTIONAL_MODULES
    ]
    third = third_party_imports(paths)
    assert third <= req, sorted(third - req)


def test_optional_modules_packages_are_pinned_for_development():
    """The batch runs' packages are pinned in requirements-dev.txt (which CI installs)."""
    dev = set(pins((ROOT / "requirements-dev.txt").read_text(encoding="utf-8").splitlines()))
    req = set(pins((ROOT / "requirements.txt").read_text(encoding="utf-8").splitlines()))
    third = third_party_imports([ROOT / m for m in OPTIONAL_MODULES])
    assert {"distributed", "pyarrow"} <= third  # the check sees them
    assert third <= dev | req, sorted(third - dev - req)


def test_community_cloud_reads_requirements_txt():
    for other in ("uv.lock", "Pipfile", "environment.yml"):
        assert not (ROOT / other).exists(), other
    assert (ROOT / ".streamlit" / "config.toml").exists()
    assert (ROOT / "LICENSE").read_text(encoding="utf-8").startswith("MIT License")


def test_download_buttons_do_not_rerun_the_page():
    """A download is a file, not an interaction: every download button passes
    ``on_click="ignore"``. A rerun on click would rebuild the page (the map redrawn, the
    other buttons' files registered anew) and a deferred file clicked during that rerun is
    revoked before it is built: the click gives nothing."""
    calls = []
    for path in sorted([*ROOT.joinpath("pages").glob("*.py"), ROOT / "app.py", *ROOT.joinpath("geo").rglob("*.py")]):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "download_button":
                kw = {k.arg: k.value for k in node.keywords}
                ok = isinstance(kw.get("on_click"), ast.Constant) and kw["on_click"].value == "ignore"
                calls.append((f"{path.relative_to(ROOT)}:{node.lineno}", ok))
    assert len(calls) >= 4, calls  # the coverage, data, registry and finder pages
    assert all(ok for _, ok in calls), [c for c, ok in calls if not ok]


def test_every_page_hands_its_namespace_to_page_setup():
    """``state.page_setup(globals())``: what a page run built is released when it ends
    (ui.state.release_page); a page that does not pass its namespace keeps it all."""
    for path in sorted(ROOT.joinpath("pages").glob("*.py")):
        calls = [
            node
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
            if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "page_setup"
        ]
        assert len(calls) == 1, path.name
        args = calls[0].args
        assert len(args) == 1 and isinstance(args[0], ast.Call) and getattr(args[0].func, "id", "") == "globals", (
            path.name
        )
