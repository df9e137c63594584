"""Dataset.fingerprint: the key of per-process caches built from a dataset."""

from geo.data.loader import load_bundled


def test_same_content_same_fingerprint():
    assert load_bundled().fingerprint == load_bundled().fingerprint


def test_any_cell_or_vertex_changes_it():
    ds = load_bundled()
    base = ds.fingerprint
    m = ds.meal_points.copy()
    m.loc[m.index[0], "phone"] = "0411-1"
    assert ds.replace("meal_points", m, "x.csv").fingerprint != base
    s = ds.subdistricts.copy()
    s.loc[s.index[0], "geometry"] = s.geometry.iloc[0].buffer(0.001)
    assert ds.replace("subdistricts", s, "x.geojson").fingerprint != base
