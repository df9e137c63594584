"""Injection audit of the registry pages: every hostile payload (tests/corpus/hostile.py)
goes in through a resident's report (the report page, typed in a real browser, and the
registry API) and through an editor's edit (proposed and published), and is then shown on
the registry page's review queue and history, with their before/after maps, in headless
Chromium. No dialog may open, no script may run, no data may become markup, and the text
must appear as text.
"""

from __future__ import annotations

import pytest

from geo.data.registry import Actor
from tests.corpus.hostile import PAYLOADS
from tests.support.audit import EXERCISE_MAP, HOOK, check_frames, map_frames, wait_idle
from tests.support.browser import chromium_available, new_page, streamlit_server
from tests.support.registry import PUBLISHER, make_registry, sqlite_url

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
]

PUB = Actor(PUBLISHER[0], editor=True, publisher=True, via="local")
EDITED = [f"M{i:02d}" for i in range(1, len(PAYLOADS) + 1)]


@pytest.fixture(scope="module")
def hostile_server(tmp_path_factory):
    """A server whose registry holds a pending report and a published and a proposed edit
    for every payload."""
    url = sqlite_url(tmp_path_factory.mktemp("audit") / "registry.db")
    reg = make_registry(url)
    for i, p in enumerate(PAYLOADS):
        reg.add_report(point_id="M05", kind="other", text=p, lat=None, lon=None, client=f"audit-{i:02d}" + "x" * 24)
    for pid, p in zip(EDITED, PAYLOADS):
        _, v = reg.record("meal_points", pid)
        reg.propose_edit(PUB, "meal_points", pid, {"name_en": p, "address": p}, v, note=p, publish=True)
    _, v = reg.record("meal_points", "M20")
    reg.propose_edit(PUB, "meal_points", "M20", {"price_note": PAYLOADS[0]}, v, note=PAYLOADS[1])
    with streamlit_server(env={"JINPU_DB_URL": url}) as base:
        yield base, reg
    reg.dispose()


def _page(chromium, width=1280):
    page = new_page(chromium, width, 900)
    page.context.add_init_script(HOOK)
    return page


def _check(page) -> str:
    found = check_frames(page)
    assert not page.dialogs, page.dialogs
    assert not found["hits"], found["hits"]
    assert not found["bad"], found["bad"]
    return found["text"]


def test_a_typed_hostile_report_is_stored_as_text(hostile_server, chromium):
    base, reg = hostile_server
    page = _page(chromium, 390)
    page.goto(f"{base}/report?point=M06&lang=en")
    page.get_by_text("Something else").click()
    payload = PAYLOADS[2]
    page.get_by_role("textbox").last.fill(payload)
    page.get_by_role("button", name="Send the report").click()
    page.get_by_text("Thank you!").wait_for(timeout=20_000)
    _check(page)
    assert any(r.text == payload and r.point_id == "M06" for r in reg.pending_reports(PUB))
    page.context.close()


def test_review_queue_and_history_show_payloads_as_text(hostile_server, chromium):
    base, _ = hostile_server
    page = _page(chromium)
    page.goto(f"{base}/registry?lang=en")
    page.get_by_role("textbox", name="Name").fill(PUBLISHER[0])
    page.get_by_role("textbox", name="Password").fill(PUBLISHER[1])
    page.get_by_role("button", name="Sign in").click()
    page.get_by_text("Signed in:").wait_for(timeout=30_000)
    wait_idle(page)
    frames = map_frames(page)
    assert len(frames) >= 2  # the before/after maps of the reports and of the proposed edit
    for frame in frames:
        frame.evaluate(EXERCISE_MAP)
    text = _check(page)
    # the residents' words and the editors' notes, as text
    for p in PAYLOADS:
        assert p in text, p
    page.context.close()


def test_public_history_of_a_point_shows_payloads_as_text(hostile_server, chromium):
    base, _ = hostile_server
    page = _page(chromium)
    page.goto(f"{base}/registry?lang=en")
    page.get_by_text("Published history").wait_for(timeout=30_000)
    wait_idle(page)
    text = _check(page)
    # published edits are in the history; nothing pending is shown publicly
    assert f"#{len(EDITED) + 1} · " in text  # the newest published change set, titled
    assert "Resident's note" not in text and "Residents' reports" not in text
    page.context.close()
