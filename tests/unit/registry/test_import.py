"""Batch imports: the diff, applying it whole, and a failure half-way that changes nothing."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.data.registry import Conflict, ImportRejected, RegistryError
from geo.data.registry import store as store_module
from tests.unit.registry.helpers import all_rows, meal_points_csv, to_bytes


def official_file() -> bytes:
    df = meal_points_csv()
    df.loc[df["id"] == "M01", "hours"] = "Mo-Fr 10:30-13:00"  # changed
    df.loc[df["id"] == "M02", ["phone", "seats"]] = ["0411-87654321", "30"]  # changed, two fields
    df.loc[df["id"] == "M03", "id"] = "X-77"  # another id, same name + subdistrict: matched by name
    df = df[df["id"] != "M04"]  # removed
    new = df.iloc[[0]].copy()
    new["id"], new["name_zh"], new["name_en"] = "M61", "新增助餐点", "New point"
    return to_bytes(pd.concat([df, new]))


def test_import_diff(reg, editor):
    d = reg.propose_import(editor, "meal_points", official_file(), "official.csv", note="2026 list")
    assert [c.record_id for c in d.added] == ["M61"]
    assert [c.record_id for c in d.changed] == ["M01", "M02"]
    assert [(f.field, f.before, f.after) for f in d.changed[0].fields] == [("hours", None, "Mo-Fr 10:30-13:00")]
    assert [(f.field, f.after) for f in d.changed[1].fields] == [("phone", "0411-87654321"), ("seats", 30)]
    assert [c.record_id for c in d.removed] == ["M04"]
    assert "M03" in d.unchanged and len(d.unchanged) == 57
    cs = d.changeset
    assert (cs.status, cs.source, cs.note) == ("proposed", "import", "2026 list")
    assert cs.source_ref.startswith("official.csv sha256:") and len(cs.source_ref.split(":")[1]) == 64
    assert len(cs.changes) == 4
    assert reg.version() == 1


def test_import_applied_whole(reg, editor, publisher):
    d = reg.propose_import(editor, "meal_points", official_file(), "official.csv")
    reg.publish(publisher, d.changeset.id)
    assert reg.version() == 2
    ids = reg.published()[1].meal_points["id"].tolist()
    assert "M04" not in ids and "M61" in ids and "M03" in ids and len(ids) == 60
    assert reg.record("meal_points", "M02")[0]["seats"] == 30


def test_import_discarded(reg, editor, publisher):
    d = reg.propose_import(editor, "meal_points", official_file(), "official.csv")
    reg.reject(publisher, d.changeset.id, "wrong file")
    assert reg.changeset_for(editor, d.changeset.id).status == "discarded"
    assert reg.version() == 1


def test_invalid_file_rejected_with_report(reg, editor):
    df = meal_points_csv()
    df.loc[50, "lat"] = "north"
    before = all_rows(reg)
    with pytest.raises(ImportRejected) as err:
        reg.propose_import(editor, "meal_points", to_bytes(df), "bad.csv")
    lines = err.value.report.lines("en")
    assert any("row 51" in line and "lat" in line for line in lines)
    assert all_rows(reg) == before


def test_identical_file_changes_nothing(reg, editor):
    with pytest.raises(RegistryError) as err:
        reg.propose_import(editor, "meal_points", to_bytes(meal_points_csv()), "same.csv")
    assert err.value.key == "reg.err.no_change"


def test_failure_half_way_leaves_registry_as_before(reg, editor, publisher, monkeypatch):
    d = reg.propose_import(editor, "meal_points", official_file(), "official.csv")
    before = all_rows(reg)
    real = store_module.apply_change
    calls = []

    def failing(conn, ch, cs_id, state):
        calls.append(ch.record_id)
        if len(calls) == 3:
            raise RuntimeError("the process dies here")
        real(conn, ch, cs_id, state)

    monkeypatch.setattr(store_module, "apply_change", failing)
    with pytest.raises(RuntimeError):
        reg.publish(publisher, d.changeset.id)
    assert len(calls) == 3
    assert all_rows(reg) == before  # every row of every table
    monkeypatch.setattr(store_module, "apply_change", real)
    reg.publish(publisher, d.changeset.id)
    assert reg.version() == 2


def test_import_conflicts_with_later_edit(reg, editor, publisher):
    d = reg.propose_import(editor, "meal_points", official_file(), "official.csv")
    edit = reg.propose_edit(publisher, "meal_points", "M02", {"phone": "1"}, 1, publish=True)
    before = all_rows(reg)
    with pytest.raises(Conflict) as err:
        reg.publish(publisher, d.changeset.id)
    assert err.value.theirs.id == edit.id
    assert all_rows(reg) == before


HOSTILE = [
    "'); DROP TABLE records;--",
    "<img src=x onerror=alert(1)>",
    '=HYPERLINK("http://evil.example","click")',
    "${alert(1)}",
    "`rm -rf /`",
    "+1+1",
    "@SUM(A1)",
    "\"quoted\", 'single'",
]


@pytest.mark.parametrize("payload", HOSTILE)
def test_hostile_strings_stay_text(reg, editor, publisher, tmp_path, payload):
    rid = reg.add_report(point_id="M01", kind="other", text=payload, lat=None, lon=None, client=payload)
    assert reg.report(editor, rid).text == payload
    cs = reg.propose_edit(publisher, "meal_points", "M01", {"address": payload, "price_note": payload}, 1, publish=True)
    assert reg.record("meal_points", "M01")[0]["address"] == payload
    df = meal_points_csv()
    df.loc[df["id"] == "M02", "name_en"] = payload
    df.loc[df["id"] == "M01", ["address", "price_note"]] = [payload, payload]  # as published
    d = reg.propose_import(editor, "meal_points", to_bytes(df), payload + ".csv", note=payload)
    reg.publish(publisher, d.changeset.id)
    pub = reg.published()[1].meal_points.set_index("id")
    assert pub.loc["M02", "name_en"] == payload and pub.loc["M01", "address"] == payload
    assert reg.changeset(cs.id).changes[0].after["address"] == payload
    assert reg.changeset(d.changeset.id).note == payload
    assert reg.version() == 3 and len(pub) == 60  # the records table is still there
    reg.export(tmp_path)
    exported = pd.read_csv(tmp_path / "meal_points.csv", dtype=str, keep_default_na=False, encoding="utf-8-sig")
    cells = exported.set_index("id")
    expected = "'" + payload if payload[0] in "=+-@" else payload
    assert cells.loc["M02", "name_en"] == expected and cells.loc["M01", "address"] == expected
    text_cols = [c for c in exported.columns if c not in ("lat", "lon", "subsidy_yuan", "seats")]
    assert not [v for c in text_cols for v in exported[c] if v[:1] and v[:1] in "=+-@"]
