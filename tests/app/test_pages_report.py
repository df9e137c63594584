"""The report page (AppTest): a resident's report is stored pending and never shown
publicly; its limits and errors are shown in the page language; hostile text stays text;
with the database unreachable the page says reports cannot be sent."""

from __future__ import annotations

import pytest

from geo.data.registry import RATE_CLIENT, REPORT_TEXT_MAX
from geo.views import report as rp
from tests.corpus.hostile import PAYLOADS
from tests.support.apptest import run_app
from tests.support.registry import clear_ui_caches

PAGE = "pages/report.py"
UNREACHABLE = "postgresql+psycopg://nobody:secret@127.0.0.1:1/none"


def _ok(at):
    assert not at.exception, [e.value for e in at.exception]
    return at


def _open(point="M05", lang="en"):
    query = {"lang": lang} | ({"point": point} if point else {})
    return run_app(PAGE, query=query)


def _report(at, kind, text="", coords=None):
    _ok(at.radio(key="rp_kind").set_value(kind).run())
    if coords:
        at.text_input(key="rp_coords").set_value(coords)
        _ok(at.button(key="rp_coords_go").click().run())
    at.text_area(key="rp_text").set_value(text)
    return _ok(at.button(key="rp_submit").click().run())


def test_page_names_the_point_and_its_precision(fresh_registry):
    at = _open()
    body = " ".join(m.value for m in at.markdown)
    assert "Youyi meal point 2" in body and "(M05)" in body and "Youyi" in body
    assert "illustrative position, not a real address" in body
    assert "review" in " ".join(c.value for c in at.caption)
    labels = at.radio(key="rp_kind").options
    assert len(labels) == 6 and "Wrong place (tap the right place on the map)" in labels


def test_moved_report_is_stored_pending_and_not_public(fresh_registry):
    reg = fresh_registry.registry
    version = reg.version()
    at = _report(_open(), "moved", "moved across the street", coords="39.1110, 121.7030")
    assert any("review it before anything changes publicly" in s.value for s in at.success)
    [r] = reg.pending_reports(fresh_registry.publisher)
    assert (r.point_id, r.kind, r.text, r.status) == ("M05", "moved", "moved across the street", "pending")
    assert (round(r.lat, 4), round(r.lon, 4)) == (39.111, 121.703)
    assert len(r.text) and r.lat is not None
    # nothing public changed: the version, the history, the published point
    assert reg.version() == version and len(reg.history()) == 1
    clear_ui_caches()
    public = run_app("pages/registry.py", query={"lang": "en"})
    shown = " ".join(m.value for m in public.markdown) + " ".join(str(d.value) for d in public.dataframe)
    assert "moved across the street" not in shown and "Residents' reports" not in shown


def test_client_key_is_a_hash_of_the_session_not_the_token(fresh_registry):
    at = _report(_open(), "hours", "opens at 11")
    token = at.session_state["_rv_session_token"]
    from sqlalchemy import create_engine, text

    with create_engine(fresh_registry.url).connect() as c:
        clients = [row[0] for row in c.execute(text("SELECT client FROM reports"))]
    assert clients and token not in clients[0] and len(clients[0]) >= 16


def test_moved_without_a_place_says_tap_the_place(fresh_registry):
    at = _report(_open(), "moved", "")
    assert any("tap the place on the map" in e.value for e in at.error)
    assert not fresh_registry.registry.pending_reports(fresh_registry.publisher)


def test_place_outside_the_district_is_refused_with_the_registry_message(fresh_registry):
    at = _report(_open(), "moved", "", coords="31.23, 121.47")
    assert any("outside Jinpu New Area" in e.value for e in at.error)


def test_no_kind_chosen(fresh_registry):
    at = _ok(_open().button(key="rp_submit").click().run())
    assert any("choose what is wrong" in e.value for e in at.error)


def test_text_limit_is_shown_and_kept(fresh_registry):
    at = _open(lang="zh")
    assert f"最多 {REPORT_TEXT_MAX} 字" in at.text_area(key="rp_text").label
    assert at.text_area(key="rp_text").proto.max_chars == REPORT_TEXT_MAX
    _report(at, "other", "字" * (REPORT_TEXT_MAX + 20))
    [r] = fresh_registry.registry.pending_reports(fresh_registry.publisher)
    assert len(r.text) <= REPORT_TEXT_MAX


def test_text_too_long_is_refused_with_the_registry_message(fresh_registry):
    """Past the widget (a crafted request), the registry refuses it, in the page language."""
    out = rp.submit(
        fresh_registry.registry,
        point_id="M05",
        kind="other",
        text="字" * (REPORT_TEXT_MAX + 20),
        s=rp.PageState(),
        client="c" * 32,
        lang="zh",
    )
    assert not out.ok and f"最多 {REPORT_TEXT_MAX} 个" in out.text
    assert not fresh_registry.registry.pending_reports(fresh_registry.publisher)


def test_rate_limit_per_session_is_shown(fresh_registry):
    at = _open()
    limit = RATE_CLIENT[0]
    for i in range(limit):
        _report(at, "other", f"note {i}")
        assert at.success, i
        _ok(at.button(key="rp_again").click().run())
    at = _report(at, "other", "one too many")
    assert any("too many reports" in e.value.lower() for e in at.error), [e.value for e in at.error]
    assert len(fresh_registry.registry.pending_reports(fresh_registry.publisher)) == limit
    # another browser session may still report
    other = _report(_open(), "other", "from another session")
    assert other.success


def test_without_a_point_only_new_and_other(fresh_registry):
    at = _open(point=None)
    assert len(at.radio(key="rp_kind").options) == 2
    at = _report(at, "new", "a canteen opened here", coords="39.05, 121.78")
    [r] = fresh_registry.registry.pending_reports(fresh_registry.publisher)
    assert (r.kind, r.point_id) == ("new", None)


def test_unknown_point_in_the_link(fresh_registry):
    at = _open(point="M999")
    assert any("does not exist" in w.value for w in at.warning)


@pytest.mark.parametrize("payload", PAYLOADS[:4])
def test_hostile_text_is_stored_as_text(fresh_registry, payload):
    _report(_open(), "other", payload)
    [r] = fresh_registry.registry.pending_reports(fresh_registry.publisher)
    assert r.text == payload


def test_database_unreachable_page_renders_and_says_why(monkeypatch):
    monkeypatch.setenv("JINPU_DB_URL", UNREACHABLE)
    clear_ui_caches()
    try:
        at = _open()
        assert any("cannot be reached" in w.value for w in at.warning)
        assert any("Reports and edits cannot be sent now" in e.value for e in at.error)
        assert not at.get("button") or not any(b.key == "rp_submit" for b in at.button)
        # the point is still shown, from the bundled files
        assert "Youyi meal point 2" in " ".join(m.value for m in at.markdown)
    finally:
        clear_ui_caches()
