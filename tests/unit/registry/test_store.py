"""The published state, edits, publishing, conflicts, roles, history and revert."""

from __future__ import annotations

import pandas as pd
import pytest

from geo.data.loader import load_bundled
from geo.data.registry import Actor, Conflict, ImportRejected, NotAllowed, RegistryError
from geo.data.schema import LAYERS
from tests.unit.registry.conftest import ADMIN


def test_seed_equals_bundled_data(reg):
    version, ds = reg.published()
    bundled = load_bundled()
    assert version == 1
    for key in LAYERS:
        pd.testing.assert_frame_equal(ds.layer(key), bundled.layer(key))
        assert ds.layer(key).crs == bundled.layer(key).crs
    assert ds.fingerprint == bundled.fingerprint
    assert ds.sources == {k: "registry" for k in LAYERS}
    seed = reg.changeset(1)
    assert (seed.source, seed.created_by, seed.status) == ("seed", "system", "published")
    assert seed.source_ref.startswith("data sha256:")
    assert len(seed.changes) == 25 + 30 + 60


def test_init_is_idempotent(reg):
    reg.init()
    assert reg.version() == 1
    assert [cs.id for cs in reg.history()] == [1]


def test_programme_year_is_stored(reg):
    doc, _v = reg.record("projects", "P01")
    assert doc["programme_year"] == 2025


def test_record_and_geometry(reg):
    doc, version = reg.record("subdistricts", "210213001000")
    assert version == 1 and doc["name_zh"] == "拥政街道" and doc["geometry"].startswith(("POLYGON", "MULTIPOLYGON"))
    assert reg.record("meal_points", "M99") is None


def test_version_bumps_only_on_publish(reg, editor, publisher):
    cs = reg.propose_edit(editor, "meal_points", "M01", {"phone": "0411-1234567"}, 1)
    assert cs.status == "proposed" and reg.version() == 1
    assert reg.record("meal_points", "M01")[0]["phone"] is None
    assert reg.published()[1].meal_points.loc[0, "phone"] is None
    done = reg.publish(publisher, cs.id)
    assert done.status == "published" and done.published_by == "pat" and done.published_at is not None
    assert done.published_at.tzinfo is not None
    assert reg.version() == 2
    doc, version = reg.record("meal_points", "M01")
    assert doc["phone"] == "0411-1234567" and version == 2
    assert reg.published()[1].meal_points.set_index("id").loc["M01", "phone"] == "0411-1234567"


def test_edit_is_validated(reg, editor):
    with pytest.raises(ImportRejected) as err:
        reg.propose_edit(editor, "meal_points", "M01", {"lat": 95.0}, 1)
    assert "lat" in err.value.message("en")
    with pytest.raises(RegistryError) as err2:
        reg.propose_edit(editor, "meal_points", "M01", {"colour": "red"}, 1)
    assert err2.value.key == "reg.err.unknown_field"
    with pytest.raises(RegistryError) as err3:
        reg.propose_edit(editor, "meal_points", "M01", {"lat": 39.108}, 1)
    assert err3.value.key == "reg.err.no_change"
    with pytest.raises(RegistryError) as err4:
        reg.propose_edit(editor, "meal_points", "M01", {"id": "M02"}, 1)
    assert err4.value.key == "reg.err.id_fixed"
    assert reg.pending_changesets(editor) == []


def test_edit_values_are_typed(reg, publisher):
    cs = reg.propose_edit(publisher, "meal_points", "M02", {"seats": "40", "subsidy_yuan": "2.5"}, 1, publish=True)
    assert cs.status == "published"
    doc, _ = reg.record("meal_points", "M02")
    assert doc["seats"] == 40 and doc["subsidy_yuan"] == 2.5


def test_reject_keeps_the_record(reg, editor, publisher):
    cs = reg.propose_edit(editor, "meal_points", "M03", {"phone": "123"}, 1)
    reg.reject(publisher, cs.id, "not verified")
    got = reg.changeset_for(editor, cs.id)
    assert (got.status, got.reason) == ("rejected", "not verified")
    assert reg.record("meal_points", "M03")[0]["phone"] is None
    with pytest.raises(RegistryError) as err:
        reg.publish(publisher, cs.id)
    assert err.value.key == "reg.err.changeset_state"


