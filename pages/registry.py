"""Data registry: the published history and precision of the meal points for everyone;
for signed-in editors the review queue, direct edits, batch imports, reverts and export.

Layout only: the logic is in geo/views/registry.py (texts, tables, maps), sign-in in
ui/auth.py. Editing widgets are drawn only for a signed-in editor, and every action
asks ui.auth.actor() again; the registry re-checks the roles in the database.
"""

import streamlit as st
from streamlit_folium import st_folium

from geo.i18n import t
from geo.views import data as dv
from geo.views import registry as rg
from geo.views import report as rp
from geo.views import shell
from ui import auth, state, styles

lang = state.page_setup(globals())
ss = st.session_state
snap = state.snapshot()
ds = snap.dataset
FLASH = "rv_flash"
styles.inject("review")

st.title(t("rv.title", lang))
st.caption(t("rv.intro", lang))


# ------------------------------------------------------------------ helpers


def flash(where: str) -> None:
    """The outcome of the last action, shown where it was taken (``where``); a success
    at the top of the page."""
    note = ss.get(FLASH)
    if not note or note["where"] != where:
        return
    ss.pop(FLASH, None)
    if note["kind"] == "ok":
        st.success(note["text"])
        return
    st.error(note["text"])
    if note.get("rows") is not None and len(note["rows"]):
        if note["kind"] == "conflict":
            st.markdown(t("rv.conflict.theirs", lang))
        st.dataframe(note["rows"], hide_index=True, width="stretch")
    if note["kind"] == "conflict":
        st.info(t("rv.conflict.kept", lang))


def act(where: str, step, done_key: str, cleanup=None, **params) -> None:
    """A button's callback: ``step(actor)`` for the signed-in editor (asked again now);
    the outcome is kept for :func:`flash`. Runs before the page, so the page shows the
    state after it."""
    who = auth.actor()
    if who is None:
        ss[FLASH] = {"where": where, "kind": "error", "text": t("rv.signin.needed", lang)}
        return
    try:
        with st.spinner(t("rv.working", lang)):
            step(who)
    except rg.Conflict as exc:
        ss[FLASH] = {
            "where": where,
            "kind": "conflict",
            "text": rg.conflict_text(exc, lang),
            "rows": rg.conflict_rows(exc, lang),
        }
        return
    except rg.ImportRejected as exc:
        ss[FLASH] = {
            "where": where,
            "kind": "error",
            "text": rg.sentence(exc.message(lang)),
            "rows": rg.error_rows(exc, lang),
        }
        return
    except rg.RegistryError as exc:
        ss[FLASH] = {"where": where, "kind": "error", "text": rg.sentence(exc.message(lang))}
        return
    state.after_publish()
    ss[FLASH] = {"where": "top", "kind": "ok", "text": t(done_key, lang, **params)}
    if cleanup:
        cleanup()


def button(label: str, key: str, where: str, step, done_key: str, cleanup=None, primary=False, **params) -> None:
    st.button(
        label,
        key=key,
        on_click=act,
        args=(where, step, done_key, cleanup),
        kwargs=params,
        type="primary" if primary else "secondary",
    )


def values_of(prefix: str, fields) -> dict:
    """A form's current inputs (read when the button's callback runs)."""
    return {name: ss.get(f"{prefix}_{name}", "") for name in fields}


def small_map(m, key: str) -> None:
    if m is not None:
        st_folium(m, key=key, height=230, use_container_width=True, returned_objects=[])


def field_inputs(prefix: str, defaults: dict, fields=rg.EDIT_FIELDS) -> dict:
    """One input per field, prefilled once (later runs keep what the editor typed)."""
    values = {}
    cols = st.columns(2)
    for i, name in enumerate(fields):
        key = f"{prefix}_{name}"
        ss.setdefault(key, rg.input_default(name, defaults))
        label = rg.field_label("meal_points", name, lang)
        with cols[i % 2]:
            if name == "location_precision":
                values[name] = st.selectbox(label, rg.PRECISIONS, key=key, format_func=rg.precision_label(lang))
            else:
                values[name] = st.text_input(label, key=key, placeholder=rg.placeholder(name))
    return values


