"""Residents' reports: limits, rates (per client, per server), review."""

from __future__ import annotations

import pytest

from geo.data.registry import REPORT_TEXT_MAX, NotAllowed, RateLimited, RegistryError
from geo.data.registry import store as store_module
from geo.data.registry.limits import RATE_CLIENT


def report(reg, **kw):
    args = {"point_id": "M01", "kind": "hours", "text": "closes at 12", "lat": None, "lon": None, "client": "a"}
    return reg.add_report(**{**args, **kw})


def test_report_is_stored_pending_and_hidden(reg, editor):
    rid = report(reg)
    got = reg.report(editor, rid)
    assert (got.status, got.kind, got.text, got.point_id) == ("pending", "hours", "closes at 12", "M01")
    assert got.created_at.tzinfo is not None
    assert [r.id for r in reg.pending_reports(editor)] == [rid]
    assert reg.version() == 1  # nothing public changes
    from geo.data.registry import Actor

    with pytest.raises(NotAllowed):
        reg.pending_reports(Actor("anyone", False, False, "local"))


@pytest.mark.parametrize(
    ("kw", "key"),
    [
        ({"kind": "spam"}, "reg.err.report_kind"),
        ({"text": "x" * (REPORT_TEXT_MAX + 1)}, "reg.err.report_text_long"),
        ({"kind": "moved"}, "reg.err.report_position_needed"),
        ({"kind": "new", "point_id": None}, "reg.err.report_position_needed"),
        ({"kind": "moved", "lat": 31.2, "lon": 121.5}, "reg.err.report_outside"),
        ({"kind": "moved", "lat": 39.1, "lon": None}, "reg.err.report_coords"),
        ({"kind": "moved", "lat": "x", "lon": "y"}, "reg.err.report_coords"),
        ({"point_id": None}, "reg.err.report_point_needed"),
        ({"point_id": "M999"}, "reg.err.unknown_record"),
    ],
)
def test_report_limits(reg, editor, kw, key):
    with pytest.raises(RegistryError) as err:
        report(reg, **kw)
    assert err.value.key == key
    assert err.value.message("zh") and err.value.message("en")
    assert reg.pending_reports(editor) == []


def test_text_at_the_limit_is_accepted(reg, editor):
    rid = report(reg, text="字" * REPORT_TEXT_MAX)
    assert len(reg.report(editor, rid).text) == REPORT_TEXT_MAX


def test_rate_per_client(reg, editor):
    limit, _window = RATE_CLIENT
    for _ in range(limit):
        report(reg, client="browser-1")
    with pytest.raises(RateLimited) as err:
        report(reg, client="browser-1")
    assert err.value.key == "reg.err.rate_client"
    assert "10" in err.value.message("en") and str(limit) in err.value.message("zh")
    report(reg, client="browser-2")  # another session is not affected
    assert len(reg.pending_reports(editor)) == limit + 1


def test_rate_per_server(reg, editor, monkeypatch):
    monkeypatch.setattr(store_module, "RATE_SERVER", (3, 3600))
    for i in range(3):
        report(reg, client=f"b{i}")
    with pytest.raises(RateLimited) as err:
        report(reg, client="b-new")
    assert err.value.key == "reg.err.rate_server"
    assert len(reg.pending_reports(editor)) == 3


def test_accept_moved_report_publishes_position(reg, publisher):
    rid = report(reg, kind="moved", lat=39.1095, lon=121.7135)
    cs = reg.accept_report(publisher, rid, {"lat": 39.1095, "lon": 121.7135}, publish=True)
    assert (cs.source, cs.source_ref, cs.status) == ("report", f"report {rid}", "published")
    doc, _ = reg.record("meal_points", "M01")
    assert (doc["lat"], doc["lon"]) == (39.1095, 121.7135)
    got = reg.report(publisher, rid)
    assert (got.status, got.changeset_id, got.reviewed_by) == ("accepted", cs.id, "pat")
    assert reg.pending_reports(publisher) == []


def test_accept_by_editor_only_proposes_and_reject_returns_report(reg, editor, publisher):
    rid = report(reg)
    cs = reg.accept_report(editor, rid, {"hours": "Mo-Fr 10:30-12:00"}, publish=True)
    assert cs.status == "proposed" and reg.version() == 1
    reg.reject(publisher, cs.id, "hours unconfirmed")
    assert reg.report(editor, rid).status == "pending"


def test_new_point_report(reg, publisher):
    rid = report(reg, kind="new", point_id=None, lat=39.11, lon=121.72)
    fields = {
        "name_zh": "新食堂",
        "name_en": "New canteen",
        "subdistrict_code": "210213001000",
        "lat": 39.11,
        "lon": 121.72,
        "location_precision": "address",
    }
    cs = reg.accept_report(publisher, rid, fields, publish=True)
    assert cs.changes[0].op == "add"
    assert reg.record("meal_points", cs.changes[0].record_id)[0]["name_zh"] == "新食堂"


def test_reject_and_merge(reg, editor):
    a, b, c = report(reg), report(reg), report(reg)
    reg.reject_report(editor, a, "spam")
    reg.merge_report(editor, b, c)
    assert (reg.report(editor, a).status, reg.report(editor, a).reason) == ("rejected", "spam")
    assert (reg.report(editor, b).status, reg.report(editor, b).duplicate_of) == ("merged", c)
    with pytest.raises(RegistryError) as err:
        reg.reject_report(editor, a, "again")
    assert err.value.key == "reg.err.report_not_pending"
    with pytest.raises(RegistryError):
        reg.merge_report(editor, c, c)
    assert [r.id for r in reg.pending_reports(editor)] == [c]
