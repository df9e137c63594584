"""The coverage page in headless Chromium with every non-loopback request blocked: the
choropleth (25 paths, several fill colours), the legend (metric, breaks, R), a tap adding a
what-if point, the phone layout, and the exported map HTML opening offline."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.support.browser import LOOPBACK, MAP_IFRAME, chromium_available, map_frame, new_page

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not chromium_available(), reason="no chromium")]

SHOTS = Path(__file__).resolve().parents[2] / ".shots"
FILLS_JS = """() => Array.from(document.querySelectorAll('path.leaflet-interactive'))
  .map(p => p.getAttribute('fill')).filter(f => f && f.startsWith('#'))"""


def open_page(page, base, query=""):
    page.goto(base + "/coverage" + query)
    f = map_frame(page)
    f.locator(".cv-legend").wait_for(state="attached", timeout=30_000)
    return f


def summary_text(page) -> str:
    return page.locator(".cvk-strip").inner_text()


def assert_clean(page):
    assert page.dialogs == [], page.dialogs
    assert all(h not in LOOPBACK for h in page.blocked)


def test_choropleth_legend_and_tap_adds_whatif(server, chromium):
    page = new_page(chromium, 1280, 800)
    f = open_page(page, server)
    fills = f.locator("body").evaluate(FILLS_JS)
    assert len(fills) >= 25 and len(set(fills)) >= 2  # 25 subdistrict polygons (+ meal circles)
    assert f.locator("path.cv-meal").count() == 60
    lg = f.locator(".jp-legend")
    assert not lg.evaluate("e => e.classList.contains('collapsed')")
    text = lg.inner_text()
    assert "R 范围内的面积比例" in text and "R = 500 米（直线）" in text and "分位数" in text
    assert f.locator(".cv-legend .cv-class").count() == 5 and "%" in text
    assert f.locator("path.cv-gap").count() >= 1  # the hatched gap layer is drawn
    before = summary_text(page)
    assert "25 / 25" in before and "60" in before
    SHOTS.mkdir(exist_ok=True)
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "coverage_1280x800.png"))
    # tap the map inside a northern (under-served) subdistrict: a what-if point appears
    box = f.locator(".leaflet-container").bounding_box()
    target = f.locator("path.leaflet-interactive[stroke-width='3.5']").first
    tb = target.bounding_box()
    page.mouse.click(tb["x"] + tb["width"] * 0.5, tb["y"] + tb["height"] * 0.5)
    f.locator(".leaflet-marker-icon .cv-wi").first.wait_for(timeout=20_000)
    page.wait_for_function(
        "() => document.querySelector('.cvk-strip') && document.querySelector('.cvk-strip').innerText.includes('61')",
        timeout=20_000,
    )
    after = summary_text(page)
    assert after != before and "试加点后" in after
    assert "试加点（1 个）" in f.locator(".jp-legend").inner_text()
    assert box is not None
    page.screenshot(path=str(SHOTS / "coverage_whatif_1280x800.png"))
    # remove it again
    page.get_by_role("button", name="删除", exact=True).first.click()
    page.wait_for_function("() => !document.querySelector('.cvk-strip').innerText.includes('试加点后')", timeout=20_000)
    assert_clean(page)
    page.context.close()


def test_phone_layout(server, chromium):
    page = new_page(chromium, 390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
    f = open_page(page, server, "?lang=en")
    assert f.locator(".jp-legend").evaluate("e => e.classList.contains('collapsed')")
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    SHOTS.mkdir(exist_ok=True)
    page.locator(MAP_IFRAME).scroll_into_view_if_needed()
    page.screenshot(path=str(SHOTS / "coverage_390x844.png"))
    f.locator(".jp-legend-toggle").click()
    assert "Share of area within R" in f.locator(".jp-legend").inner_text()
    assert_clean(page)
    page.context.close()


def test_exported_map_html_opens_offline(chromium, tmp_path):
    from geo.core import coverage as cv
    from geo.data.loader import load_bundled
    from geo.maps import coverage as mp
    from geo.views import coverage as pl

    ds = load_bundled()
    m = cv.subdistrict_metrics(ds.subdistricts, ds.meal_points, 500, cell_m=400)
    ch = pl.choropleth(m, "covered_share")
    nm = pl.subdistrict_names(ds.subdistricts, "zh")
    v = pl.View()
    layers = [
        mp.choropleth_layer(ds.subdistricts, ch, pl.tooltips(ch, nm, "zh"), "blank"),
        mp.meal_layer(ds.meal_points, "zh", "blank", nm),
        mp.whatif_layer([(121.75, 39.45)], v, "zh"),
    ]
    path = tmp_path / "map.html"
    path.write_bytes(pl.export_map_html(layers, pl.legend_html(ch, v, "zh", 1), "zh", "blank", "t"))
    page = new_page(chromium, 1000, 700)
    page.set_content(path.read_text(encoding="utf-8"))  # as a file: any external request is blocked and logged
    page.locator(".leaflet-container").wait_for(timeout=10_000)
    page.locator(".cv-legend").wait_for(timeout=10_000)
    assert page.locator("path.leaflet-interactive").count() >= 25 + 60
    assert page.locator(".leaflet-marker-icon .cv-wi").count() == 1
    assert page.blocked == [] and page.dialogs == []
    page.context.close()