def publish_buttons(prefix: str, who, step, done: tuple[str, str], cleanup=None, **params) -> None:
    """Propose / publish buttons (publishers may publish in one step): ``step(actor,
    publish)`` runs in the button's callback."""
    cols = st.columns(2)
    with cols[0]:
        button(t("rv.propose", lang), f"{prefix}_propose", prefix, lambda a: step(a, False), done[0], cleanup, **params)
    if who.publisher:
        with cols[1]:
            button(
                t("rv.publish_now", lang),
                f"{prefix}_publish",
                prefix,
                lambda a: step(a, True),
                done[1],
                cleanup,
                primary=True,
                **params,
            )
    flash(prefix)


# ------------------------------------------------------------------ public: precision and history


def precision_section() -> None:
    st.subheader(t("rv.precision", lang))
    st.markdown(f"**{rg.precision_summary(ds, lang)}**")
    st.dataframe(rg.precision_counts(ds, lang), hide_index=True)
    st.caption(t("rv.precision.note", lang))


def history_section(who) -> None:
    st.subheader(t("rv.history", lang))
    choices = rg.meal_choices(ds, lang)
    point = st.selectbox(
        t("rv.history.point", lang),
        list(choices),
        index=None,
        key="rv_hist_point",
        format_func=choices.get,
        placeholder=t("rv.history.all", lang),
    )
    try:
        changesets = state.registry().history(layer="meal_points" if point else None, record_id=point)
    except rg.RegistryError as exc:
        st.error(rg.sentence(exc.message(lang)))
        return
    if not changesets:
        st.info(t("rv.history.none", lang))
        return
    st.dataframe(rg.history_rows(changesets, lang), hide_index=True, width="stretch")
    by_id = {cs.id: cs for cs in changesets}
    chosen = st.selectbox(
        t("rv.history.pick", lang),
        list(by_id),
        key="rv_hist_cs",
        format_func=lambda i: rg.changeset_label(by_id[i], lang),
    )
    cs = by_id[chosen]
    st.markdown(rg.changeset_title(cs, lang))
    st.dataframe(rg.change_rows(cs.changes, lang), hide_index=True, width="stretch")
    if who is not None and who.publisher and snap.available and cs.source != "seed":
        note_key = f"rv_rev_note_{cs.id}"
        st.text_input(t("rv.revert.note", lang), key=note_key, max_chars=200)
        step = lambda a: state.registry().revert(a, cs.id, note=ss.get(note_key) or "")  # noqa: E731
        button(t("rv.revert", lang, id=cs.id), f"rv_rev_{cs.id}", "rv_rev", step, "rv.reverted", id=cs.id)
        flash("rv_rev")


# ------------------------------------------------------------------ sign-in


def signin_section(who) -> None:
    st.subheader(t("rv.signin", lang))
    if who is not None:
        st.markdown(rg.role_text(who, lang))
        st.button(t("rv.signout", lang), key="rv_signout", on_click=auth.sign_out)
        return
    if auth.oidc_configured():
        email = auth.oidc_email()
        if email:
            st.warning(t("rv.signin.no_role", lang, email=email))
            st.button(t("rv.signout", lang), key="rv_signout", on_click=auth.sign_out)
        else:
            st.button(t("rv.signin.oidc", lang), key="rv_login", on_click=st.login, type="primary")
        return
    try:
        configured = state.registry().editors_configured()
    except rg.RegistryError:
        configured = False
    if not configured:
        st.info(t("rv.signin.none", lang))
        st.code("python -m geo registry add-editor NAME --publisher", language=None, wrap_lines=True)
        return
    with st.form("rv_signin_form"):
        st.text_input(t("rv.signin.name", lang), max_chars=64, key="rv_si_name")
        st.text_input(t("rv.signin.password", lang), type="password", max_chars=200, key="rv_si_pw")
        st.form_submit_button(
            t("rv.signin.go", lang), type="primary", width="stretch", key="rv_si_go", on_click=sign_in
        )
    flash("signin")


