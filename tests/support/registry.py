"""A fresh registry for a test: an empty SQLite file in a temporary folder, seeded from
data/ (or a given folder), with an editor and a publisher account.

``fresh_registry`` sets ``JINPU_DB_URL`` (and ``JINPU_DATA_DIR`` when a seed folder is
given) for the test and clears the app's per-process caches, so every page the test
runs reads this registry.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from geo.data.registry import Actor, Registry

EDITOR = ("editor1", "editor-password-1")
PUBLISHER = ("publisher1", "publisher-password-1")


@dataclass
class Fresh:
    registry: Registry
    url: str
    path: Path
    editor: Actor
    publisher: Actor


def sqlite_url(path: Path) -> str:
    return f"sqlite:///{Path(path).resolve()}"


def make_registry(url: str, seed_dir: Path | None = None, accounts: bool = True) -> Registry:
    """A registry at ``url``, migrated and seeded, with the two accounts."""
    reg = Registry(url, seed_dir=seed_dir) if seed_dir else Registry(url)
    reg.init()
    if accounts:
        reg.add_editor(*EDITOR)
        reg.add_editor(*PUBLISHER, publisher=True)
    return reg


def clear_ui_caches() -> None:
    from ui import state

    state.clear_caches()


def fresh(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path, seed_dir: Path | None = None, accounts: bool = True
) -> Fresh:
    """Point the app at a new registry in ``tmp_path`` for this test."""
    path = Path(tmp_path) / "registry.db"
    url = sqlite_url(path)
    monkeypatch.setenv("JINPU_DB_URL", url)
    if seed_dir is not None:
        monkeypatch.setenv("JINPU_DATA_DIR", str(seed_dir))
    clear_ui_caches()
    reg = make_registry(url, seed_dir, accounts)
    ed = Actor(EDITOR[0], editor=True, publisher=False, via="local")
    pub = Actor(PUBLISHER[0], editor=True, publisher=True, via="local")
    return Fresh(reg, url, path, ed, pub)


@pytest.fixture
def fresh_registry(tmp_path, monkeypatch):
    """A fresh SQLite registry (seeded from data/) with an editor and a publisher."""
    out = fresh(monkeypatch, tmp_path)
    yield out
    out.registry.dispose()
    clear_ui_caches()
