"""Export, then restore into an empty registry: records, change sets and reports as they were."""

from __future__ import annotations

import json
import uuid

import pandas as pd
import pytest

from geo.data.registry import Registry, RegistryError
from geo.data.schema import LAYERS
from tests.support.postgres import fresh_database
from tests.unit.registry.conftest import ADMIN
from tests.unit.registry.helpers import all_rows


@pytest.fixture
def empty_url(reg, request, tmp_path):
    """Another empty database on the same backend."""
    if reg.url.startswith("sqlite"):
        yield f"sqlite:///{tmp_path / ('restored-' + uuid.uuid4().hex[:6] + '.db')}"
        return
    with fresh_database(request.getfixturevalue("pg_server")) as url:
        yield url


def busy(reg, publisher):
    reg.propose_edit(publisher, "meal_points", "M01", {"phone": "=1+1", "hours": "Mo-Fr 10:00-12:00"}, 1, publish=True)
    _, v = reg.record("meal_points", "M02")
    rm = reg.propose_remove(publisher, "meal_points", "M02", v, publish=True)
    reg.revert(publisher, rm.id)
    reg.propose_edit(publisher, "meal_points", "M03", {"phone": "pending"}, 1)
    a = reg.add_report(point_id="M04", kind="closed", text="<b>closed</b>", lat=None, lon=None, client="c")
    b = reg.add_report(point_id="M04", kind="closed", text="same", lat=None, lon=None, client="d")
    reg.merge_report(publisher, b, a)


def test_export_restore_is_lossless(reg, publisher, empty_url, tmp_path):
    busy(reg, publisher)
    paths = reg.export(tmp_path / "backup")
    names = sorted(p.name for p in paths)
    assert names == sorted(
        ["subdistricts.csv", "projects.csv", "meal_points.csv", "registry.gpkg", "history.json", "reports.json"]
    )
    history = json.loads((tmp_path / "backup" / "history.json").read_text(encoding="utf-8"))
    assert [c["id"] for c in history["changesets"]] == [1, 2, 3, 4, 5]
    before = all_rows(reg)
    version, ds = reg.published()

    target = Registry(empty_url)
    cs = target.restore(tmp_path / "backup", ADMIN)
    after = all_rows(target)
    assert (cs.source, cs.status, cs.id) == ("restore", "published", 6)
    assert cs.source_ref.startswith("history.json sha256:")
    assert after["records"] == before["records"]
    assert after["changes"] == before["changes"]
    assert after["reports"] == before["reports"]
    assert after["changesets"][:5] == before["changesets"]
    v2, ds2 = target.published()
    assert v2 == version + 1
    for key in LAYERS:
        pd.testing.assert_frame_equal(ds2.layer(key), ds.layer(key))
    # the restored registry carries on: new ids follow the restored ones
    nxt = target.propose_edit(ADMIN, "meal_points", "M05", {"phone": "7"}, 1)
    assert nxt.id == 7
    assert target.add_report(point_id="M05", kind="hours", text="", lat=None, lon=None, client="z") == 3
    target.dispose()


def test_restore_needs_an_empty_registry(reg, tmp_path):
    reg.export(tmp_path / "b")
    with pytest.raises(RegistryError) as err:
        reg.restore(tmp_path / "b", ADMIN)
    assert err.value.key == "reg.err.restore_not_empty"
    with pytest.raises(RegistryError) as err2:
        Registry(reg.url).restore(tmp_path / "nothing-here", ADMIN)
    assert err2.value.key == "reg.err.restore_bad"


def test_gpkg_holds_the_layers(reg, tmp_path):
    import geopandas as gpd

    reg.export(tmp_path)
    for key in LAYERS:
        assert len(gpd.read_file(tmp_path / "registry.gpkg", layer=key)) == len(reg.published()[1].layer(key))
