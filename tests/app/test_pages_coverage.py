"""The planners' coverage page (AppTest): metric, radius and mode choice, what-if points
(tap, typed coordinates, remove), unavailable population metrics and uploaded figures,
suggested sites (greedy, exact, adopt), English."""

from __future__ import annotations

import json
import re
import shutil

import pytest

from geo.data.loader import DATA_DIR, load_bundled
from geo.views import coverage as pl
from tests.support.apptest import map_js, run_app

PAGE = "pages/coverage.py"


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def summary(at) -> str:
    return next(h.proto.body for h in at.get("html") if "cvk-strip" in h.proto.body)


def card(at, key: str) -> str:
    m = re.search(rf'data-key="{key}"><div class="cvk-v">([^<]*)</div>', summary(at))
    return m.group(1)


def whatif(at) -> tuple:
    """The what-if points in the page state (one session key)."""
    return at.session_state["cv_state"].whatif


def tap(at, lat: float, lng: float) -> None:
    """What the map's on_change callback records for a tap (the page applies it on the next run)."""
    at.session_state["cv_state"] = pl.record_click(
        at.session_state["cv_state"], {"last_clicked": {"lat": lat, "lng": lng}}
    )[0]


def legend(at) -> str:
    """The legend HTML the feature groups send (LegendUpdate: a JSON string in the script)."""
    js = map_js(at)
    # the legend HTML as a JSON string literal, passed to jpLegendUpdate (or set on window.__jpLegendDyn)
    m = re.search(r'(?:jpLegendUpdate\(|window\.__jpLegendDyn = )("(?:[^"\\]|\\.)*")', js)
    assert m, "no legend update in the map script"
    return json.loads(m.group(1))


@pytest.fixture(scope="module")
def at0():
    return run_app(PAGE)


def test_default_render_choropleth_legend_summary(at0):
    at = at0
    js = map_js(at)
    # one choropleth feature per subdistrict: each of the 25 codes exactly once
    codes = re.findall(r'"properties": \{"code": "([^"]+)"', js)
    assert sorted(codes) == sorted(map(str, load_bundled().subdistricts["code"])) and len(codes) == 25
    lg = legend(at)
    assert 'data-metric="covered_share"' in lg
    assert "R 范围内的面积比例" in lg and "R = 500 米（直线）" in lg
    assert lg.count("cv-class") == 5
    assert card(at, "subdistricts_with_points") == "25 / 25" and card(at, "points_total") == "60"
    assert "km²" in card(at, "covered_area_km2")
    # the table: worst first, under-served flagged
    df = at.dataframe[0].value
    assert "街道" in df.columns and len(df) == 25
    assert "服务不足的街道" in " ".join(m.value for m in at.markdown)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "指标表（CSV）" in labels and "当前地图（HTML）" in labels


def test_radius_and_mode_change_the_figures():
    at = run_app(PAGE)
    a500 = float(card(at, "covered_area_km2").split()[0].replace(",", ""))
    _ok(at.selectbox(key="cv_radius").set_value(1000).run())
    a1000 = float(card(at, "covered_area_km2").split()[0].replace(",", ""))
    assert a1000 > 2 * a500
    assert "R = 1000 米（直线）" in legend(at)
    _ok(at.selectbox(key="cv_mode").set_value("walking").run())
    aw = float(card(at, "covered_area_km2").split()[0].replace(",", ""))
    assert a500 < aw < a1000
    assert "步行 1000 米" in legend(at) and "769" in legend(at)


@pytest.mark.parametrize(
    ("metric", "scheme"),
    [
        ("mean_dist_m", "policy"),
        ("n_points", "fisher_jenks"),
        ("p90_dist_m", "quantiles"),
        ("points_per_10km2", "policy"),
    ],
)
def test_metric_and_scheme_choice(metric, scheme):
    at = run_app(PAGE)
    at.selectbox(key="cv_metric").set_value(metric)
    _ok(at.selectbox(key="cv_scheme").set_value(scheme).run())
    lg = legend(at)
    assert f'data-metric="{metric}"' in lg
    if metric == "mean_dist_m":
        assert "0 – 300" in lg and "300 – 500" in lg and "米" in lg
    if metric == "points_per_10km2" and scheme == "policy":
        assert any("分位数" in c.value for c in at.caption)  # the documented fallback is said
    assert not at.warning


