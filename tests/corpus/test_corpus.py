"""Every bad file of the corpus gets its specific message (and never a traceback)."""

from __future__ import annotations

import pytest

from geo.data.loader import context_for, load_bundled, validate_bytes
from tests.corpus.cases import CASES


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


def test_corpus_is_large_enough():
    assert len([c for c in CASES if c.level == "error"]) >= 25
    assert len({c.name for c in CASES}) == len(CASES)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_bad_file_message(case, ds):
    ctx = context_for(ds) if case.layer != "subdistricts" else None
    report = validate_bytes(case.layer, case.make(), case.name, ctx)
    hits = [i for i in report.issues if i.key == case.key and i.level == case.level]
    assert hits, f"{case.name}: expected {case.key}, got:\n" + "\n".join(report.lines())
    issue = hits[0]
    if case.row is not None:
        assert any(i.row == case.row for i in hits), [i.row for i in hits]
    if case.column is not None:
        assert any(i.column == case.column for i in hits), [i.column for i in hits]
    texts = [i.text("en") for i in hits]
    assert any(case.fragment in s for s in texts), texts
    assert case.name in issue.text("en")  # the file is named
    # Chinese text exists and differs
    assert issue.text("zh") != issue.text("en")
    if case.level == "error":
        assert not report.ok and report.data is None
    else:
        assert report.ok, "\n".join(report.lines())
