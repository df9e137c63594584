"""An unreachable database raises Unavailable (with a message), never a driver error."""

from __future__ import annotations

import socket

import pytest

from geo.data.registry import Registry, Unavailable


def closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def unreachable_urls(tmp_path):
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"this is not a database, just some text " * 200)
    blocker = tmp_path / "a-file"
    blocker.write_text("x")
    return [
        f"postgresql+psycopg://user:secret@127.0.0.1:{closed_port()}/jinpu",
        f"sqlite:///{garbage}",
        f"sqlite:///{blocker}/sub/registry.db",  # its folder cannot be created
    ]


def test_unreachable_database_is_unavailable(tmp_path):
    for url in unreachable_urls(tmp_path):
        reg = Registry(url)
        for call in (
            reg.init,
            reg.version,
            reg.published,
            reg.editors_configured,
            lambda r=reg: r.record("meal_points", "M01"),
        ):
            with pytest.raises(Unavailable) as err:
                call()
            assert err.value.key == "reg.err.unavailable"
            assert "数据库" in err.value.message("zh") and "database" in err.value.message("en")
        reg.dispose()


def test_url_display_masks_password():
    reg = Registry("postgresql+psycopg://jinpu:s3cret@db.example:5432/jinpu")
    assert "s3cret" not in reg.url_display and "db.example" in reg.url_display


def test_not_migrated_database_is_unavailable(db_url):
    reg = Registry(db_url)
    with pytest.raises(Unavailable):
        reg.version()
    reg.dispose()