def sign_in() -> None:
    """The sign-in form's callback (the password is dropped from the session at once)."""
    name, password = ss.get("rv_si_name") or "", ss.pop("rv_si_pw", "") or ""
    try:
        with st.spinner(t("rv.signin.checking", lang)):
            auth.sign_in(name, password)
    except rg.RegistryError as exc:
        ss[FLASH] = {"where": "signin", "kind": "error", "text": rg.sentence(exc.message(lang))}


# ------------------------------------------------------------------ editors: review queue


def report_item(r, who, others: list[int]) -> None:
    with st.container(border=True, key=f"rv_rep_{r.id}"):
        st.markdown(rg.report_markdown(r, ds, lang))
        st.markdown(rg.report_text(r, lang))
        small_map(rg.report_map(r, ds, lang), f"rv_rmap_{r.id}")
        with st.expander(t("rv.approve", lang)):
            prefix = f"rv_acc_{r.id}"
            fields = ("lat", "lon", *rg.EDIT_FIELDS) if r.point_id else ("id", "lat", "lon", *rg.EDIT_FIELDS)
            field_inputs(prefix, rg.report_fields(r, ds), fields)

            def accept(a, publish: bool, r=r, prefix=prefix, fields=fields):
                changed = rg.accept_fields(r, values_of(prefix, fields), state.snapshot().dataset)
                return state.registry().accept_report(a, r.id, changed, publish=publish)

            publish_buttons(prefix, who, accept, ("rv.accepted", "rv.accepted.published"), id=r.id)
        with st.expander(t("rv.reject", lang)):
            key = f"rv_rej_reason_{r.id}"
            st.text_input(t("rv.reason", lang), key=key, max_chars=300)
            step = lambda a, r=r, key=key: state.registry().reject_report(a, r.id, ss.get(key) or "")  # noqa: E731
            button(t("rv.reject.go", lang), f"rv_rej_{r.id}", f"rv_rej_{r.id}", step, "rv.rejected", id=r.id)
            flash(f"rv_rej_{r.id}")
        if others:
            with st.expander(t("rv.merge", lang)):
                key = f"rv_merge_into_{r.id}"
                into = st.selectbox(t("rv.merge.into", lang), others, key=key)
                step = lambda a, r=r, key=key: state.registry().merge_report(a, r.id, int(ss[key]))  # noqa: E731
                button(t("rv.merge.go", lang), f"rv_merge_{r.id}", key, step, "rv.merged", id=r.id, into=into)
                flash(key)


def changeset_item(cs, who) -> None:
    with st.container(border=True, key=f"rv_cs_{cs.id}"):
        st.markdown(rg.changeset_title(cs, lang))
        if cs.note:
            st.markdown(rg.note_text(cs.note))
        st.dataframe(rg.change_rows(cs.changes, lang), hide_index=True, width="stretch")
        small_map(rg.changeset_map(cs, lang), f"rv_cmap_{cs.id}")
        if not who.publisher:
            st.caption(t("rv.waits_publisher", lang))
            return
        where = f"rv_cs_{cs.id}"
        step = lambda a, i=cs.id: state.registry().publish(a, i)  # noqa: E731
        button(t("rv.publish", lang, id=cs.id), f"rv_pub_{cs.id}", where, step, "rv.published", primary=True, id=cs.id)
        key = f"rv_csrej_reason_{cs.id}"
        st.text_input(t("rv.reason", lang), key=key, max_chars=300)
        step = lambda a, i=cs.id, key=key: state.registry().reject(a, i, ss.get(key) or "")  # noqa: E731
        button(t("rv.discard", lang, id=cs.id), f"rv_csrej_{cs.id}", where, step, "rv.discarded", id=cs.id)
        flash(where)


