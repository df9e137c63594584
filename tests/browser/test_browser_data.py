"""The data page in headless Chromium: a real upload replaces the layer for this
session only, with a banner; another browser session still sees the bundled data."""

import pytest

from tests.corpus.cases import meal_df
from tests.support.browser import chromium_available, new_page

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not chromium_available(), reason="Debian chromium is not installed"),
]


def test_upload_in_one_session_only(server, chromium, tmp_path):
    df = meal_df().head(7).copy()
    df.at[0, "name_en"] = '<img src=x onerror="alert(1)">'
    f = tmp_path / "mine.csv"
    f.write_bytes(df.to_csv(index=False).encode("gb18030"))

    a = new_page(chromium)
    a.goto(server + "/data?lang=en")
    a.get_by_text("Upload to replace this layer").first.wait_for(timeout=30_000)
    a.get_by_role("tab", name="Elderly meal points").click()
    a.locator("input[type=file]").nth(2).set_input_files(str(f))
    a.get_by_text("Using your uploaded data").wait_for(timeout=30_000)
    a.get_by_text("7 records").first.wait_for(state="attached", timeout=30_000)  # later in the run than the banner
    assert not a.dialogs  # the hostile name never ran

    b = new_page(chromium)
    b.goto(server + "/data?lang=en")
    b.get_by_text("Upload to replace this layer").first.wait_for(timeout=30_000)
    assert b.get_by_text("Using your uploaded data").count() == 0
    assert b.get_by_text("60 records").count() >= 1

    a.get_by_role("button", name="Back to the bundled data").click()
    a.get_by_text("· 60 records").first.wait_for(state="attached", timeout=30_000)
    assert a.get_by_text("Using your uploaded data").count() == 0