def test_population_metric_unavailable_with_reason(at0):
    at = run_app(PAGE)
    _ok(at.selectbox(key="cv_metric").set_value("points_per_10k_60plus").run())
    text = " ".join(w.value for w in at.warning)
    assert "未公开" in text and "pop_total / pop_60plus" in text
    assert "不可用" in legend(at)
    assert at.selectbox(key="cv_metric").format_func("pop_weighted_covered_share").endswith("（不可用）")


def test_whatif_tap_updates_everything_and_remove():
    at = run_app(PAGE)
    before = card(at, "covered_area_km2")
    tap(at, 39.45, 121.75)
    _ok(at.run())
    assert whatif(at) == ((121.75, 39.45),)
    assert card(at, "points_total") == "61" and card(at, "covered_area_km2") != before
    assert "试加点后" in summary(at)
    js = map_js(at)
    assert 'class=\\"cv-wi\\"' in js or 'class="cv-wi"' in js
    assert "试加点（1 个）" in legend(at)
    df = at.dataframe[-1].value
    assert any(c.startswith("变化") for c in df.columns)
    assert any("已添加试加点 1" in s.value for s in at.success)
    # a tap outside the district is refused
    tap(at, 38.5, 121.0)
    _ok(at.run())
    assert len(whatif(at)) == 1 and any("不在" in w.value for w in at.warning)
    # typed coordinates
    at.text_input(key="cv_wi_text").set_value("39.30, 121.90")
    _ok(at.button(key="FormSubmitter:cv_wi_form-添加").click().run())
    assert len(whatif(at)) == 2 and card(at, "points_total") == "62"
    # remove the first, then all
    _ok(at.button(key="cv_rm_0").click().run())
    assert whatif(at) == ((121.9, 39.3),)
    _ok(at.button(key="cv_clear").click().run())
    assert whatif(at) == () and card(at, "points_total") == "60"
    assert "试加点后" not in summary(at)


def test_whatif_on_amap_base_shifts_the_tap_back():
    from geo.core.datum import wgs84_to_gcj02

    at = run_app(PAGE)
    _ok(at.selectbox(key="cv_base").set_value("amap").run())
    glon, glat = wgs84_to_gcj02(121.75, 39.45)
    tap(at, glat, glon)
    _ok(at.run())
    ((lon, lat),) = whatif(at)
    assert lon == pytest.approx(121.75, abs=1e-5) and lat == pytest.approx(39.45, abs=1e-5)


def test_suggestions_greedy_exact_adopt():
    at = run_app(PAGE)
    _ok(at.toggle(key="cv_sg_on").set_value(True).run())
    at.multiselect(key="cv_sg_focus").set_value(["210213028000", "210213027000"])
    _ok(at.number_input(key="cv_sg_k").set_value(3).run())
    infos = " ".join(i.value for i in at.info)
    assert "快速解" in infos and "上界" in infos
    js = map_js(at)
    assert js.count("cv-sg") >= 3 and "建议选址（3 个）" in legend(at)
    labels = [b.proto.label for b in at.get("download_button")]
    assert "建议选址（CSV）" in labels and "建议选址（GeoJSON）" in labels
    exact = at.button(key="cv_sg_exact")
    if not exact.disabled:
        _ok(exact.click().run())
    text = " ".join(x.value for x in list(at.success) + list(at.warning))
    assert ("最优（已证明）" in text) or ("已被证明是最优" in text) or ("时间限制" in text)
    _ok(at.button(key="cv_sg_adopt").click().run())
    assert len(whatif(at)) == 3 and card(at, "points_total") == "63"
    assert any("已把 3 个建议选址" in s.value for s in at.success)