def queue_section(who) -> None:
    reg = state.registry()
    reports, changesets = reg.pending_reports(who), reg.pending_changesets(who)
    st.markdown(t("rv.queue.counts", lang, reports=len(reports), changesets=len(changesets)))
    if reports:
        st.subheader(t("rv.queue.reports", lang))
        st.dataframe(rg.report_rows(reports, lang), hide_index=True, width="stretch")
    ids = [r.id for r in reports]
    for r in reports:
        report_item(r, who, [i for i in ids if i != r.id])
    if changesets:
        st.subheader(t("rv.queue.changesets", lang))
    for cs in changesets:
        changeset_item(cs, who)


# ------------------------------------------------------------------ editors: direct edit


def _on_edit_map(point: str) -> None:
    click = (ss.get(f"rv_ed_map_{point}") or {}).get("last_clicked")
    lonlat = rg.click_position(click)
    if lonlat is not None:
        ss[f"rv_ed_{point}_lon"], ss[f"rv_ed_{point}_lat"] = f"{lonlat[0]:.6f}", f"{lonlat[1]:.6f}"


def edit_section(who) -> None:
    choices = rg.meal_choices(ds, lang)
    point = st.selectbox(
        t("rv.edit.point", lang),
        list(choices),
        index=None,
        key="rv_ed_point",
        format_func=choices.get,
        placeholder=t("rv.edit.point.placeholder", lang),
    )
    if point is None:
        return
    found = state.registry().record("meal_points", point)
    if found is None:
        st.warning(t("rv.edit.gone", lang))
        return
    record, version = found
    base = ss.setdefault(f"rv_ed_base_{point}", version)  # the version the editor started from
    defaults = rg.edit_defaults(record)
    st.markdown(t("rv.edit.tap", lang))
    info = rp.point_info(ds, point, lang)
    m, layer = rp.report_maps(info, rp.PageState(picked=rg.form_position(ss, f"rv_ed_{point}")), lang, "blank", None)
    st_folium(
        m,
        key=f"rv_ed_map_{point}",
        height=300,
        use_container_width=True,
        returned_objects=["last_clicked"],
        feature_group_to_add=[layer],
        on_change=lambda: _on_edit_map(point),
    )
    prefix, fields = f"rv_ed_{point}", ("lat", "lon", *rg.EDIT_FIELDS)
    field_inputs(prefix, defaults, fields)
    st.text_input(t("rv.note", lang), key=f"rv_ed_note_{point}", max_chars=200)

    def edit(a, publish: bool):
        changed = rg.edit_changes(values_of(prefix, fields), defaults) or {}
        note = ss.get(f"rv_ed_note_{point}") or ""
        return state.registry().propose_edit(a, "meal_points", point, changed, base, note=note, publish=publish)

    publish_buttons(prefix, who, edit, ("rv.edit.proposed", "rv.edit.published"), lambda: forget_form(point), id=point)
    if base != version:
        st.caption(t("rv.edit.stale", lang))
        st.button(t("rv.edit.reload", lang), key=f"rv_ed_reload_{point}", on_click=forget_form, args=(point,))


def forget_form(point: str) -> None:
    """Drop the form's inputs and its base version: it is prefilled from the current data."""
    for key in rg.form_keys(ss, f"rv_ed_{point}"):
        del ss[key]
    ss.pop(f"rv_ed_base_{point}", None)


# ------------------------------------------------------------------ editors: import


def import_section(who) -> None:
    st.selectbox(
        t("rv.import.layer", lang), rg.IMPORT_LAYERS, key="rv_imp_layer", format_func=lambda k: dv.layer_title(k, lang)
    )
    up = st.file_uploader(t("rv.import.file", lang), type=list(rg.IMPORT_TYPES), key="rv_imp_file")
    st.caption(t("dt.upload.help", lang, mb=dv.MAX_UPLOAD_MB))
    st.text_input(t("rv.note", lang), key="rv_imp_note", max_chars=200)
    if up is not None:
        st.button(t("rv.import.go", lang), key="rv_imp_go", type="primary", on_click=propose_import)
    flash("rv_imp_go")
    rejected = ss.get("rv_imp_rejected")
    if rejected is not None:
        st.dataframe(rejected, hide_index=True, width="stretch")
    diff = ss.get("rv_imp_diff")
    if isinstance(diff, rg.ImportDiff):
        import_diff(diff, who)


