"""A hostile dataset for the injection audit.

The bundled data with every free-text field of every record (names, summaries, notes,
addresses, phones, hours, prices, sources) carrying one of the payloads below, rotated
over the records, in front of the original text so that the pages stay usable. Each
payload that could run script calls ``alert('xss:<tag>')``: any dialog, in the page or
in the map iframe, names the payload that got through.

``python tests/corpus/hostile.py OUT_DIR`` writes the three files (they pass validation, with
warnings), e.g. to try them in the app by hand.
"""

from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

from tests.corpus.cases import csv_bytes, geojson_bytes, meal_df, proj_df, sub_json  # noqa: E402

PAYLOADS = (
    "<img src=x onerror=alert('xss:img')>",
    "<script>alert('xss:script')</script>",
    "</script><script>alert('xss:close')</script>",
    "${alert('xss:tpl')}",
    "`+alert('xss:tick')+`",
    "javascript:alert('xss:js')",
    "<a href=\"javascript:alert('xss:href')\">link</a>",
    "<svg onload=alert('xss:svg')>",
    "'\"><iframe src=\"javascript:alert('xss:iframe')\"></iframe>",
    "\\`;alert('xss:bs');//",
    "{{7*7}}<b onmouseover=alert('xss:hover')>b</b>",
)
# cells a spreadsheet would run as formulas: exports must neutralise them
FORMULAS = (
    '=HYPERLINK("http://evil.example/","x")',
    "+1+1",
    "-2+3",
    "@SUM(1,1)",
    "=cmd|' /C calc'!A0",
)
# every payload's marker, as the dialog message would show it
MARKERS = tuple(p.split("alert('")[1].split("'")[0] for p in PAYLOADS if "alert('" in p)

MEAL_TEXT = ("name_zh", "name_en", "address", "phone", "hours", "price_note", "source")
PROJ_TEXT = ("name_zh", "name_en", "summary_zh", "summary_en", "location_note", "figures_note")
SUB_TEXT = ("name_zh", "name_en")


def _hostile(i: int, j: int, orig: str) -> str:
    """Record i, field j: a formula cell now and then (it must start the cell), else a
    payload in front of the original text."""
    if (i + j) % 4 == 3:
        return FORMULAS[(i + j) % len(FORMULAS)] + " " + orig
    return PAYLOADS[(i * 3 + j) % len(PAYLOADS)] + " " + orig


def hostile_hours(i: int, j: int) -> str:
    """Opening hours are structured (OSM ``opening_hours`` syntax, validated on upload):
    the payload rides in the syntax's free-text comment, which may hold anything but a
    double quote, so it is shown wherever the hours are."""
    payload = PAYLOADS[(i * 3 + j) % len(PAYLOADS)].replace('"', "'")
    return f'Mo-Fr 10:30-13:00 "{payload}"'


def hostile_meal_points() -> bytes:
    df = meal_df()
    for i in range(len(df)):
        for j, col in enumerate(MEAL_TEXT):
            df.at[i, col] = hostile_hours(i, j) if col == "hours" else _hostile(i, j, df.at[i, col] or "")
    return csv_bytes(df)


def hostile_projects() -> bytes:
    df = proj_df()
    for i in range(len(df)):
        for j, col in enumerate(PROJ_TEXT):
            df.at[i, col] = _hostile(i, j, df.at[i, col] or "")
    return csv_bytes(df)


def hostile_subdistricts() -> bytes:
    obj = sub_json()
    for i, feat in enumerate(obj["features"]):
        for j, col in enumerate(SUB_TEXT):
            # names stay unique: the original name is kept after the payload
            feat["properties"][col] = _hostile(i, j, str(feat["properties"][col]))
    return geojson_bytes(obj)


FILES = {
    "subdistricts": ("subdistricts.geojson", hostile_subdistricts),
    "projects": ("projects.csv", hostile_projects),
    "meal_points": ("meal_points.csv", hostile_meal_points),
}


def write(out_dir: str | Path) -> dict[str, Path]:
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    paths = {}
    for layer, (name, make) in FILES.items():
        p = out / name
        p.write_bytes(make())
        paths[layer] = p
    return paths


if __name__ == "__main__":
    for layer, p in write(sys.argv[1] if len(sys.argv) > 1 else "hostile_data").items():
        print(layer, p)
