"""geo.maps.external: layer scripts of shared data served as static files."""

from __future__ import annotations

import re

import pytest

from geo.maps import external
from geo.maps.external import LAYERS_URL, external_body, loaded_keys, publish_script


def test_publish_once_by_content_and_read_back(tmp_path):
    body = "group.addLayer(L.marker([39, 121])); // 助餐点 `${x}` </script>"
    key = publish_script(body, tmp_path)
    assert re.fullmatch(r"[0-9a-f]{24}", key)
    f = tmp_path / f"{key}.js"
    text = f.read_text(encoding="utf-8")
    assert text.startswith(f'(window.jpLayerBodies = window.jpLayerBodies || {{}})["{key}"] = function (group, map) {{')
    assert external_body(key, tmp_path) == body
    mtime = f.stat().st_mtime_ns
    assert publish_script(body, tmp_path) == key and f.stat().st_mtime_ns == mtime  # written once
    assert publish_script(body + " ", tmp_path) != key  # another content, another file
    assert not list(tmp_path.glob(".*.tmp"))  # no temporary file left behind


def test_the_folder_is_bounded(tmp_path, monkeypatch):
    monkeypatch.setattr(external, "MAX_FILES", 3)
    keys = [publish_script(f"var a = {i};", tmp_path) for i in range(6)]
    assert len(list(tmp_path.glob("*.js"))) == 3
    assert (tmp_path / f"{keys[-1]}.js").exists()


def test_loaded_keys_finds_the_loaders_in_order():
    a, b = "a" * 24, "0123456789abcdef01234567"
    script = f'x; s.src = "{LAYERS_URL}/{a}.js"; y; s.src = "{LAYERS_URL}/{b}.js";'
    assert loaded_keys(script) == [a, b]
    assert loaded_keys("nothing here") == []


@pytest.mark.parametrize("shared", [True, False])
def test_only_shared_data_goes_to_files(shared):
    """An upload (a session's own data) stays in its own messages, never in a public file."""
    from geo.data.loader import load_bundled
    from geo.views import overview as ov

    ds = load_bundled()
    if not shared:
        meals = ds.meal_points.copy()
        meals.loc[meals.index[0], "name_zh"] = "我上传的助餐点"
        ds = ds.replace("meal_points", meals, "mine.csv")
    scope = ov.Scope.of(ds)
    m = ov.map_base(scope.default_view(), "zh")
    for g in ov.map_layers(ds, scope.default_view(), scope, "zh"):
        g.add_to(m)
    js = m.get_root().render()
    assert len(loaded_keys(js)) == (4 if shared else 0)
    assert ("我上传的助餐点" in js) is (not shared)


def test_a_crowd_builds_each_entry_once():
    """Twenty threads asking at once for one missing key: one build, every thread gets its value;
    a failed build leaves the key to the next asker."""
    import threading
    import time

    from geo.maps.cache import Lru

    cache: Lru[str] = Lru(max_entries=4)
    builds = []

    def build():
        builds.append(1)
        time.sleep(0.2)  # long enough for every thread to arrive while it runs
        return "layer"

    got = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("k", build))) for _ in range(20)]
    for th in threads:
        th.start()
    for th in threads:
        th.join(10)
    assert got == ["layer"] * 20 and len(builds) == 1 and cache.misses == 1 and cache.hits == 19

    def fail():
        raise RuntimeError("no data")

    with pytest.raises(RuntimeError):
        cache.get("bad", fail)
    assert cache.get("bad", lambda: "second try") == "second try"
