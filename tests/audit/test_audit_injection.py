"""Injection audit: a hostile dataset (tests/corpus/hostile.py: HTML, ${…}, backticks,
</script>, javascript: URLs and formula-like cells in every free-text field of every
record of all three layers) is loaded through the upload path of the Data page in one
headless-Chromium session, and then shown on every page that exists: every popup and
tooltip of every map, the legends, tables, selectbox options, detail panels and every
download button. No script may run, no dialog may open, no data may become markup, and
every exported CSV/GeoJSON/GeoPackage must carry formula-like cells neutralised.
"""

from __future__ import annotations

import csv
import io
import json

import pytest

from geo.data import csvsafe, export
from geo.data.loader import load_bundled, validate_bytes
from geo.data.schema import LAYERS
from tests.corpus import hostile
from tests.support.audit import EXERCISE_MAP, HOOK, check_frames, map_frames, pages, wait_idle
from tests.support.browser import browser, chromium_available, new_page, streamlit_server

FORMULA_START = csvsafe.FORMULA_START


# ---------------------------------------------------------------- exports, without a browser


def bad_cells(values) -> list[str]:
    """Text cells a spreadsheet would run as a formula."""
    return [v for v in values if isinstance(v, str) and v[:1] in FORMULA_START]


def csv_cells(data: bytes) -> list[str]:
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    return [c for r in rows[1:] for c in r]


def geojson_cells(data: bytes) -> list:
    obj = json.loads(data.decode("utf-8"))
    return [v for f in obj["features"] for v in f["properties"].values()]


def gpkg_cells(data: bytes, layer: str, tmp_path) -> list:
    import pyogrio

    p = tmp_path / f"{layer}.gpkg"
    p.write_bytes(data)
    df = pyogrio.read_dataframe(p, read_geometry=False)
    return [v for col in df.columns for v in df[col].tolist()]


@pytest.fixture(scope="module")
def hostile_dir(tmp_path_factory):
    return hostile.write(tmp_path_factory.mktemp("hostile"))


def test_hostile_files_pass_validation_with_warnings(hostile_dir):
    for layer, path in hostile_dir.items():
        report = validate_bytes(layer, path.read_bytes(), path.name)
        assert report.ok, report.summary("en")
        keys = {i.key for i in report.issues}
        assert "v.html_in_text" in keys and "v.formula_like" in keys, keys


@pytest.mark.parametrize("fmt", export.FORMATS)
def test_exports_of_hostile_data_are_neutralised(hostile_dir, fmt, tmp_path):
    ds = load_bundled(hostile_dir["meal_points"].parent)
    for layer in LAYERS:
        data = export.export(ds.layer(layer), layer, fmt)
        cells = (
            {"csv": csv_cells, "geojson": geojson_cells}[fmt](data)
            if fmt != "gpkg"
            else gpkg_cells(data, layer, tmp_path)
        )
        assert not bad_cells(cells), (layer, fmt, bad_cells(cells)[:3])
        assert any(isinstance(c, str) and c.startswith("'=") for c in cells), (layer, fmt)  # neutralised, not dropped
        assert any(isinstance(c, str) and "<script>alert('xss:script')</script>" in c for c in cells), (layer, fmt)


# ---------------------------------------------------------------- the browser audit


def _click_downloads(page, tmp_path) -> list[tuple[str, bytes]]:
    """Click every download button on the page (tab by tab); return (file name, bytes)."""
    got = []
    tabs = page.locator("[data-testid=stTabs] [role=tab]")
    for ti in range(max(1, tabs.count())):
        if tabs.count():
            tabs.nth(ti).click()
            page.wait_for_timeout(200)
        btns = page.locator("[data-testid=stDownloadButton] button:visible")
        for bi in range(btns.count()):
            label = btns.nth(bi).inner_text()
            try:
                with page.expect_download(timeout=120_000) as dl:  # some exports are built on click
                    btns.nth(bi).click()
                d = dl.value
            except Exception as exc:
                raise AssertionError(
                    f"download button {label!r} gave no file (see the server log "
                    f"$TMPDIR/streamlit-<port>.log): {type(exc).__name__}"
                ) from exc
            target = tmp_path / f"dl{len(got)}_{d.suggested_filename}"
            d.save_as(target)
            got.append((d.suggested_filename, target.read_bytes()))
            wait_idle(page)
    return got


def _check_download(name: str, data: bytes, tmp_path) -> None:
    if name.endswith(".csv"):
        cells = csv_cells(data)
    elif name.endswith((".geojson", ".json")):
        cells = geojson_cells(data)
    elif name.endswith(".gpkg"):
        cells = gpkg_cells(data, name[:-5], tmp_path)
    elif name.endswith(".html"):  # a standalone map export: no payload may appear as raw markup or code
        text = data.decode("utf-8", errors="replace")
        raw = [p for p in hostile.PAYLOADS if ("<" in p or "${" in p or "`" in p) and p in text]
        assert not raw, (name, raw[:3])
        assert "alert('xss:" not in text, name
        return
    else:
        return
    assert not bad_cells(cells), (name, bad_cells(cells)[:3])


def _open_first_select(page) -> None:
    """Open the first selectbox's option list (option labels carry data) and close it."""
    sel = page.locator("[data-testid=stMainBlockContainer] [data-testid=stSelectbox]:visible")
    if sel.count():
        sel.first.click()
        page.wait_for_timeout(300)
        page.keyboard.press("Escape")


