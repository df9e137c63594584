"""Data: schema of each layer, downloads, validated uploads (this session only)."""

import pandas as pd
import streamlit as st

from geo.data import export
from geo.data.loader import MAX_UPLOAD_MB, upload
from geo.data.schema import LAYERS
from geo.i18n import t
from ui import state

lang = state.page_setup()
ds = state.dataset()

st.title(t("dt.title", lang))
st.caption(t("dt.intro", lang))

REPORT_COLS = ["level", "file", "row", "line", "column", "message", "expected"]


def show_issues(issues_table) -> None:
    df = issues_table.copy()
    df["level"] = [t(f"v.level.{v}", lang) for v in df["level"]]
    st.dataframe(
        df[REPORT_COLS],
        hide_index=True,
        width="stretch",
        column_config={c: st.column_config.Column(t(f"dt.report.{c}", lang)) for c in REPORT_COLS},
    )


def handle_upload(key: str, name: str, data: bytes) -> dict:
    """Validate an uploaded file against the dataset in use; on success the layer is
    replaced in this session only (ui.state.set_upload). Nothing is written to disk."""
    report, cross = upload(state.dataset(), key, data, name)
    if report.ok:
        state.set_upload(key, report.data, name)
    return {
        "ok": report.ok,
        "name": name,
        "summary": report.summary(lang),
        "table": report.table(lang),
        "cross": {k: [i.as_dict(lang) for i in v] for k, v in cross.items()},
    }


tabs = st.tabs([(LAYERS[k].title_zh if lang == "zh" else LAYERS[k].title_en) for k in LAYERS])
for key, tab in zip(LAYERS, tabs):
    layer = LAYERS[key]
    gdf = ds.layer(key)
    with tab:
        src = ds.sources.get(key, "bundled")
        src_txt = t("dt.source.bundled", lang) if src == "bundled" else t("dt.source.upload", lang, name=src)
        st.text(t("dt.source", lang, source=src_txt) + " · " + t("dt.records", lang, n=len(gdf)))

        st.subheader(t("dt.schema", lang))
        schema = export.schema_table(key, lang)
        st.dataframe(
            schema,
            hide_index=True,
            width="stretch",
            height=35 * (len(schema) + 1) + 3,
            column_config={c: st.column_config.Column(t(f"dt.col.{c}", lang)) for c in schema.columns},
        )
        st.caption(t("dt.schema.note", lang))

        st.subheader(t("dt.download", lang))
        cols = st.columns(4)
        for col, fmt in zip(cols, export.FORMATS):
            col.download_button(
                t(f"dt.download.{fmt}", lang),
                data=export.export(gdf, key, fmt),
                file_name=export.filename(key, fmt),
                mime=export.MIME[fmt],
                key=f"dt_dl_{key}_{fmt}",
            )
        cols[3].download_button(
            t("dt.download.template", lang),
            data=export.template_csv(key),
            file_name=export.filename(key, "csv", template=True),
            mime="text/csv",
            key=f"dt_tpl_{key}",
        )
        st.caption(t("dt.download.note", lang))

        st.subheader(t("dt.upload", lang))
        up = st.file_uploader(
            t("dt.upload.label", lang),
            type=["csv", "txt", "geojson", "json", "gpkg", "zip"],
            key=f"dt_up_{key}",
            help=t("dt.upload.help", lang, mb=MAX_UPLOAD_MB),
        )
        st.caption(t("dt.upload.help", lang, mb=MAX_UPLOAD_MB))
        if layer.geometry == "point":
            st.caption(t("dt.tolerance", lang))
        done_key = f"dt_done_{key}"
        if up is not None and st.session_state.get(done_key, {}).get("file_id") != up.file_id:
            if up.size > MAX_UPLOAD_MB * 1024 * 1024:
                result = {"ok": False, "name": up.name, "too_large": up.size / 1024 / 1024}
            else:
                result = handle_upload(key, up.name, up.getvalue())
            result["file_id"] = up.file_id
            st.session_state[done_key] = result
            if result["ok"]:
                st.rerun()  # every element above (banner, sources) now shows the upload
        result = st.session_state.get(done_key)
        if result:
            if result.get("too_large"):
                st.error(
                    t("dt.upload.too_large", lang, name=result["name"], size=result["too_large"], mb=MAX_UPLOAD_MB)
                )
            else:
                st.markdown(f"**{t('dt.report', lang)}**")
                if not result["ok"]:
                    st.error(t("dt.upload.failed", lang, name=result["name"]))
                elif src == result["name"]:
                    st.success(t("dt.upload.ok", lang, name=result["name"]))
                st.text(result["summary"])
                if len(result["table"]):
                    show_issues(result["table"])
                for other, rows in result.get("cross", {}).items():
                    title = LAYERS[other].title_zh if lang == "zh" else LAYERS[other].title_en
                    st.warning(t("dt.cross", lang, layer=title, n=len(rows)))
                    show_issues(pd.DataFrame(rows, columns=REPORT_COLS))

st.subheader(t("dt.cli", lang))
st.caption(t("dt.cli.text", lang))
st.code(
    "python -m geo validate meal_points my_points.csv\n"
    "python -m geo validate subdistricts official.geojson\n"
    "python -m geo validate meal_points my_points.csv --subdistricts official.geojson --lang zh",
    language="bash",
    wrap_lines=True,
)  # no scroll region (a11y)
