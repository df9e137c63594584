"""The registry page (AppTest): public history and precision; sign-in; nobody unsigned
sees pending reports or acts, whatever session state, widget values or URL they craft;
editors propose, publishers publish and a new session sees it; conflicts keep the input;
imports show their diff; an unreachable database leaves the pages readable."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

import pandas as pd
import pytest

from geo.data.registry import Actor
from tests.corpus.hostile import PAYLOADS
from tests.support.apptest import map_js, run_app
from tests.support.registry import EDITOR, PUBLISHER, clear_ui_caches

PAGE = "pages/registry.py"
DATA = Path(__file__).resolve().parents[2] / "data"
UNREACHABLE = "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(lang="en", query=None):
    return run_app(PAGE, query={"lang": lang} | (query or {}))


def _sign_in(at, account):
    at.text_input(key="rv_si_name").set_value(account[0])
    at.text_input(key="rv_si_pw").set_value(account[1])
    return _ok(at.button(key="rv_si_go").click().run())


def _texts(at) -> str:
    parts = [m.value for m in at.markdown if not m.value.startswith("<style")]
    parts += [str(d.value.to_dict()) for d in at.dataframe]
    parts += [x.value for x in (*at.error, *at.warning, *at.info, *at.success, *at.caption)]
    return "\n".join(parts)


def _keys(at) -> set[str]:
    return {w.key for kind in ("button", "text_input", "selectbox") for w in at.get(kind) if w.key}


def _report(reg, text="moved across the street", kind="moved"):
    return reg.add_report(point_id="M05", kind=kind, text=text, lat=39.111, lon=121.703, client="t" * 32)


# ------------------------------------------------------------------ public


def test_public_page_shows_history_and_precision_counts(fresh_registry):
    at = _open()
    body = _texts(at)
    prec = pd.read_csv(DATA / "meal_points.csv", dtype=str)["location_precision"]
    verified = int(prec.isin(["address", "surveyed"]).sum())
    assert f"Verified {verified} / {len(prec)}" in body
    counts = next(d.value for d in at.dataframe if "Precision" in d.value.columns)
    shown = dict(zip(counts["Precision"], counts["Meal points"]))
    assert shown["illustrative position, not a real address"] == str(int((prec == "illustrative").sum()))
    assert sum(int(v) for v in shown.values()) == len(prec)
    assert "initial data" in body and "#1" in body.replace("\\#", "#")
    assert "Sign in" in [b.label for b in at.button]


def test_no_editor_configured_editing_not_offered(monkeypatch, tmp_path):
    from tests.support.registry import fresh

    f = fresh(monkeypatch, tmp_path, accounts=False)
    try:
        at = _open()
        assert any("editing is not offered" in i.value for i in at.info)
        assert any("add-editor NAME --publisher" in c.value for c in at.code)
        assert "rv_si_name" not in _keys(at)
    finally:
        f.registry.dispose()
        clear_ui_caches()


def test_wrong_password_message(fresh_registry):
    at = _sign_in(_open(), (EDITOR[0], "not the password"))
    assert any(e.value == "Wrong name or password" for e in at.error), [e.value for e in at.error]
    assert "rv_signout" not in _keys(at)


# ------------------------------------------------------------------ nobody unsigned acts


def test_unsigned_sees_no_queue_even_with_crafted_state(fresh_registry):
    reg = fresh_registry.registry
    _report(reg, "secret pending words")
    _, v = reg.record("meal_points", "M05")
    cs = reg.propose_edit(fresh_registry.editor, "meal_points", "M05", {"hours": "Mo-Fr 11:00-13:00"}, v)
    at = _open(query={"actor": PUBLISHER[0], "signed_in": "1", "tab": "queue"})
    # a forged sign-in: the right shape, a made-up seal; and a bare actor
    at.session_state["_rv_signed_in"] = (Actor(PUBLISHER[0], True, True, "local"), "0" * 64)
    # widget values of buttons that are not drawn for this session
    for key in (f"rv_pub_{cs.id}", "rv_acc_1_publish", "rv_rej_1", "rv_imp_apply"):
        at.session_state[key] = True
    _ok(at.run())
    at.session_state["_rv_signed_in"] = Actor(PUBLISHER[0], True, True, "local")
    _ok(at.run())
    body = _texts(at)
    assert "secret pending words" not in body and "Residents' reports" not in body
    assert not {k for k in _keys(at) if k.startswith(("rv_acc_", "rv_pub_", "rv_rej_", "rv_ed_", "rv_imp_"))}
    assert [r.status for r in reg.pending_reports(fresh_registry.publisher)] == ["pending"]
    assert reg.changeset_for(fresh_registry.publisher, cs.id).status == "proposed"
    assert len(reg.history()) == 1


def test_signed_in_state_does_not_travel_to_another_session(fresh_registry):
    a = _sign_in(_open(), PUBLISHER)
    assert "rv_signout" in _keys(a)
    b = _open()
    b.session_state["_rv_signed_in"] = a.session_state["_rv_signed_in"]  # copied into another session
    _ok(b.run())
    assert "rv_signout" not in _keys(b)


# ------------------------------------------------------------------ review queue


def test_publisher_approves_a_moved_report_and_a_new_session_sees_it(fresh_registry):
    reg = fresh_registry.registry
    rid = _report(reg)
    at = _sign_in(_open(), PUBLISHER)
    assert "moved across the street" in _texts(at)
    # the approval form is prefilled with the tapped place
    assert at.text_input(key=f"rv_acc_{rid}_lat").value.startswith("39.111")
    _ok(at.button(key=f"rv_acc_{rid}_publish").click().run())
    assert any(f"Report {rid} approved and published" in s.value for s in at.success)
    record, _ = reg.record("meal_points", "M05")
    assert (round(float(record["lat"]), 3), round(float(record["lon"]), 3)) == (39.111, 121.703)
    [last, _seed] = reg.history()
    assert last.source == "report" and last.source_ref == f"report {rid}"
    # another session: its overview map has the point at its new place
    other = run_app("pages/overview.py", query={"lang": "en"})
    assert "39.111" in map_js(other)


def test_editor_proposes_publisher_publishes_new_session_sees_value(fresh_registry):
    reg = fresh_registry.registry
    ed = _sign_in(_open(), EDITOR)
    assert "rv_acc_" not in " ".join(_keys(ed))
    _ok(ed.selectbox(key="rv_ed_point").set_value("M05").run())
    assert "rv_ed_M05_publish" not in _keys(ed)  # an editor only proposes
    ed.text_input(key="rv_ed_M05_name_en").set_value("Renamed canteen")
    _ok(ed.button(key="rv_ed_M05_propose").click().run())
    assert any("proposed" in s.value for s in ed.success), [e.value for e in ed.error]
    [cs] = reg.pending_changesets(fresh_registry.publisher)
    assert reg.version() == 1 and cs.status == "proposed"
    pub = _sign_in(_open(), PUBLISHER)
    assert "Renamed canteen" in _texts(pub)
    _ok(pub.button(key=f"rv_pub_{cs.id}").click().run())
    assert any(f"Change set {cs.id} published" in s.value for s in pub.success)
    fresh_session = run_app("pages/overview.py", query={"lang": "en"})
    assert "Renamed canteen" in map_js(fresh_session)
    history = _texts(_open())
    assert "Renamed canteen" in history


def test_edit_errors_are_shown_by_field(fresh_registry):
    at = _sign_in(_open(), PUBLISHER)
    _ok(at.selectbox(key="rv_ed_point").set_value("M05").run())
    at.text_input(key="rv_ed_M05_verified_on").set_value("31/12/2025")
    _ok(at.button(key="rv_ed_M05_publish").click().run())
    assert at.error, "no error shown"
    table = next(d.value for d in at.dataframe if "Field" in d.value.columns and "Problem" in d.value.columns)
    assert "verified_on" in list(table["Field"])
    assert fresh_registry.registry.version() == 1


def test_conflict_shows_their_change_and_keeps_my_input(fresh_registry):
    reg = fresh_registry.registry
    mine = _sign_in(_open(), PUBLISHER)
    _ok(mine.selectbox(key="rv_ed_point").set_value("M05").run())
    # meanwhile someone else publishes a change of the same point
    _, v = reg.record("meal_points", "M05")
    reg.propose_edit(fresh_registry.publisher, "meal_points", "M05", {"phone": "0411-12345678"}, v, publish=True)
    mine.text_input(key="rv_ed_M05_hours").set_value("Mo-Fr 10:30-13:00")
    _ok(mine.button(key="rv_ed_M05_publish").click().run())
    body = _texts(mine)
    assert "changed meanwhile" in body and "0411-12345678" in body, body
    assert "Your input is still in the form" in body
    assert mine.text_input(key="rv_ed_M05_hours").value == "Mo-Fr 10:30-13:00"
    assert reg.record("meal_points", "M05")[0].get("hours") in (None, "")


def test_reject_and_merge_reports(fresh_registry):
    reg = fresh_registry.registry
    a, b = _report(reg, "first"), _report(reg, "second")
    at = _sign_in(_open(), EDITOR)
    at.text_input(key=f"rv_rej_reason_{a}").set_value("not a meal point")
    _ok(at.button(key=f"rv_rej_{a}").click().run())
    assert any(f"Report {a} rejected" in s.value for s in at.success)
    assert [r.id for r in reg.pending_reports(fresh_registry.editor)] == [b]


def test_import_shows_the_diff_and_the_publisher_applies_it(fresh_registry):
    reg = fresh_registry.registry
    df = pd.read_csv(DATA / "meal_points.csv", dtype=str, keep_default_na=False)
    df.loc[df["id"] == "M01", "hours"] = "Mo-Su 11:00-13:00"
    df = df[df["id"] != "M60"]
    at = _sign_in(_open(), PUBLISHER)
    at.get("file_uploader")[0].set_value(("official.csv", df.to_csv(index=False).encode(), "text/csv")).run()
    _ok(at.button(key="rv_imp_go").click().run())
    body = _texts(at)
    assert "0 added, 1 changed, 1 removed, 58 unchanged" in body, body[-2000:]
    assert "Mo-Su 11:00-13:00" in body
    _ok(at.button(key="rv_imp_apply").click().run())
    assert reg.record("meal_points", "M60") is None
    assert reg.history()[0].source == "import" and "official.csv sha256:" in reg.history()[0].source_ref


def test_import_of_a_bad_file_shows_rows(fresh_registry):
    df = pd.read_csv(DATA / "meal_points.csv", dtype=str, keep_default_na=False)
    df.loc[3, "lat"] = "north"
    at = _sign_in(_open(), PUBLISHER)
    at.get("file_uploader")[0].set_value(("bad.csv", df.to_csv(index=False).encode(), "text/csv")).run()
    _ok(at.button(key="rv_imp_go").click().run())
    assert at.error
    assert any("lat" in str(d.value.to_dict()) for d in at.dataframe)
    assert not fresh_registry.registry.pending_changesets(fresh_registry.publisher)


def test_revert_and_export(fresh_registry):
    reg = fresh_registry.registry
    _, v = reg.record("meal_points", "M05")
    cs = reg.propose_edit(fresh_registry.publisher, "meal_points", "M05", {"phone": "0411-1"}, v, publish=True)
    clear_ui_caches()
    at = _sign_in(_open(), PUBLISHER)
    _ok(at.selectbox(key="rv_hist_cs").set_value(cs.id).run())
    _ok(at.button(key=f"rv_rev_{cs.id}").click().run())
    assert any(f"Change set {cs.id} reverted" in s.value for s in at.success), [e.value for e in at.error]
    assert reg.history()[0].source == "revert"
    _ok(at.button(key="rv_exp_go").click().run())
    data = next(b for b in at.get("download_button") if "ZIP" in b.proto.label)
    names = zipfile.ZipFile(io.BytesIO(at.session_state["rv_exp_zip"])).namelist()
    assert data and any(n.endswith("history.json") for n in names) and any(n.endswith("meal_points.csv") for n in names)


@pytest.mark.parametrize("payload", PAYLOADS)
def test_hostile_report_text_is_shown_as_text(fresh_registry, payload):
    _report(fresh_registry.registry, payload, kind="other")
    at = _sign_in(_open(), PUBLISHER)
    for m in at.markdown:
        if m.proto.allow_html:
            assert payload not in m.value
    shown = [m.value for m in at.markdown if "Resident's note" in m.value]
    assert shown and "<" not in shown[0].replace("\\<", "")


# ------------------------------------------------------------------ database unreachable


def test_database_unreachable_banner_pages_render_editing_unavailable(monkeypatch):
    monkeypatch.setenv("JINPU_DB_URL", UNREACHABLE)
    clear_ui_caches()
    try:
        at = _open()
        assert any("cannot be reached" in w.value for w in at.warning)
        assert any("edits cannot be sent now" in e.value for e in at.error)
        assert "rv_si_name" not in _keys(at)
        assert "/ 60" in _texts(at)  # the bundled data, read-only
        for page in ("pages/overview.py", "pages/finder.py", "pages/data.py"):
            other = run_app(page, query={"lang": "en"})
            assert any("cannot be reached" in w.value for w in other.warning), page
    finally:
        clear_ui_caches()


# ------------------------------------------------------------------ the data page


def _upload_meal_points(at, data: bytes):
    up = next(u for u in at.get("file_uploader") if "dt_up_meal_points" in u.proto.id)
    up.set_value(("official.csv", data, "text/csv")).run()
    return _ok(at)


def test_data_page_editor_proposes_the_uploaded_file(fresh_registry):
    reg = fresh_registry.registry
    df = pd.read_csv(DATA / "meal_points.csv", dtype=str, keep_default_na=False)
    df.loc[df["id"] == "M02", "phone"] = "0411-87654321"
    data = df.to_csv(index=False).encode()
    # not signed in: the upload is this session's preview only, nothing to propose
    anon = _upload_meal_points(run_app("pages/data.py", query={"lang": "en"}), data)
    assert "dt_propose_meal_points" not in _keys(anon)
    # a signed-in editor (signed in on the registry page, same session) may propose it
    at = _sign_in(_open(), EDITOR)
    at.switch_page("pages/data.py").run()
    _upload_meal_points(at, data)
    _ok(at.button(key="dt_propose_meal_points").click().run())
    assert any("0 added, 1 changed, 0 removed, 59 unchanged" in s.value for s in at.success), [
        e.value for e in at.error
    ]
    [cs] = reg.pending_changesets(fresh_registry.publisher)
    assert cs.source == "import" and [c.record_id for c in cs.changes] == ["M02"]
    assert reg.version() == 1  # proposed, not published


def test_history_of_one_point(fresh_registry):
    reg = fresh_registry.registry
    for pid, phone in (("M05", "0411-5"), ("M07", "0411-7")):
        _, v = reg.record("meal_points", pid)
        reg.propose_edit(fresh_registry.publisher, "meal_points", pid, {"phone": phone}, v, publish=True)
    clear_ui_caches()
    at = _open()
    _ok(at.selectbox(key="rv_hist_point").set_value("M07").run())
    table = next(d.value for d in at.dataframe if "Records" in d.value.columns)
    assert list(table["Records"]) == ["M07"] or all("M07" in r for r in table["Records"])
    changes = at.dataframe[-1].value
    assert set(changes["Record"]) == {"M07"} and "0411-7" in list(changes["After"])


def test_with_auth_configured_sign_in_is_st_login(fresh_registry):
    """[auth] in st.secrets: the page offers st.login (OIDC), not the password form."""
    from streamlit.testing.v1 import AppTest

    from tests.support.apptest import APP

    at = AppTest.from_file(str(APP), default_timeout=60)
    at.secrets["auth"] = {"redirect_uri": "http://localhost:8501/oauth2callback", "cookie_secret": "x" * 32}
    at.query_params["lang"] = "en"
    at.run()
    _ok(at.switch_page(PAGE).run())
    assert "rv_login" in _keys(at) and "rv_si_name" not in _keys(at)
    assert [b.label for b in at.button if b.key == "rv_login"] == ["Sign in with your organisation's account"]
    assert "rv_signout" not in _keys(at)
