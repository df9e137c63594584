"""The data and projects pages (AppTest): schema, downloads, uploads, session isolation;
and the data page's logic (geo.views.data) and the upload banner (geo.views.shell)
as plain Python."""

from __future__ import annotations

import hashlib
from pathlib import Path

from geo.data.export import to_csv
from geo.data.loader import load_bundled
from geo.i18n import t
from geo.views import data as dv
from geo.views import shell
from tests.corpus.cases import meal_df, meal_edit
from tests.support.apptest import run_app

DATA = Path(__file__).resolve().parents[2] / "data"


def _hashes() -> dict:
    return {p.name: hashlib.sha256(p.read_bytes()).hexdigest() for p in sorted(DATA.iterdir()) if p.is_file()}


def _uploader(at, key):
    return next(u for u in at.get("file_uploader") if u.proto.id.endswith(f"dt_up_{key}") or key in u.proto.id)


def _small_meal_points() -> bytes:
    df = meal_df().head(12).copy()
    df.at[0, "name_zh"] = "上传的食堂"
    return df.to_csv(index=False).encode("gb18030")


def _upload(at, key, name, data):
    up = _uploader(at, key)
    up.set_value((name, data, "text/csv")).run()
    assert not at.exception, [e.value for e in at.exception]
    return at


def _meal_count_in_map(at) -> int:
    from tests.support.apptest import map_js

    js = map_js(at)
    return js.count('class=\\"jp-meal\\"') or js.count('class="jp-meal"')


def test_data_page_renders_schema_and_downloads():
    at = run_app("pages/data.py", query={"lang": "en"})
    assert at.title[0].value.startswith("Data")
    # schema tables come from geo.schema: every meal_points field is listed
    frames = [d.value for d in at.dataframe]
    fields = set().union(*[set(f["field"]) for f in frames if "field" in f.columns])
    assert {"subdistrict_code", "seat_uncertainty_km", "completed_year", "geometry"} <= fields
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels.count("CSV") == 3 and labels.count("GeoPackage") == 3 and labels.count("GeoJSON") == 3
    assert labels.count("Empty template (CSV)") == 3
    assert len(at.get("file_uploader")) == 3


def test_upload_replaces_layer_in_this_session_only():
    before = _hashes()
    a = run_app("pages/data.py", query={"lang": "en"})
    b = run_app("pages/data.py", query={"lang": "en"})
    _upload(a, "meal_points", "mine.csv", _small_meal_points())
    # session A: the banner names the upload and the data page shows 12 records
    assert any("mine.csv" in w.value for w in a.warning), [w.value for w in a.warning]
    assert any("12 records" in tx.value for tx in a.text)
    assert any("every page now uses 'mine.csv'" in s.value for s in a.success)
    # every page of session A uses it: the overview map has 12 meal points
    a.switch_page("pages/overview.py").run()
    assert _meal_count_in_map(a) == 12
    # session B still sees the bundled data
    b.run()
    assert not any("mine.csv" in w.value for w in b.warning)
    assert any("60 records" in tx.value for tx in b.text)
    b.switch_page("pages/overview.py").run()
    assert _meal_count_in_map(b) == 60
    # nothing was written to data/
    assert _hashes() == before
    # one click back to the bundled data
    a.switch_page("pages/data.py").run()
    a.button(key="back_to_bundled").click().run()
    assert any("60 records" in tx.value for tx in a.text)
    a.switch_page("pages/overview.py").run()
    assert _meal_count_in_map(a) == 60
    assert not any("mine.csv" in w.value for w in a.warning)


def test_bad_upload_shows_row_level_report_and_keeps_bundled():
    at = run_app("pages/data.py", query={"lang": "en"})
    _upload(at, "meal_points", "bad.csv", meal_edit(3, lat="121.712", lon="39.108"))
    assert any("'bad.csv' was not used" in e.value for e in at.error)
    report = next(d.value for d in at.dataframe if "message" in d.value.columns)
    row = report[report["row"] == 3].iloc[0]
    assert "swapped" in row["message"] and row["line"] == 4 and row["column"] == "lat"
    assert not any("bad.csv" in w.value for w in at.warning)  # no banner: bundled data in use


def test_subdistricts_upload_reports_meal_points_outside_new_boundaries():
    ds = load_bundled()
    subs = ds.subdistricts.copy()
    subs["boundary_quality"] = "official"  # the schematic lines declared official: 0.1 km tolerance
    # shift one boundary so that some bundled meal points fall outside their stated subdistrict
    import shapely

    subs["geometry"] = [
        shapely.affinity.translate(g, 0.02, 0) if c == "210213001000" else g
        for c, g in zip(subs["code"], subs.geometry)
    ]
    at = run_app("pages/data.py", query={"lang": "en"})
    _upload(at, "subdistricts", "official.csv", to_csv(subs, "subdistricts"))
    assert any("official.csv" in w.value for w in at.warning)  # banner: in use
    cross = [w.value for w in at.warning if "do not fit them" in w.value]
    assert cross, [w.value for w in at.warning]


def test_size_limit_message():
    at = run_app("pages/data.py", query={"lang": "en"})
    from tests.corpus.cases import oversized

    _upload(at, "meal_points", "huge.csv", oversized())
    assert any("over the 20 MB limit" in e.value for e in at.error), [e.value for e in at.error]


