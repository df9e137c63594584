"""The overview page in headless Chromium with every non-loopback request blocked:
marker counts per filter (the meal points clustered at low zoom: a circle counts its
points), popups and their ways to a point, click -> details, a click on a cluster zooms
and selects nothing, phone layout, and hostile names."""

from __future__ import annotations

import json
from pathlib import Path
from urllib.parse import urlencode

import pandas as pd
import pytest

from geo.data.loader import DATA_DIR, load_bundled
from geo.views import overview as ov
from tests.support.browser import LOOPBACK, MAP_IFRAME, chromium_available, map_frame, new_page, streamlit_server

pytestmark = [pytest.mark.browser, pytest.mark.skipif(not chromium_available(), reason="no chromium")]

HOSTILE = "<img src=x onerror=alert(1)>${alert(1)}`</script><script>alert(1)</script>"
SHOTS = Path(__file__).resolve().parents[2] / ".shots"
HOSTILE_SUB = "210213009000"  # 先进, where project P11 is


def write_hostile(folder: Path) -> Path:
    """The bundled data with hostile names in a project, a meal point and a subdistrict."""
    folder.mkdir(parents=True, exist_ok=True)
    p = pd.read_csv(DATA_DIR / "projects.csv", dtype=str, keep_default_na=False)
    for col in ("name_zh", "name_en", "summary_zh", "summary_en"):
        p.loc[p["id"] == "P11", col] = "P11 " + HOSTILE
    p.to_csv(folder / "projects.csv", index=False)
    m = pd.read_csv(DATA_DIR / "meal_points.csv", dtype=str, keep_default_na=False)
    for col in ("name_zh", "name_en", "address"):
        m.loc[m["id"] == "M14", col] = "M14 " + HOSTILE  # a meal point in 先进
    m.to_csv(folder / "meal_points.csv", index=False)
    g = json.loads((DATA_DIR / "subdistricts.geojson").read_text(encoding="utf-8"))
    for f in g["features"]:
        if f["properties"]["code"] == HOSTILE_SUB:
            f["properties"]["name_zh"] = "S " + HOSTILE
            f["properties"]["name_en"] = "S " + HOSTILE
    (folder / "subdistricts.geojson").write_text(json.dumps(g, ensure_ascii=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


def count(frame, sel: str) -> int:
    return frame.locator(sel).count()


def open_view(page, server_url: str, params: dict | None = None):
    page.goto(server_url + "/" + (("?" + urlencode(params)) if params else ""))
    frame = map_frame(page)
    frame.locator(".jp-legend").wait_for()
    return frame


def wait_count(page, sel: str, n: int, timeout=15_000):
    page.wait_for_function(
        "([f, s, n]) => { const d = document.querySelector(f)?.contentDocument;"
        " return !!d && d.querySelectorAll(s).length === n; }",
        arg=[MAP_IFRAME, sel, n],
        timeout=timeout,
    )


# The meal points the map shows: single markers plus the number each cluster circle
# holds (geo/maps/assets/cluster.js writes it in data-n); and the markers the clusters
# hold in the map's script (Leaflet.markercluster's groups).
MEALS_SHOWN = (
    "d => d.querySelectorAll('.jp-meal').length"
    " + [...d.querySelectorAll('.jp-cluster[data-n]')].reduce((s, e) => s + Number(e.dataset.n), 0)"
)
MEALS_IN_GROUPS = (
    "() => { let n = 0; map.eachLayer(l => { if (L.MarkerClusterGroup && l instanceof L.MarkerClusterGroup)"
    " n += l.getLayers().length; }); return n; }"
)


def wait_meals(page, n: int, timeout=15_000):
    """Wait until the map shows ``n`` meal points, singles and clustered together."""
    page.wait_for_function(
        "([f, n]) => { const d = document.querySelector(f)?.contentDocument;"
        f" return !!d && !!d.querySelector('.leaflet-container') && ({MEALS_SHOWN})(d) === n; }}",
        arg=[MAP_IFRAME, n],
        timeout=timeout,
    )


def meals_shown(frame) -> int:
    return frame.locator("body").evaluate(f"b => ({MEALS_SHOWN})(b.ownerDocument)")


def meals_in_groups(frame) -> int:
    return frame.locator("body").evaluate(MEALS_IN_GROUPS)


def reveal(frame, meal_id: str) -> None:
    """Tap the circles that hold the meal point ``meal_id`` until it stands alone on the map,
    as a resident does (each tap zooms in: geo/maps/assets/cluster.js), so that its marker
    can be clicked."""
    tap = """(b, id) => { let hit = null;
      map.eachLayer(g => { if (!(L.MarkerClusterGroup && g instanceof L.MarkerClusterGroup)) return;
        for (const m of g.getLayers()) if ((m.options.icon?.options.html || '').includes('data-id="' + id + '"')) hit = m; });
      if (!hit || hit._icon) return 'shown';
      let c = hit.__parent; while (c && !c._icon) c = c.__parent;
      if (!c) return 'none';
      c._icon.dispatchEvent(new MouseEvent('click', {bubbles: true, cancelable: true}));
      return 'tapped'; }"""
    for _ in range(10):
        if frame.locator("body").evaluate(tap, meal_id) == "shown":
            break
        frame.locator("body").page.wait_for_timeout(700)  # the zoom and the cluster animation
    frame.locator(f'.jp-meal[data-id="{meal_id}"]').wait_for()


def assert_clean(page):
    assert page.dialogs == [], page.dialogs
    assert all(h not in LOOPBACK for h in page.blocked)


def test_desktop_default_popups_and_click_details(server, chromium, ds):
    page = new_page(chromium, 1280, 800)
    f = open_view(page, server)
    located = ds.projects[ds.projects["lat"].notna()]
    wait_meals(page, len(ds.meal_points))
    assert meals_in_groups(f) == len(ds.meal_points)
    assert count(f, ".jp-cluster") >= 1 and count(f, ".jp-meal") < len(ds.meal_points)  # clustered at this zoom
    assert count(f, ".jp-proj") == len(located)
    assert f.locator(".jp-district-wide").get_attribute("data-n") == str(len(ds.projects) - len(located))
    assert count(f, "path.leaflet-interactive") >= len(ds.subdistricts)
    assert "图例" in f.locator(".jp-legend").inner_text()
    assert not f.locator(".jp-legend").evaluate("e => e.classList.contains('collapsed')")
    # the page CSS (ui/assets/base.css): the KPI strip is a grid
    assert page.locator(".ovk-strip").evaluate("e => getComputedStyle(e).display") == "grid"
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview_1280x800.png"))
    # a meal point (out of its cluster): popup, then the details panel beside the map
    reveal(f, "M28")
    f.locator('.jp-meal[data-id="M28"]').dispatch_event("click")
    pop = f.locator(".leaflet-popup-content")
    pop.wait_for()
    txt = pop.inner_text()
    assert "石城社区居家养老服务中心便民食堂" in txt and "湾里西23号楼一层" in txt and "未公布" in txt and "示意" in txt
    # its ways (geo.data.directions, subdistrict precision): by name, then 12345; never to its position
    links = pop.locator("a.jp-dir-a")
    hrefs = [links.nth(i).get_attribute("href") for i in range(links.count())]
    assert hrefs and "tel:12345" in hrefs and all("navigation" not in h and "direction" not in h for h in hrefs)
    assert all(links.nth(i).get_attribute("target") == "_blank" for i in range(links.count()))
    assert all(links.nth(i).get_attribute("rel") == "noopener" for i in range(links.count()))
    assert "12345" in pop.locator(".jp-dir-why").inner_text()
    page.get_by_text("湾里西23号楼一层").last.wait_for(timeout=10_000)  # details panel (main page)
    page.wait_for_function("() => decodeURIComponent(location.search).includes('sel=m:M28')", timeout=10_000)
    assert pop.is_visible()  # the rerun did not close the popup (feature groups unchanged)
    panel = page.locator(".ovd-dir a")
    assert panel.count() == len(hrefs) and panel.first.get_attribute("target") == "_blank"
    assert "tel:12345" in [panel.nth(i).get_attribute("href") for i in range(panel.count())]
    # the district-wide anchor lists its projects
    f.locator(".jp-district-wide").dispatch_event("click")
    f.locator(".jp-dw-item").first.wait_for()
    assert count(f, ".jp-dw-item") == len(ds.projects) - len(located)
    # a located project
    f.locator('.jp-proj[data-id="P11"]').dispatch_event("click")
    pp = f.locator(".leaflet-popup-content", has_text="响泉小区")
    pp.wait_for()
    assert "35" in pp.inner_text() and "位置精度" in pp.inner_text()
    assert_clean(page)
    page.context.close()


@pytest.mark.parametrize(
    "params",
    [
        {"sectors": "urban_renewal", "lang": "en"},
        {"sectors": "education,medical", "sub": "210213008000", "base": "osm"},
        {"layers": "sub,meal", "q": "湾里"},
    ],
)
def test_marker_counts_follow_the_url_view(server, chromium, ds, params):
    page = new_page(chromium, 1280, 800)
    f = open_view(page, server, params)
    v = ov.view_from_params(params, ov.Scope.of(ds))
    pr = ov.filter_projects(ds.projects, v) if "proj" in v.layers else ds.projects.iloc[0:0]
    me = ov.filter_meal_points(ds.meal_points, v) if "meal" in v.layers else ds.meal_points.iloc[0:0]
    wait_meals(page, len(me))
    assert meals_in_groups(f) == len(me)
    assert count(f, ".jp-proj") == int(pr["lat"].notna().sum())
    wide = int(pr["lat"].isna().sum())
    assert count(f, ".jp-district-wide") == (1 if wide else 0)
    if wide:
        assert f.locator(".jp-district-wide").get_attribute("data-n") == str(wide)
    if params.get("lang") == "en":
        assert "Legend" in f.locator(".jp-legend").inner_text()
        page.get_by_text("Projects shown").wait_for()
    assert_clean(page)
    page.context.close()


def test_sectors_survive_a_search_that_changes_their_counts(server, chromium, ds):
    """The sector picker's labels carry counts, and a multiselect's value comes back from
    the browser as labels: a search that changes the counts must not empty the sectors."""
    page = new_page(chromium, 1280, 800)
    open_view(page, server)
    located = int(ds.projects["lat"].notna().sum())
    wait_count(page, ".jp-proj", located)
    box = page.locator(".st-key-ov_q input")
    box.fill("zzzz-no-such")
    box.press("Enter")
    wait_meals(page, 0)
    page.get_by_text("(0)").first.wait_for(state="attached")  # the labels now count 0
    box.fill("")
    box.press("Enter")
    wait_meals(page, len(ds.meal_points))
    wait_count(page, ".jp-proj", located)
    assert "sectors=" not in page.url
    assert_clean(page)
    page.context.close()


def _box(frame, sel: str, i: int = 0) -> dict:
    return frame.locator(sel).nth(i).bounding_box()


def _zoom(frame) -> float:
    return frame.locator("body").evaluate("() => map.getZoom()")


def test_a_click_on_a_cluster_zooms_and_selects_nothing(server, chromium, ds):
    """A cluster's circle is no record: a click (or Enter) on it zooms the map in and the page
    selects nothing (the page matches map clicks to records by position, and a circle sits
    at its points' mean position); a click on a single point still selects that point."""
    page = new_page(chromium, 1280, 800)
    f = open_view(page, server, {"base": "blank"})
    wait_meals(page, len(ds.meal_points))
    page.locator(MAP_IFRAME).evaluate("e => e.scrollIntoView({block: 'end'})")
    z0 = _zoom(f)
    # the largest circle, clicked with the mouse at its centre, as a person does
    ns = [int(x) for x in f.locator(".jp-cluster").evaluate_all("es => es.map(e => e.dataset.n)")]
    big = ns.index(max(ns))
    b = _box(f, ".jp-cluster-icon", big)
    page.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    page.wait_for_function(
        "([f, z]) => { const w = document.querySelector(f).contentWindow; return w.map.getZoom() > z; }",
        arg=[MAP_IFRAME, z0],
    )
    page.wait_for_timeout(1500)  # a rerun, if the click had reached the page, would have happened by now
    assert "sel=" not in page.url
    assert page.get_by_text("点击地图上的项目、助餐点或街道").count() == 1  # the details hint: nothing selected
    wait_meals(page, len(ds.meal_points))  # the numbers split, the total stays
    # the keyboard: Enter on a focused circle zooms in too (back at the first zoom)
    f.locator("body").evaluate("(b, z) => map.setZoom(z, {animate: false})", z0)
    f.locator(".jp-cluster-icon").first.wait_for()
    page.wait_for_timeout(500)
    z1 = _zoom(f)
    f.locator(".jp-cluster-icon").first.focus()
    page.keyboard.press("Enter")
    page.wait_for_function(
        "([f, z]) => { const w = document.querySelector(f).contentWindow; return w.map.getZoom() > z; }",
        arg=[MAP_IFRAME, z1],
    )
    page.wait_for_timeout(800)
    assert "sel=" not in page.url
    # a single point, clicked with the mouse: its record is selected (matched by position)
    mid = f.locator("body").evaluate(
        """() => { for (const e of document.querySelectorAll('.jp-meal')) {  // one on screen, on top
             const r = e.getBoundingClientRect(), x = r.left + r.width / 2, y = r.top + r.height / 2;
             if (x > 0 && y > 0 && x < innerWidth && y < innerHeight && e.contains(document.elementFromPoint(x, y)))
               return e.dataset.id; } return null; }"""
    )
    assert mid, "no meal point alone on screen"
    b = f.locator(f'.jp-meal[data-id="{mid}"]').bounding_box()
    page.mouse.click(b["x"] + b["width"] / 2, b["y"] + b["height"] / 2)
    page.wait_for_function("id => decodeURIComponent(location.search).includes('sel=m:' + id)", arg=mid, timeout=10_000)
    assert_clean(page)
    page.context.close()


def test_phone_layout_legend_folds_and_no_horizontal_scroll(server, chromium, ds):
    page = new_page(chromium, 390, 844, is_mobile=True, has_touch=True, device_scale_factor=2)
    f = open_view(page, server)
    wait_meals(page, len(ds.meal_points))
    legend = f.locator(".jp-legend")
    assert legend.evaluate("e => e.classList.contains('collapsed')")  # never covers a phone's map
    # on a phone the map comes before the filters (ui/assets/base.css)
    order = "e => getComputedStyle(e).order"
    assert page.locator(".st-key-ov_map").evaluate(order) == "1"
    assert page.locator(".st-key-ov_filters").evaluate(order) == "2"
    assert page.evaluate("document.documentElement.scrollWidth") <= 390
    # the district-wide box covers no marker, and is drawn below them all
    dw = _box(f, ".jp-dw-anchor")
    n_icons = count(f, ".leaflet-marker-icon.leaflet-interactive")
    for i in range(n_icons):
        el = f.locator(".leaflet-marker-icon.leaflet-interactive").nth(i)
        if "jp-dw-anchor" in (el.get_attribute("class") or ""):
            continue
        m = el.bounding_box()
        assert (
            m["x"] >= dw["x"] + dw["width"]
            or m["x"] + m["width"] <= dw["x"]
            or m["y"] >= dw["y"] + dw["height"]
            or m["y"] + m["height"] <= dw["y"]
        ), (el.inner_html()[:80], m, dw)
    frame_w = page.locator(MAP_IFRAME).bounding_box()
    assert frame_w["x"] <= dw["x"] and dw["x"] + dw["width"] <= frame_w["x"] + frame_w["width"]  # not clipped
    z = f.locator(".leaflet-marker-icon").evaluate_all("es => es.map(e => [e.className, +e.style.zIndex])")
    dw_z = next(zi for c, zi in z if "jp-dw-anchor" in c)
    assert all(dw_z < zi for c, zi in z if "jp-dw-anchor" not in c and "jp-sublabel" not in c)
    SHOTS.mkdir(exist_ok=True)
    page.screenshot(path=str(SHOTS / "overview_390x844.png"))
    f.locator(".jp-legend-toggle").click()
    assert not legend.evaluate("e => e.classList.contains('collapsed')")
    assert f.locator(".jp-legend-toggle").get_attribute("aria-expanded") == "true"
    assert_clean(page)
    page.context.close()


def test_hostile_names_show_as_text_everywhere(chromium, tmp_path_factory):
    folder = write_hostile(tmp_path_factory.mktemp("hostile"))
    with streamlit_server(env={"JINPU_DATA_DIR": str(folder)}) as base:
        page = new_page(chromium, 1280, 800)
        f = open_view(page, base, {"sub": HOSTILE_SUB, "sel": "p:P11"})
        # legend (the active subdistrict's name) and the details panel, as text
        f.locator(".jp-legend .scope").wait_for()
        assert HOSTILE in f.locator(".jp-legend .scope").inner_text()
        page.get_by_text("P11 " + HOSTILE).first.wait_for(timeout=10_000)
        # popups: project and meal point
        f.locator('.jp-proj[data-id="P11"]').dispatch_event("click")
        pop = f.locator(".leaflet-popup-content", has_text="P11")
        pop.wait_for()
        assert HOSTILE in pop.inner_text()
        reveal(f, "M14")
        f.locator('.jp-meal[data-id="M14"]').dispatch_event("click")
        f.locator(".leaflet-popup-content", has_text="M14").wait_for()
        assert "M14 " + HOSTILE in f.locator(".leaflet-popup-content", has_text="M14").inner_text()
        # tooltips: the marker's and the subdistrict's
        f.locator('.jp-meal[data-id="M14"]').dispatch_event("mouseover")
        f.locator(".leaflet-tooltip", has_text="M14").first.wait_for()
        assert HOSTILE in f.locator(".leaflet-tooltip", has_text="M14").first.inner_text()
        f.locator('path.leaflet-interactive[stroke-width="4"]').dispatch_event("mouseover")  # the chosen subdistrict
        f.locator(".leaflet-tooltip .jp-tip").first.wait_for()
        assert "S " + HOSTILE in f.locator(".leaflet-tooltip .jp-tip").first.inner_text()
        pages_text = page.inner_text("body")
        assert "S " + HOSTILE in pages_text or HOSTILE in pages_text  # subdistrict select / details
        page.wait_for_timeout(500)
        for ctx in (page, f):
            assert ctx.locator("img[src='x']").count() == 0
        assert page.dialogs == []
        assert_clean(page)
        page.context.close()


def test_a_layer_checkbox_acts_on_the_map_before_the_rerun(server, chromium, ds):
    """The map watches the page's layer checkboxes: a change shows or hides the layer at
    once. Here the checkbox's state is changed in the page's DOM as Streamlit's checkbox
    shows it (``data-selected`` and the input's state), without the click Streamlit turns into
    a widget change, so no rerun happens: what the map does, it does on its own."""
    page = new_page(chromium, 1280, 800)
    f = open_view(page, server)
    wait_meals(page, len(ds.meal_points))
    page.get_by_text("筛选").first.click()  # the expander with the layer toggles
    box = page.locator(f".st-key-{ov.layer_key('meal')} input[type=checkbox]")
    box.wait_for(state="attached")
    view_before = page.locator("[data-jp-view]").last.get_attribute("data-jp-view")

    def flip(on: bool) -> None:
        box.evaluate(
            "(el, on) => { el.checked = on; const w = el.closest('[data-testid=stCheckbox]');"
            " if (on) w.setAttribute('data-selected', 'true'); else w.removeAttribute('data-selected'); }",
            on,
        )

    flip(False)
    wait_meals(page, 0)
    assert f.locator(".jp-proj").count() > 0  # only the meal layer went
    flip(True)
    wait_meals(page, len(ds.meal_points))
    page.wait_for_timeout(500)
    # no rerun: the page's view payload is the one it had, and the checkbox's widget is unchanged
    assert page.locator("[data-jp-view]").last.get_attribute("data-jp-view") == view_before
    assert page.locator("[data-testid=stStatusWidget]").count() == 0
    assert_clean(page)
    page.context.close()
