"""The app shell (AppTest): languages, the first map and its three layers, offline assets."""

from tests.support.apptest import folium_args, map_js, run_app


def test_default_language_is_chinese_and_map_has_three_layers():
    at = run_app()
    assert at.title[0].value == "金普惠民地图"
    js = map_js(at)
    assert js.count('class=\\"jp-meal\\"') == 60 or js.count('class="jp-meal"') == 60
    assert js.count("jp-proj") >= 3
    assert "jp-district-wide" in js  # the labelled anchor of district-wide projects
    assert "210213001000" in js and js.count('"code"') >= 25  # subdistrict GeoJSON
    # the schematic/illustrative caveat is on the page
    assert any("示意" in i.value for i in at.info)


def test_english_is_complete_on_the_shell():
    at = run_app(query={"lang": "en"})
    assert at.title[0].value == "Jinpu Livelihood Map"
    assert any("schematic" in i.value for i in at.info)
    assert "District-wide" in map_js(at) or "district-wide" in map_js(at)


def test_language_switch_and_url():
    at = run_app()
    at.radio(key="lang_select").set_value("en").run()
    assert at.title[0].value == "Jinpu Livelihood Map"
    assert at.query_params["lang"] == ["en"] or at.query_params["lang"] == "en"


def test_map_assets_are_local():
    args = folium_args(run_app())
    links = args["js_links"] + args["css_links"]
    assert links and all(link.startswith("/app/static/vendor/") for link in links), links
    assert "http" not in " ".join(links)


def _styles(at) -> str:
    return " ".join(m.value for m in at.markdown if m.value.startswith("<style>"))


def test_page_css_comes_from_the_asset_files_and_elder_mode_adds_its_own():
    from ui.styles import css

    plain = _styles(run_app())
    assert css("base") in plain and css("elder") not in plain
    assert ".ovk-strip" in plain and ".st-key-ov_map" in plain  # the overview's KPI strip and phone order
    elder = run_app(query={"elder": "1"})
    assert css("base") in _styles(elder) and css("elder") in _styles(elder)
    elder.toggle(key="elder_toggle").set_value(False).run()
    assert css("elder") not in _styles(elder)