def test_candidate_list():
    at = run_app(PAGE)
    _ok(at.toggle(key="cv_sg_on").set_value(True).run())
    _ok(at.radio(key="cv_sg_cmode").set_value("list").run())
    assert any("候选清单为空" in i.value for i in at.info)
    at.text_area(key="cv_sg_text").set_value("39.45, 121.75\nnot a point 1\n39.47, 121.80")
    _ok(at.number_input(key="cv_sg_k").set_value(1).run())
    assert any("第 2 行" in w.value for w in at.warning)
    assert map_js(at).count("data-rank=") >= 1


@pytest.fixture
def pop_data(tmp_path, monkeypatch):
    """A data folder whose subdistricts carry pop_total and pop_60plus, seeding a fresh
    registry (the app's caches cleared)."""
    from tests.support.registry import clear_ui_caches, fresh

    data = tmp_path / "data"
    data.mkdir()
    for p in DATA_DIR.iterdir():
        if p.is_file():
            shutil.copy(p, data / p.name)
    g = json.loads((data / "subdistricts.geojson").read_text(encoding="utf-8"))
    for i, f in enumerate(g["features"]):
        f["properties"]["pop_total"] = 20000 + 3000 * i
        f["properties"]["pop_60plus"] = 5000 + 500 * i
    (data / "subdistricts.geojson").write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    registry = fresh(monkeypatch, tmp_path, seed_dir=data, accounts=False).registry
    yield data
    registry.dispose()
    monkeypatch.delenv("JINPU_DATA_DIR")
    clear_ui_caches()


def test_population_metrics_appear_when_supplied(pop_data):
    at = run_app(PAGE)
    assert not at.selectbox(key="cv_metric").format_func("points_per_10k_60plus").endswith("（不可用）")
    _ok(at.selectbox(key="cv_metric").set_value("points_per_10k_60plus").run())
    assert not at.warning
    lg = legend(at)
    assert "每万名 60 岁以上老人助餐点数" in lg and "不可用" not in lg and lg.count("cv-class") == 5
    df = at.dataframe[-1].value
    assert any("人口加权" in c for c in df.columns)
    _ok(at.toggle(key="cv_sg_on").set_value(True).run())
    _ok(at.radio(key="cv_sg_weights").set_value("population").run())
    assert any("名 60 岁以上老人" in i.value for i in at.info)


def test_english_is_complete():
    at = run_app(PAGE, query={"lang": "en"})
    assert at.title[0].value == "Coverage analysis (planning)"
    lg = legend(at)
    assert "Share of area within R" in lg and "R = 500 m (straight line)" in lg
    body = summary(at)
    assert "Subdistricts with ≥ 1 meal point" in body
    assert not re.search(r"[\u4e00-\u9fff]", at.title[0].value + body)


def census(at) -> str:
    return next(c.value for c in at.caption if "301,759" in c.value)


def test_district_census_context_is_district_wide(at0):
    text = census(at0)
    assert "全区" in text and "1,545,491" in text and "19.5%" in text
    assert "60 ÷ 301,759 × 10,000 ≈ 1.99" in text  # from the 60 points in use
    assert "leiii/census" in text and "不分摊到各街道" in text
    # the per-subdistrict population metrics stay unavailable: nothing is spread over subdistricts
    assert at0.selectbox(key="cv_metric").format_func("points_per_10k_60plus").endswith("（不可用）")


def test_district_census_context_in_english():
    at = run_app(PAGE, query={"lang": "en"})
    text = census(at)
    assert "District context (2020 census, district-wide)" in text
    assert "Meal points per 10,000 aged 60+ (district, 2020 census): 60 / 301,759 × 10,000 ≈ 1.99" in text
    assert "never spread over subdistricts" in text
    assert not re.search(r"[\u4e00-\u9fff]", text)


def test_district_rate_counts_the_points_in_use():
    pts = load_bundled().meal_points
    assert pl.points_per_10k_60plus_district(60) == pytest.approx(1.9883, abs=1e-4)
    assert "30 / 301,759 × 10,000 ≈ 0.99" in pl.census_md(pts.head(30), "en")
