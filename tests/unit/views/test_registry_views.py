"""The registry pages' logic without Streamlit: the per-process published dataset (version
check throttled, re-read only on a new version, kept when the database is unreachable),
texts and tables of the registry page, and the report page's state."""

from __future__ import annotations

import threading
from datetime import UTC, datetime

import pytest

from geo.data.loader import load_bundled
from geo.data.registry import Change, ChangeSet, FieldChange, Report, Unavailable
from geo.views import registry as rg
from geo.views import report as rp
from geo.views import shell


class FakeRegistry:
    def __init__(self, ds):
        self.ds = ds
        self.v = 1
        self.down = False
        self.inits = self.versions = self.reads = 0

    def init(self):
        self.inits += 1

    def version(self):
        self.versions += 1
        if self.down:
            raise Unavailable("reg.err.unavailable")
        return self.v

    def published(self):
        self.reads += 1
        if self.down:
            raise Unavailable("reg.err.unavailable")
        return self.v, self.ds


class Clock:
    def __init__(self):
        self.now = 100.0

    def __call__(self):
        return self.now


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


def _published(ds):
    reg, clock = FakeRegistry(ds), Clock()
    return reg, clock, shell.Published(reg, lambda: ds, interval=1.0, clock=clock)


def test_version_checked_at_most_once_per_interval_and_read_once_per_version(ds):
    reg, clock, pub = _published(ds)
    first = pub.snapshot()
    assert (first.version, first.available, reg.inits, reg.reads) == (1, True, 1, 1)
    for _ in range(50):  # 50 reruns within the second: no database round trip
        assert pub.snapshot() is first
    assert reg.versions == 1
    clock.now += 1.0
    pub.snapshot()
    assert (reg.versions, reg.reads) == (2, 1)  # same version: not re-read
    reg.v = 2
    clock.now += 1.0
    assert pub.snapshot().version == 2 and reg.reads == 2 and reg.inits == 1


def test_invalidate_checks_at_once(ds):
    reg, _clock, pub = _published(ds)
    pub.snapshot()
    reg.v = 5
    assert pub.snapshot().version == 1  # within the second: the kept state
    pub.invalidate()
    assert pub.snapshot().version == 5


def test_unreachable_keeps_the_last_published_dataset(ds):
    reg, clock, pub = _published(ds)
    good = pub.snapshot()
    reg.down = True
    clock.now += 2
    snap = pub.snapshot()
    assert snap.dataset is good.dataset and snap.version == 1 and not snap.available
    assert "last published data" in shell.unavailable_text(snap, "en")
    assert shell.editing_unavailable_text(snap, "en").startswith("Reports and edits cannot be sent now: the database")
    reg.down = False
    clock.now += 2
    assert pub.snapshot().available


def test_unreachable_from_the_start_serves_the_bundled_files(ds):
    reg = FakeRegistry(ds)
    reg.down = True
    sentinel = object()
    pub = shell.Published(reg, lambda: sentinel, clock=Clock())
    snap = pub.snapshot()
    assert snap.dataset is sentinel and snap.version is None
    assert "bundled data" in shell.unavailable_text(snap, "en")
    assert shell.unavailable_text(shell.Snapshot(ds, 1, None), "en") == ""


def test_a_slow_check_does_not_block_other_sessions(ds):
    reg, clock, pub = _published(ds)
    first = pub.snapshot()
    clock.now += 5
    entered, release = threading.Event(), threading.Event()

    def slow_version():
        entered.set()
        release.wait(5)
        return 1

    reg.version = slow_version
    worker = threading.Thread(target=pub.snapshot)
    worker.start()
    entered.wait(5)
    assert pub.snapshot() is first  # served at once while the other session checks
    release.set()
    worker.join(5)


def test_registry_sources_are_not_an_upload_banner(ds):
    reg_ds = ds.replace("meal_points", ds.meal_points, "registry")
    reg_ds = reg_ds.replace("projects", ds.projects, "registry").replace("subdistricts", ds.subdistricts, "registry")
    assert shell.uploaded_layers_text(reg_ds, "en") == ""
    assert "mine.csv" in shell.uploaded_layers_text(reg_ds.replace("meal_points", ds.meal_points, "mine.csv"), "en")


# ------------------------------------------------------------------ registry page texts and tables


def _cs(changes, **kw):
    base = dict(
        id=7,
        status="published",
        created_at=datetime(2026, 1, 5, 2, 30, tzinfo=UTC),
        created_by="ed",
        source="report",
        source_ref="report 3",
        note="",
        published_at=datetime(2026, 1, 5, 2, 30, tzinfo=UTC),
        published_by="pub",
        reason="",
        reverts=None,
        changes=tuple(changes),
    )
    return ChangeSet(**(base | kw))


