"""``python -m geo registry ...``: exit codes, messages, the password from stdin."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

from geo.data.registry import Registry
from tests.unit.registry.helpers import meal_points_csv, to_bytes

ROOT = Path(__file__).resolve().parents[3]


def cli(url, *args, stdin=""):
    env = {**os.environ, "JINPU_DB_URL": url}
    return subprocess.run(
        [sys.executable, "-m", "geo", "registry", *map(str, args)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        input=stdin,
        timeout=180,
        env=env,
    )


def test_init_status_import_history_revert(db_url, tmp_path):
    r = cli(db_url, "init")
    assert r.returncode == 0 and "published version 1" in r.stdout, r.stderr
    df = meal_points_csv()
    df.loc[df["id"] == "M07", "phone"] = "0411-5555"
    f = tmp_path / "points.csv"
    f.write_bytes(to_bytes(df))
    r = cli(db_url, "import", "meal_points", f, "--by", "ops", "--note", "phones", "--publish")
    assert r.returncode == 0, r.stderr
    assert "change set 2 (published): 0 added, 1 changed, 0 removed, 59 unchanged" in r.stdout
    r = cli(db_url, "history", "--point", "M07", "--lang", "zh")
    assert r.returncode == 0 and "#2" in r.stdout and "0411-5555" in r.stdout and "批量导入" in r.stdout
    r = cli(db_url, "revert", "2")  # --by defaults to the operating-system user
    assert r.returncode == 0 and "reverted by change set 3" in r.stdout
    reg = Registry(db_url)
    assert reg.record("meal_points", "M07")[0]["phone"] is None and reg.version() == 3
    assert reg.changeset(3).published_by.startswith("cli:") and reg.changeset(2).published_by == "ops"
    reg.dispose()
    r = cli(db_url, "status")
    assert r.returncode == 0 and "published version: 3" in r.stdout and "meal_points 60" in r.stdout


def test_refusals_exit_one(db_url, tmp_path):
    cli(db_url, "init")
    r = cli(db_url, "revert", "1", "--by", "ops")
    assert r.returncode == 1 and "cannot be reverted" in r.stderr and "Traceback" not in r.stderr
    bad = tmp_path / "bad.csv"
    df = meal_points_csv()
    df.loc[3, "lat"] = "north"
    bad.write_bytes(to_bytes(df))
    r = cli(db_url, "import", "meal_points", bad, "--by", "ops")
    assert r.returncode == 1 and "row 4" in r.stdout and "Traceback" not in r.stderr
    r = cli(db_url, "import", "meal_points", tmp_path / "missing.csv", "--by", "ops")
    assert r.returncode == 1


@pytest.mark.parametrize(
    "args", [("import", "meal_points", "f.csv"), ("import", "nope", "f.csv", "--by", "x"), ("frobnicate",), ()]
)
def test_usage_errors_exit_two(args):
    r = cli("sqlite:///unused.db", *args)
    assert r.returncode == 2


def test_add_editor_reads_password_from_stdin(db_url):
    r = cli(db_url, "add-editor", "alice", "--publisher", stdin="a long password\n")
    assert r.returncode == 0, r.stderr
    assert "a long password" not in r.stdout + r.stderr
    reg = Registry(db_url)
    actor = reg.sign_in("alice", "a long password", client="t")
    assert actor.publisher and actor.via == "local"
    r = cli(db_url, "add-editor", "bob", stdin="")
    assert r.returncode == 1 and "no password" in r.stderr
    r = cli(
        db_url,
        "add-editor",
        "carol",
        stdin="short\n",
    )
    assert r.returncode == 1 and "at least 8" in r.stderr
    r = cli(db_url, "add-editor", "Dee", "--oidc", "dee@example.org")
    assert r.returncode == 0 and reg.oidc_actor("dee@example.org").name == "Dee"
    reg.dispose()


def test_export_and_restore(db_url, tmp_path):
    cli(db_url, "init")
    r = cli(db_url, "export", tmp_path / "b")
    assert r.returncode == 0 and (tmp_path / "b" / "history.json").exists()
    target = f"sqlite:///{tmp_path / 'restored.db'}"
    r = cli(target, "restore", tmp_path / "b", "--by", "ops")
    assert r.returncode == 0, r.stderr
    r = cli(target, "restore", tmp_path / "b", "--by", "ops")
    assert r.returncode == 1 and "empty registry" in r.stderr
