"""Editors: argon2 hashes, one error for unknown name and wrong password, failures
logged and slowed, OIDC roles, no default account."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from geo.data.registry import Actor, Registry, RegistryError
from geo.data.registry.limits import SIGN_IN_DELAY_CAP, sign_in_delay
from geo.data.registry.models import AuthLog, EditorRow


def test_no_default_account(reg):
    assert reg.editors_configured() is False
    with pytest.raises(RegistryError):
        reg.sign_in("admin", "admin", client="c")


def test_hash_stored_never_the_password(reg):
    reg.add_editor("alice", "correct horse battery", publisher=True)
    with reg.engine.connect() as conn:
        row = conn.execute(select(EditorRow)).one()
    assert row.password_hash.startswith("$argon2id$")
    assert "correct horse" not in row.password_hash
    actor = reg.sign_in("alice", "correct horse battery", client="c1")
    assert actor == Actor("alice", True, True, "local")
    assert reg.editors_configured() is True


def test_short_password_and_bad_name_refused(reg):
    with pytest.raises(RegistryError) as err:
        reg.add_editor("bob", "short")
    assert err.value.key == "reg.err.password_short"
    with pytest.raises(RegistryError) as err2:
        reg.add_editor("bad\nname", "long enough password")
    assert err2.value.key == "reg.err.editor_name"
    assert reg.editors_configured() is False


def test_wrong_password_and_unknown_name_same_error_logged_and_slowed(reg):
    reg.add_editor("alice", "correct horse battery")
    delays: list[float] = []
    reg.sleep = delays.append
    errors = []
    for name, pw in (("alice", "wrong"), ("nobody", "correct horse battery"), ("alice", "wrong again")):
        with pytest.raises(RegistryError) as err:
            reg.sign_in(name, pw, client="browser-x")
        errors.append((err.value.key, err.value.message("en"), err.value.message("zh")))
    assert len(set(errors)) == 1 and errors[0][0] == "reg.err.sign_in"
    reg.sign_in("alice", "correct horse battery", client="browser-x")
    assert delays == [0.0, 0.5, 1.0, 2.0]  # grows with the recent failures of that name or client
    with reg.engine.connect() as conn:
        log = [(r.name, r.ok) for r in conn.execute(select(AuthLog).order_by(AuthLog.id))]
    assert log == [("alice", False), ("nobody", False), ("alice", False), ("alice", True)]


def test_delay_function():
    assert [sign_in_delay(n) for n in range(6)] == [0.0, 0.5, 1.0, 2.0, 4.0, 8.0]
    assert sign_in_delay(50) == SIGN_IN_DELAY_CAP


def test_oidc_editor(reg):
    assert reg.oidc_actor("ann@example.org") is None
    reg.set_oidc_editor("Ann@Example.org", publisher=True)
    assert reg.oidc_actor("ann@example.org") == Actor("ann@example.org", True, True, "oidc")
    assert reg.editors_configured() is True
    with pytest.raises(RegistryError):  # an OIDC editor has no password to sign in with
        reg.sign_in("ann@example.org", "", client="c")
    reg.remove_editor("ann@example.org")
    assert reg.oidc_actor("ann@example.org") is None


def test_roles_rechecked_in_database(reg):
    """An Actor built by hand (not from sign_in) gets nothing."""
    forged = Actor("ghost", True, True, "local")
    with pytest.raises(RegistryError):
        reg.publish(forged, 1)


def test_from_env(monkeypatch, tmp_path):
    monkeypatch.delenv("JINPU_DB_URL", raising=False)
    monkeypatch.setenv("JINPU_DB_PATH", str(tmp_path / "x" / "r.db"))
    assert Registry.from_env().url == f"sqlite:///{tmp_path / 'x' / 'r.db'}"
    assert Registry.from_env("postgresql+psycopg://u:p@h/db").url == "postgresql+psycopg://u:p@h/db"
    monkeypatch.setenv("JINPU_DB_URL", "sqlite:///elsewhere.db")
    assert Registry.from_env("postgresql+psycopg://u:p@h/db").url == "sqlite:///elsewhere.db"