def propose_import() -> None:
    """The import button's callback: the file -> a proposed change set and its diff, or
    the validator's report row by row."""
    up, layer, note = ss.get("rv_imp_file"), ss.get("rv_imp_layer"), ss.get("rv_imp_note") or ""
    ss.pop("rv_imp_diff", None)
    ss.pop("rv_imp_rejected", None)
    signed = auth.actor()
    if signed is None or up is None:
        ss[FLASH] = {"where": "rv_imp_go", "kind": "error", "text": t("rv.signin.needed", lang)}
        return
    try:
        with st.spinner(t("rv.import.checking", lang)):
            ss["rv_imp_diff"] = state.registry().propose_import(signed, layer, up.getvalue(), up.name, note=note)
    except rg.ImportRejected as exc:
        ss[FLASH] = {"where": "rv_imp_go", "kind": "error", "text": rg.sentence(exc.message(lang))}
        ss["rv_imp_rejected"] = rg.import_issues(exc, lang)
    except rg.RegistryError as exc:
        ss[FLASH] = {"where": "rv_imp_go", "kind": "error", "text": rg.sentence(exc.message(lang))}


def import_diff(diff, who) -> None:
    st.markdown(f"**{rg.diff_counts(diff, lang)}**")
    for part in rg.diff_tables(diff, lang):
        st.markdown(f"**{part.title}**")
        st.dataframe(part.table, hide_index=True, width="stretch")
    cs = diff.changeset.id
    if not who.publisher:
        st.caption(t("rv.waits_publisher", lang))
        return
    cols = st.columns(2)
    forget = lambda: ss.pop("rv_imp_diff", None)  # noqa: E731
    reason = t("rv.import.discarded", lang)
    with cols[0]:
        step = lambda a: state.registry().publish(a, cs)  # noqa: E731
        button(t("rv.import.apply", lang, id=cs), "rv_imp_apply", "rv_imp", step, "rv.published", forget, True, id=cs)
    with cols[1]:
        step = lambda a: state.registry().reject(a, cs, reason)  # noqa: E731
        button(t("rv.import.discard", lang, id=cs), "rv_imp_discard", "rv_imp", step, "rv.discarded", forget, id=cs)
    flash("rv_imp")


def prepare_export() -> None:
    if auth.actor() is None:
        return
    with st.spinner(t("rv.export.building", lang)):
        ss["rv_exp_zip"] = rg.export_zip(state.registry())


def export_section() -> None:
    st.subheader(t("rv.export", lang))
    st.caption(t("rv.export.note", lang))
    st.button(t("rv.export.prepare", lang), key="rv_exp_go", on_click=prepare_export)
    if ss.get("rv_exp_zip"):
        st.download_button(
            t("rv.export.download", lang),
            ss["rv_exp_zip"],
            file_name="jinpu-registry.zip",
            mime="application/zip",
            on_click="ignore",
        )


# ------------------------------------------------------------------ the page


def guarded(section, *args) -> None:
    """A section that reads the registry: a registry error is shown, never raised."""
    try:
        section(*args)
    except rg.RegistryError as exc:
        st.error(rg.sentence(exc.message(lang)))


flash("top")
why = shell.editing_unavailable_text(snap, lang)
who = None if why else auth.actor()
if why:
    st.error(why)
else:
    signin_section(who)
if who is not None:
    tab_queue, tab_edit, tab_import = st.tabs(
        [t("rv.tab.queue", lang), t("rv.tab.edit", lang), t("rv.tab.import", lang)]
    )
    with tab_queue:
        guarded(queue_section, who)
    with tab_edit:
        guarded(edit_section, who)
    with tab_import:
        guarded(import_section, who)
precision_section()
guarded(history_section, who)
if who is not None:
    export_section()
