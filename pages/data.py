"""Data: schema of each layer, downloads, validated uploads (this session only).

Layout only: widgets -> geo.views.data (sources, schema, downloads, upload reports) -> draw;
an accepted upload goes into this session's state (ui.state.set_upload).
"""

import streamlit as st

from geo.i18n import t
from geo.views import data as dv
from geo.views import registry as rg
from ui import auth, state

lang = state.page_setup(globals())
ds = state.dataset()

st.title(t("dt.title", lang))
st.caption(t("dt.intro", lang))


def show_issues(issues) -> None:
    st.dataframe(
        dv.issues_table(issues, lang),
        hide_index=True,
        width="stretch",
        column_config={
            c: st.column_config.Column(label)
            for c, label in dv.column_labels(dv.REPORT_COLUMNS, "dt.report", lang).items()
        },
    )


def show_result(result: dv.UploadResult, source: str) -> None:
    if result.too_large_mb:
        st.error(dv.too_large_text(result, lang))
        return
    st.markdown(f"**{t('dt.report', lang)}**")
    status = dv.report_status(result, source, lang)
    if status:
        kind, text = status
        (st.error if kind == "error" else st.success)(text)
    st.text(result.summary)
    if len(result.table):
        show_issues(result.table)
    for warning, issues in dv.cross_warnings(result, lang):
        st.warning(warning)
        show_issues(issues)


def propose(key: str) -> None:
    """The button's callback: the uploaded file goes to the registry as a proposed import."""
    up, who = st.session_state.get(f"dt_up_{key}"), auth.actor()
    if up is None or who is None:
        return
    with st.spinner(t("rv.import.checking", lang)):
        st.session_state[f"dt_prop_{key}"] = rg.propose_to_registry(
            state.registry(), who, key, up.name, up.getvalue(), lang
        )


def propose_button(key: str) -> None:
    """A signed-in editor may propose the uploaded file to the registry (reviewed there)."""
    st.button(t("rv.data.propose", lang), key=f"dt_propose_{key}", on_click=propose, args=(key,))
    done = st.session_state.get(f"dt_prop_{key}")
    if done:
        (st.success if done[0] else st.error)(done[1])
        st.page_link("pages/registry.py", label=t("rv.nav.registry", lang), icon=":material/rule:")


tabs = st.tabs([dv.layer_title(k, lang) for k in dv.LAYER_KEYS])
for key, tab in zip(dv.LAYER_KEYS, tabs):
    with tab:
        st.text(dv.source_text(ds, key, lang))

        st.subheader(t("dt.schema", lang))
        schema = dv.schema_table(key, lang)
        st.dataframe(
            schema,
            hide_index=True,
            width="stretch",
            height=35 * (len(schema) + 1) + 3,  # every row, no scroll region
            column_config={
                c: st.column_config.Column(label)
                for c, label in dv.column_labels(schema.columns, "dt.col", lang).items()
            },
        )
        st.caption(t("dt.schema.note", lang))

        st.subheader(t("dt.download", lang))
        for col, d in zip(st.columns(4), dv.downloads(ds.layer(key), key, lang, ds.fingerprint)):
            col.download_button(d.label, data=d.data, file_name=d.file_name, mime=d.mime, key=d.key, on_click="ignore")
        st.caption(t("dt.download.note", lang))

        st.subheader(t("dt.upload", lang))
        up = st.file_uploader(
            t("dt.upload.label", lang),
            type=list(dv.UPLOAD_TYPES),
            key=f"dt_up_{key}",
            help=t("dt.upload.help", lang, mb=dv.MAX_UPLOAD_MB),
        )
        st.caption(t("dt.upload.help", lang, mb=dv.MAX_UPLOAD_MB))
        if dv.is_point_layer(key):
            st.caption(t("dt.tolerance", lang))
        done_key = f"dt_done_{key}"
        done = st.session_state.get(done_key)
        if up is not None and (done.file_id if done else None) != up.file_id:
            result, layer = dv.receive_upload(state.dataset(), key, up.name, up.getvalue(), up.file_id, lang)
            if layer is not None:
                state.set_upload(key, layer, up.name)  # this session only; nothing is written to disk
            st.session_state[done_key] = result
            if result.ok:
                st.rerun()  # every element above (banner, sources) now shows the upload
        if st.session_state.get(done_key):
            show_result(st.session_state[done_key], ds.sources.get(key, "bundled"))
            if st.session_state[done_key].ok and auth.actor() is not None:
                propose_button(key)

st.subheader(t("dt.cli", lang))
st.caption(t("dt.cli.text", lang))
st.code(dv.CLI_EXAMPLE, language="bash", wrap_lines=True)  # no scroll region (a11y)