def test_projects_page():
    at = run_app("pages/projects.py", query={"lang": "en"})
    assert not at.exception
    assert any("3.388" in m.value for m in at.metric) and any("33.88亿元" in c.value for c in at.caption)
    table = at.dataframe[0].value
    assert len(table) == 30
    at.text_input(key="pj_q").set_value("gas").run()
    assert len(at.dataframe[0].value) == 1
    at.text_input(key="pj_q").set_value("").run()
    at.multiselect(key="pj_sector").set_value(["elderly_care"]).run()
    assert len(at.dataframe[0].value) == 3
    at.selectbox(key="pj_pick").set_value(at.selectbox(key="pj_pick").options[0]).run()
    assert not at.exception


def test_projects_page_chinese_search():
    at = run_app("pages/projects.py")
    at.text_input(key="pj_q").set_value("燃气").run()
    assert len(at.dataframe[0].value) == 1


def test_data_page_in_chinese():
    at = run_app("pages/data.py")
    assert at.title[0].value.startswith("数据")
    assert any("登记库" in tx.value for tx in at.text)
    assert any("不确定半径" in c.value for c in at.caption)
    _upload(at, "meal_points", "坏.csv", meal_edit(2, lat="abc"))
    report = next(d.value for d in at.dataframe if "message" in d.value.columns)
    assert "“abc”不是数字" in " ".join(report["message"]) and "错误" in set(report["level"])


# ---------------------------------------------------------------- geo.views.data and the banner, without Streamlit


def test_sources_schema_and_downloads_per_layer():
    ds = load_bundled()
    assert dv.source_text(ds, "meal_points", "en") == "In use: the bundled data · 60 records"
    mine = ds.replace("meal_points", ds.meal_points.head(3), "mine.csv")
    assert "mine.csv" in dv.source_text(mine, "meal_points", "zh") and "3 条记录" in dv.source_text(
        mine, "meal_points", "zh"
    )
    assert [dv.layer_title(k, "en") for k in dv.LAYER_KEYS] == [
        "Subdistricts",
        "Livelihood projects",
        "Elderly meal points",
    ]
    assert dv.is_point_layer("meal_points") and not dv.is_point_layer("subdistricts")
    schema = dv.schema_table("projects", "en")
    labels = dv.column_labels(schema.columns, "dt.col", "en")
    assert list(labels) == list(schema.columns) and all(labels.values())
    files = dv.downloads(ds.meal_points, "meal_points", "en")
    assert [d.label for d in files] == ["CSV", "GeoJSON", "GeoPackage", "Empty template (CSV)"]
    assert len({d.key for d in files}) == 4 and all(d.data for d in files)
    again = dv.downloads(ds.meal_points, "meal_points", "en", fingerprint=ds.fingerprint)
    assert again[0].data == files[0].data  # (a GeoPackage carries its time of writing)
    assert dv.downloads(ds.meal_points, "meal_points", "en", fingerprint=ds.fingerprint)[1].data is again[1].data
    assert files[-1].file_name.endswith(".csv") and files[-1].mime == "text/csv"


def test_receive_upload_valid_invalid_and_too_large():
    ds = load_bundled()
    result, layer = dv.receive_upload(ds, "meal_points", "mine.csv", _small_meal_points(), "f1", "en")
    assert result.ok and layer is not None and len(layer) == 12 and result.file_id == "f1"
    assert dv.report_status(result, "mine.csv", "en") == ("success", t("dt.upload.ok", "en", name="mine.csv"))
    assert dv.report_status(result, "bundled", "en") is None  # valid, but another file is in use now
    bad, layer = dv.receive_upload(ds, "meal_points", "bad.csv", meal_edit(3, lat="121.712", lon="39.108"), "f2", "en")
    assert not bad.ok and layer is None and dv.report_status(bad, "bundled", "en")[0] == "error"
    shown = dv.issues_table(bad.table, "en")
    assert list(shown.columns) == list(dv.REPORT_COLUMNS) and t("v.level.error", "en") in set(shown["level"])
    big = b"x" * (dv.MAX_UPLOAD_MB * 1024 * 1024 + 1)
    huge, layer = dv.receive_upload(ds, "meal_points", "huge.csv", big, "f3", "en")
    assert layer is None and huge.too_large_mb > dv.MAX_UPLOAD_MB and "20 MB" in dv.too_large_text(huge, "en")


def test_cross_warnings_name_the_other_layer():
    result = dv.UploadResult(ok=True, name="s.csv", cross={"meal_points": [{"level": "warning", "row": 1}]})
    ((text, frame),) = dv.cross_warnings(result, "en")
    assert "Elderly meal points" in text and list(frame.columns) == list(dv.REPORT_COLUMNS) and len(frame) == 1


def test_banner_lists_uploaded_layers_in_the_reader_language():
    ds = load_bundled()
    assert shell.uploaded_layers_text(ds, "en") == ""
    two = ds.replace("meal_points", ds.meal_points.head(3), "a.csv").replace("projects", ds.projects, "b.csv")
    assert shell.uploaded_layers_text(two, "en").endswith(": Livelihood projects (b.csv), Elderly meal points (a.csv)")
    assert shell.uploaded_layers_text(two, "zh").endswith("：惠民实事项目 (b.csv)、老年助餐点 (a.csv)")