def test_add_and_remove(reg, publisher):
    cs = reg.propose_add(
        publisher,
        "meal_points",
        {
            "name_zh": "新助餐点",
            "name_en": "New point",
            "subdistrict_code": "210213001000",
            "lat": 39.109,
            "lon": 121.713,
            "location_precision": "surveyed",
            "verified_on": "2026-01-05",
        },
        publish=True,
    )
    rid = cs.changes[0].record_id
    assert rid == "M61" and cs.changes[0].op == "add"
    assert len(reg.published()[1].meal_points) == 61
    assert reg.published()[1].meal_points.iloc[-1]["id"] == "M61"
    _, version = reg.record("meal_points", rid)
    reg.propose_remove(publisher, "meal_points", rid, version, publish=True)
    assert reg.record("meal_points", rid) is None
    assert len(reg.published()[1].meal_points) == 60


def test_two_editors_same_point_conflict(reg, editor, publisher):
    """Both edit M05 from version 1: the second gets Conflict naming the first change set."""
    first = reg.propose_edit(editor, "meal_points", "M05", {"phone": "111"}, 1)
    second = reg.propose_edit(publisher, "meal_points", "M05", {"hours": "Mo-Fr 11:00-13:00"}, 1)
    reg.publish(publisher, first.id)
    with pytest.raises(Conflict) as err:
        reg.publish(publisher, second.id)
    assert err.value.theirs is not None and err.value.theirs.id == first.id
    assert str(first.id) in err.value.message("en") and "M05" in err.value.message("zh")
    # nothing lost: the first is published, the second still proposed with its change
    assert reg.record("meal_points", "M05")[0]["phone"] == "111"
    assert reg.changeset_for(publisher, second.id).status == "proposed"
    assert reg.changeset_for(publisher, second.id).changes[0].after["hours"] == "Mo-Fr 11:00-13:00"
    # a direct edit from the stale version is refused at once, naming the same change set
    with pytest.raises(Conflict) as err2:
        reg.propose_edit(editor, "meal_points", "M05", {"phone": "222"}, 1, publish=False)
    assert err2.value.theirs.id == first.id


def test_roles(reg, editor, publisher):
    cs = reg.propose_edit(editor, "meal_points", "M06", {"phone": "9"}, 1)
    with pytest.raises(NotAllowed) as err:
        reg.publish(editor, cs.id)
    assert err.value.key == "reg.err.not_publisher"
    # publish=True from an editor only proposes
    cs2 = reg.propose_edit(editor, "meal_points", "M07", {"phone": "9"}, 1, publish=True)
    assert cs2.status == "proposed"
    stranger = Actor("mallory", True, True, "local")
    for call in (
        lambda: reg.publish(stranger, cs.id),
        lambda: reg.pending_reports(stranger),
        lambda: reg.pending_changesets(stranger),
        lambda: reg.propose_edit(stranger, "meal_points", "M08", {"phone": "1"}, 1),
        lambda: reg.changeset_for(stranger, cs.id),
    ):
        with pytest.raises(NotAllowed):
            call()
    reg.remove_editor("pat")
    with pytest.raises(NotAllowed):
        reg.publish(publisher, cs.id)
    with pytest.raises(NotAllowed):  # a proposal is not public
        reg.changeset(cs.id)
    assert reg.version() == 1


def test_history_per_point_and_changeset(reg, publisher):
    a = reg.propose_edit(publisher, "meal_points", "M09", {"phone": "1"}, 1, publish=True)
    b = reg.propose_edit(publisher, "meal_points", "M10", {"phone": "2"}, 1, publish=True)
    c = reg.propose_edit(publisher, "meal_points", "M09", {"phone": "3"}, 2, publish=True)
    assert [cs.id for cs in reg.history(record_id="M09")] == [c.id, a.id, 1]
    assert [cs.id for cs in reg.history()] == [c.id, b.id, a.id, 1]
    h = reg.history(record_id="M09")[0]
    assert [(f.field, f.before, f.after) for f in h.changes[0].fields] == [("phone", "1", "3")]
    assert reg.history(record_id="M09")[-1].changes[0].record_id == "M09"
    got = reg.changeset(b.id)
    assert got.changes[0].record_id == "M10" and got.created_by == "pat"