@pytest.mark.browser
@pytest.mark.skipif(not chromium_available(), reason="no chromium")
def test_hostile_upload_on_every_page(hostile_dir, tmp_path):
    urls = pages()
    report: dict[str, dict] = {}
    with streamlit_server() as base, browser() as b:
        page = new_page(b, 1280, 900, accept_downloads=True)
        page.context.add_init_script(HOOK)
        page.set_default_timeout(30_000)
        # (a fresh server runs a deep-linked page file on its own, with Streamlit's
        # pages/-folder navigation, until app.py has run once: open the app first)
        page.goto(base + "/?lang=en")
        wait_idle(page)
        page.goto(base + "/data?lang=en")
        page.get_by_text("Upload to replace this layer").first.wait_for()
        wait_idle(page)

        # the upload path: one file per layer, in schema order (subdistricts first: the
        # other layers are cross-checked against them)
        for i, (_layer, path) in enumerate(hostile_dir.items()):
            named = tmp_path / f"hostile_{path.name}"
            named.write_bytes(path.read_bytes())
            page.locator("[data-testid=stTabs] [role=tab]").nth(i).click()
            page.locator("input[type=file]").nth(i).set_input_files(str(named))
            page.wait_for_function(
                'n => document.body.textContent.includes("your upload \'" + n + "\'")', arg=named.name, timeout=45_000
            )
            wait_idle(page)
        assert page.get_by_text("Using your uploaded data").count() >= 1

        # every page of the app, reached through the navigation (the same session)
        nav = page.locator("[data-testid=stSidebarNav] a")
        assert nav.count() == len(urls), (nav.count(), urls)
        for idx, url in enumerate(urls):
            name = url or "overview"
            nav.nth(idx).click()
            page.wait_for_function(
                "u => location.pathname.replace(/\\/$/, '').endsWith(u)", arg="/" + url if url else ""
            )
            wait_idle(page)
            assert page.get_by_text("Using your uploaded data").count() >= 1, name  # the hostile data is in use
            info = {"maps": 0, "popups": 0, "tooltips": 0, "downloads": []}
            texts = []

            # page-specific interactions that render more data
            if url == "finder":
                page.locator("[data-testid=stSelectbox]").first.click()
                page.get_by_role("option").first.click()
                page.wait_for_selector(".fd-item", timeout=30_000)
                wait_idle(page)
            elif url == "":
                for fr in map_frames(page):  # a click on a meal point fills the details panel (a rerun)
                    fr.locator(".jp-meal").first.dispatch_event("click")
                    page.wait_for_function("() => location.search.includes('sel=')", timeout=20_000)
                    wait_idle(page)
                    break
                page.locator("[data-testid=stTextInput] input").first.fill("<img src=x onerror=alert('xss:q')>")
                page.keyboard.press("Enter")
                wait_idle(page)
                page.locator("[data-testid=stTextInput] input").first.fill("")
                page.keyboard.press("Enter")
                wait_idle(page)
            elif url == "projects":
                sel = page.locator("[data-testid=stSelectbox]").last
                sel.scroll_into_view_if_needed()
                sel.locator("input").click()
                page.keyboard.press("ArrowDown")
                page.keyboard.press("ArrowDown")
                page.keyboard.press("Enter")
                wait_idle(page)
            _open_first_select(page)

            for fr in map_frames(page):
                fr.locator(".leaflet-container").wait_for()
                r = fr.evaluate(EXERCISE_MAP)
                info["maps"] += 1
                info["popups"] += r["popups"]
                info["tooltips"] += r["tips"]
                texts.append(r["text"])
            for fname, data in _click_downloads(page, tmp_path):
                _check_download(fname, data, tmp_path)
                info["downloads"].append(fname)

            page.wait_for_timeout(300)
            chk = check_frames(page)
            assert not chk["bad"], (name, chk["bad"])
            assert not chk["hits"], (name, chk["hits"])
            assert not page.dialogs, (name, page.dialogs)
            texts.append(chk["text"])
            info["hostile_text_shown"] = "xss:" in "\n".join(texts)
            report[name] = info

        assert not page.dialogs, page.dialogs
        # control: the same checks do see a payload that does run
        page.evaluate("document.body.insertAdjacentHTML('beforeend', `<img src=x onerror=\"alert('xss:control')\">`)")
        page.wait_for_function("() => (window.__xssHits || []).length > 0", timeout=10_000)
        assert page.dialogs == ["xss:control"] and check_frames(page)["bad"], (page.dialogs, check_frames(page)["bad"])
        # the only requests that left loopback were map tiles (the default base map's)
        assert all(h.endswith(("autonavi.com", "openstreetmap.org")) for h in page.blocked), set(page.blocked)
        page.context.close()

    print("\ninjection audit:", json.dumps(report, ensure_ascii=False))
    # the hostile strings were really on screen, as text, where data is shown
    for name in ("overview", "finder", "projects"):
        if name in report:
            assert report[name]["hostile_text_shown"], name
    if "overview" in report:
        ov = report["overview"]
        assert ov["popups"] >= 60 + 1 and ov["tooltips"] >= 60 + 25, ov
    if "data" in report:
        assert len(report["data"]["downloads"]) >= 3 * len(export.FORMATS), report["data"]