def test_change_rows_field_by_field_with_formulas_neutralised():
    ch = Change(
        "meal_points",
        "M05",
        "change",
        {},
        {},
        3,
        (
            FieldChange("hours", "Mo-Fr 10:00-12:00", "Mo-Fr 11:00-13:00"),
            FieldChange("phone", None, "=cmd|' /C calc'!A0"),
        ),
    )
    df = rg.change_rows([ch], "en")
    assert list(df.columns) == ["Layer", "Record", "Change", "Field", "Before", "After"]
    assert df.iloc[0].tolist() == [
        "Elderly meal points",
        "M05",
        "changed",
        "hours",
        "Mo-Fr 10:00-12:00",
        "Mo-Fr 11:00-13:00",
    ]
    assert df.iloc[1]["After"].startswith("'=") and df.iloc[1]["Before"] == ""


def test_history_rows_and_title_in_local_time():
    cs = _cs([Change("meal_points", "M05", "change", {}, {}, 1, ())])
    df = rg.history_rows([cs], "zh")
    assert df.iloc[0]["时间"] == "2026-01-05 10:30"  # Asia/Shanghai
    assert df.iloc[0]["来源"] == "居民报告 · report 3" and df.iloc[0]["操作人"] == "pub"
    assert rg.changeset_title(cs, "en").startswith("\\#7 · 2026\\-01\\-05 10:30")


def test_precision_counts_and_summary(ds):
    df = rg.precision_counts(ds, "zh")
    assert sum(int(n) for n in df["助餐点数"]) == len(ds.meal_points)
    verified = int(ds.meal_points["location_precision"].isin(["address", "surveyed"]).sum())
    assert rg.precision_summary(ds, "zh") == f"已核实 {verified} / {len(ds.meal_points)}"


def test_report_text_is_escaped_markdown(ds):
    r = Report(
        1,
        datetime.now(UTC),
        "M05",
        "other",
        "<img src=x onerror=alert(1)>*bold*",
        None,
        None,
        "pending",
        "",
        None,
        None,
        None,
    )
    text = rg.report_text(r, "en")
    assert "\\<img" in text and "\\*bold\\*" in text
    assert "Youyi meal point 2" in rg.report_markdown(r, ds, "en")


def test_edit_changes_only_what_changed():
    before = {"hours": "Mo-Fr 10:00-12:00", "phone": ""}
    assert rg.edit_changes({"hours": "Mo-Fr 10:00-12:00 ", "phone": ""}, before) == {}
    assert rg.edit_changes({"hours": "", "phone": "0411-1"}, before) == {"hours": None, "phone": "0411-1"}


def test_accept_fields_for_a_moved_report(ds):
    r = Report(1, datetime.now(UTC), "M05", "moved", "", 39.111, 121.703, "pending", "", None, None, None)
    defaults = rg.report_fields(r, ds)
    assert defaults["lat"] == "39.111000" and defaults["lon"] == "121.703000"
    assert rg.accept_fields(r, defaults, ds) == {"lat": "39.111000", "lon": "121.703000"}
    closed = Report(2, datetime.now(UTC), "M05", "closed", "", None, None, "pending", "", None, None, None)
    assert rg.accept_fields(closed, rg.report_fields(closed, ds), ds) == {}  # the registry removes the point


# ------------------------------------------------------------------ report page state


def test_client_key_hashes_the_session_token():
    key = rp.client_key("session-token-abc")
    assert "session-token-abc" not in key and len(key) == 32 and key == rp.client_key("session-token-abc")
    assert key != rp.client_key("session-token-abd")


def test_map_tap_and_typed_place():
    s = rp.map_click(rp.PageState(), {"lat": 39.1, "lng": 121.7}, "blank")
    assert s.picked == (121.7, 39.1)
    assert rp.map_click(s, {"lat": 39.1, "lng": 121.7}, "blank") is s  # the repeated click
    gcj = rp.map_click(rp.PageState(), {"lat": 39.1, "lng": 121.7}, "amap")
    assert gcj.picked != (121.7, 39.1) and abs(gcj.picked[0] - 121.7) < 0.01  # shifted back to WGS-84
    bad = rp.typed_place(s, "north")
    assert bad.coords_err and bad.picked == s.picked
    assert rp.typed_place(s, "39.2, 121.8").picked == (121.8, 39.2)


def test_point_info_and_markdown(ds):
    info = rp.point_info(ds, "M05", "zh")
    row = ds.meal_points.set_index("id").loc["M05"]
    assert (info.id, info.precision, info.lat) == ("M05", row["location_precision"], float(row["lat"]))
    assert info.subdistrict == "友谊街道"
    assert "M05" in rp.point_markdown(info, "zh")
    assert rp.point_info(ds, "M999", "zh") is None and rp.point_info(ds, None, "zh") is None


def test_submit_needs_a_kind_and_a_place():
    class Nobody:
        def add_report(self, **kw):
            raise AssertionError("must not be called")

    assert not rp.submit(Nobody(), point_id="M05", kind=None, text="", s=rp.PageState(), client="c", lang="en").ok
    out = rp.submit(Nobody(), point_id="M05", kind="moved", text="", s=rp.PageState(), client="c", lang="en")
    assert not out.ok and "tap the place" in out.text