def test_revert(reg, publisher):
    a = reg.propose_edit(publisher, "meal_points", "M11", {"phone": "1", "seats": 10}, 1, publish=True)
    r = reg.revert(publisher, a.id, note="wrong")
    assert (r.source, r.reverts, r.status, r.note) == ("revert", a.id, "published", "wrong")
    doc, version = reg.record("meal_points", "M11")
    assert doc["phone"] is None and doc["seats"] is None and version == 3
    assert reg.version() == 3
    # a change set whose record changed later cannot be reverted silently
    b = reg.propose_edit(publisher, "meal_points", "M12", {"phone": "1"}, 1, publish=True)
    c = reg.propose_edit(publisher, "meal_points", "M12", {"phone": "2"}, 2, publish=True)
    with pytest.raises(Conflict) as err:
        reg.revert(publisher, b.id)
    assert err.value.theirs.id == c.id
    with pytest.raises(RegistryError):
        reg.revert(publisher, 1)


def test_revert_of_add_and_remove(reg, publisher):
    _, v = reg.record("meal_points", "M13")
    rm = reg.propose_remove(publisher, "meal_points", "M13", v, publish=True)
    assert reg.record("meal_points", "M13") is None
    reg.revert(publisher, rm.id)
    doc, _ = reg.record("meal_points", "M13")
    assert doc["name_zh"] == load_bundled().meal_points.set_index("id").loc["M13", "name_zh"]
    assert reg.published()[1].meal_points["id"].tolist() == load_bundled().meal_points["id"].tolist()


def test_subdistrict_edit_validated_as_a_layer(reg, publisher):
    doc, v = reg.record("subdistricts", "210213001000")
    cs = reg.propose_edit(publisher, "subdistricts", "210213001000", {"pop_total": 12345}, v, publish=True)
    assert cs.status == "published"
    assert reg.record("subdistricts", "210213001000")[0]["pop_total"] == 12345
    assert reg.record("subdistricts", "210213001000")[0]["geometry"] == doc["geometry"]


def test_cli_actor_is_administrator(reg):
    cs = reg.propose_edit(ADMIN, "meal_points", "M14", {"phone": "5"}, 1, publish=True)
    assert cs.status == "published" and cs.published_by == "admin"


def test_publish_refused_when_it_would_leave_the_layers_invalid(reg):
    """Removing a subdistrict that meal points still name would leave the published data
    invalid for every page: the publish is refused and nothing changes."""
    from tests.unit.registry.helpers import all_rows

    _, version = reg.record("subdistricts", "210213001000")
    before = all_rows(reg)
    with pytest.raises(RegistryError) as err:
        reg.propose_remove(ADMIN, "subdistricts", "210213001000", version, publish=True)
    assert err.value.key == "reg.err.publish_invalid"
    assert "210213001000" in err.value.message("en") and err.value.message("zh").startswith("没有发布")
    assert all_rows(reg) == before and reg.version() == 1
    assert len(reg.published()[1].subdistricts) == 25


def test_default_database_follows_the_seed_folder(tmp_path, monkeypatch):
    """With no database named, files dropped into JINPU_DATA_DIR are what the app shows:
    each content of the folder has its own file; the bundled data keep .registry/jinpu.db."""
    import shutil

    from geo.data.loader import DATA_DIR
    from geo.data.registry import Registry
    from geo.data.registry.store import DEFAULT_DB, default_db_path

    a, b = tmp_path / "a", tmp_path / "b"
    for folder in (a, b):
        shutil.copytree(DATA_DIR, folder)
    assert default_db_path(None) == DEFAULT_DB == default_db_path(DATA_DIR)
    assert default_db_path(a) == default_db_path(b) != DEFAULT_DB  # same files, same registry
    csv = b / "meal_points.csv"
    csv.write_text(csv.read_text(encoding="utf-8").replace("Yongzheng meal point 1", "Official 1"), encoding="utf-8")
    assert default_db_path(b) != default_db_path(a)
    monkeypatch.delenv("JINPU_DB_URL", raising=False)
    monkeypatch.delenv("JINPU_DB_PATH", raising=False)
    monkeypatch.setenv("JINPU_DATA_DIR", str(b))
    reg = Registry.from_env()
    assert reg.url.endswith(default_db_path(b).name) and reg.seed_dir == b
