"""The corpus of bad files: each case builds a small file from the bundled data and
names the message the validator must give (its key, and a fragment of the English
text). The files are built at test time (the oversized one must never be committed);
``python tests/corpus/cases.py OUT_DIR`` writes them out, e.g. to try the command line.
"""

from __future__ import annotations

import io
import json
import sys
import tempfile
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"


@dataclass(frozen=True)
class Case:
    name: str  # also the file name
    layer: str
    make: Callable[[], bytes]
    key: str  # the message key that must be reported
    fragment: str = ""  # a piece of the English message text
    level: str = "error"  # "warning" cases are accepted files whose issue must still be shown
    row: int | None = None  # the data row the issue must point to (when a row applies)
    column: str | None = None


# ---------------------------------------------------------------- building blocks


def meal_df() -> pd.DataFrame:
    return pd.read_csv(DATA / "meal_points.csv", dtype=str, keep_default_na=False)


def proj_df() -> pd.DataFrame:
    return pd.read_csv(DATA / "projects.csv", dtype=str, keep_default_na=False)


def sub_json() -> dict:
    return json.loads((DATA / "subdistricts.geojson").read_text(encoding="utf-8"))


def csv_bytes(df: pd.DataFrame, encoding: str = "utf-8") -> bytes:
    return df.to_csv(index=False).encode(encoding)


def geojson_bytes(obj: dict) -> bytes:
    return json.dumps(obj, ensure_ascii=False).encode("utf-8")


def meal_edit(row: int, **cells) -> bytes:
    """The bundled meal points with cells of data row ``row`` (1-based) changed."""
    df = meal_df()
    for k, v in cells.items():
        df.at[row - 1, k] = v
    return csv_bytes(df)


def proj_edit(row: int, **cells) -> bytes:
    df = proj_df()
    for k, v in cells.items():
        df.at[row - 1, k] = v
    return csv_bytes(df)


def meal_points_geojson(features_edit=None) -> dict:
    df = meal_df().head(5)
    feats = []
    for _, r in df.iterrows():
        props = {k: (v or None) for k, v in r.items() if k not in ("lat", "lon")}
        feats.append(
            {
                "type": "Feature",
                "properties": props,
                "geometry": {"type": "Point", "coordinates": [float(r["lon"]), float(r["lat"])]},
            }
        )
    obj = {"type": "FeatureCollection", "features": feats}
    if features_edit:
        features_edit(obj["features"])
    return obj


def _bowtie(feats):
    g = feats[0]["geometry"]
    x0, y0, x1, y1 = 121.70, 39.10, 121.72, 39.12
    g["type"] = "Polygon"
    g["coordinates"] = [[[x0, y0], [x1, y1], [x1, y0], [x0, y1], [x0, y0]]]


def _spike_ring(feats):
    g = feats[2]["geometry"]
    g["type"] = "Polygon"
    g["coordinates"] = [[[121.70, 39.10], [121.71, 39.10], [121.70, 39.10], [121.70, 39.10]]]


def sub_edit(fn) -> bytes:
    obj = sub_json()
    fn(obj["features"])
    return geojson_bytes(obj)


def _projected(obj: dict) -> dict:
    """The subdistricts in UTM 51N metres, with no CRS declared."""
    import geopandas as gpd

    gdf = gpd.read_file(DATA / "subdistricts.geojson").to_crs(32651)
    out = json.loads(gdf.to_json(drop_id=True))
    out.pop("crs", None)
    return out


def _mixed(feats):
    feats[1]["geometry"] = {"type": "LineString", "coordinates": [[121.8, 39.07], [121.81, 39.08]]}


def _meal_polygon(feats):
    feats[0]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[121.7, 39.1], [121.71, 39.1], [121.71, 39.11], [121.7, 39.1]]],
    }


def _null_geom(feats):
    feats[3]["geometry"] = None


def _sub_outside(feats):
    feats[4]["geometry"] = {
        "type": "Polygon",
        "coordinates": [[[116.3, 39.9], [116.4, 39.9], [116.4, 40.0], [116.3, 39.9]]],
    }


def _sub_swapped(feats):
    g = feats[4]["geometry"]
    feats[4]["geometry"] = {"type": g["type"], "coordinates": _swap(g["coordinates"])}


def _swap(coords):
    if isinstance(coords[0], (int, float)):
        return [coords[1], coords[0]]
    return [_swap(c) for c in coords]


def zip_without_shp() -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        zf.writestr("readme.txt", "no shapefile here")
    return buf.getvalue()


def zipped_shapefile(layer: str = "meal_points", crs: int | None = 4326) -> bytes:
    """A valid zipped Shapefile of a bundled layer (used by the positive tests)."""
    import geopandas as gpd

    from geo.data.loader import load_bundled

    gdf = load_bundled().layer(layer)
    if crs and crs != 4326:
        gdf = gdf.to_crs(crs)
    for c in gdf.columns:
        if str(gdf[c].dtype) == "Int64":
            gdf[c] = gdf[c].astype("float64")
    with tempfile.TemporaryDirectory() as tmp:
        shp = Path(tmp) / f"{layer}.shp"
        import warnings

        with warnings.catch_warnings():  # the 10-character field names are the point of the test
            warnings.simplefilter("ignore", RuntimeWarning)
            gpd.GeoDataFrame(gdf).to_file(shp, driver="ESRI Shapefile", encoding="utf-8")
        buf = io.BytesIO()
        with zipfile.ZipFile(buf, "w") as zf:
            for f in Path(tmp).iterdir():
                zf.write(f, f.name)
        return buf.getvalue()


def oversized() -> bytes:
    from geo.data.loader import MAX_UPLOAD_MB

    head = meal_df().to_csv(index=False).encode()
    pad = b"#" * (MAX_UPLOAD_MB * 1024 * 1024 + 1024 - len(head))
    return head + pad


def header_only() -> bytes:
    return (",".join(meal_df().columns) + "\n").encode()


def dup_ids() -> bytes:
    df = meal_df()
    df.at[4, "id"] = df.at[1, "id"]
    return csv_bytes(df)


def missing_lat() -> bytes:
    return csv_bytes(meal_df().drop(columns=["lat"]))


def renamed_column() -> bytes:
    return csv_bytes(meal_df().rename(columns={"subdistrict_code": "subdistrict"}))


def dup_column() -> bytes:
    text = meal_df().to_csv(index=False)
    lines = text.splitlines()
    lines = [ln + "," + ln.split(",")[0] if i else ln + ",id" for i, ln in enumerate(lines)]
    return ("\n".join(lines) + "\n").encode()


def latin1() -> bytes:
    df = meal_df().head(3).copy()
    df["name_en"] = ["Café Yongzheng", "Crêperie", "Señor"]
    df["name_zh"] = ["café", "crêpe", "niño"]
    df["source"] = ""
    return df.to_csv(index=False).encode("latin-1")


def utf16() -> bytes:
    return meal_df().head(3).to_csv(index=False).encode("utf-16")


def metres_csv() -> bytes:
    return meal_edit(3, lat="4327000", lon="562000")


def malformed_csv() -> bytes:
    return b'id,name_zh\nM01,"unterminated\n'


def truncated_json() -> bytes:
    return geojson_bytes(sub_json())[:500]


def sub_missing_one() -> bytes:
    obj = sub_json()
    obj["features"] = obj["features"][:-1]
    return geojson_bytes(obj)


def sub_unknown_code(feats):
    feats[0]["properties"]["code"] = "210213099000"


def sub_as_csv() -> bytes:
    obj = sub_json()
    rows = [f["properties"] for f in obj["features"]]
    return csv_bytes(pd.DataFrame(rows).astype(str))


def _liangjiadian_shicheng() -> str:
    """The code of the 石城 community in 亮甲店 (the namesake of 湾里's 石城社区)."""
    communities = pd.read_csv(DATA / "nbs2023_jinzhou_communities.csv", dtype=str)
    hit = communities[(communities["street_name"] == "亮甲店街道") & communities["village_name"].str.startswith("石城")]
    return str(hit["village_code"].iloc[0])


CASES: list[Case] = [
    # columns
    Case("missing_column.csv", "meal_points", missing_lat, "v.missing_column", "'lat' is missing", column="lat"),
    Case(
        "renamed_column.csv",
        "meal_points",
        renamed_column,
        "v.unknown_column",
        "did you mean 'subdistrict_code'",
        column="subdistrict",
    ),
    Case("duplicate_column.csv", "meal_points", dup_column, "v.duplicate_column", "more than once", column="id"),
    # cell types and values
    Case(
        "bad_number.csv",
        "meal_points",
        lambda: meal_edit(2, lat="39.1N"),
        "v.not_number",
        "'39.1N' is not a number",
        row=2,
        column="lat",
    ),
    Case(
        "bad_integer.csv",
        "projects",
        lambda: proj_edit(4, institutions="25.5"),
        "v.not_integer",
        "'25.5'",
        row=4,
        column="institutions",
    ),
    Case(
        "out_of_range.csv",
        "projects",
        lambda: proj_edit(1, completed_year="1990"),
        "v.out_of_range",
        "1990",
        row=1,
        column="completed_year",
    ),
    Case(
        "bad_enum.csv",
        "meal_points",
        lambda: meal_edit(5, location_precision="exact"),
        "v.not_allowed",
        "'exact'",
        row=5,
        column="location_precision",
    ),
    Case(
        "required_empty.csv",
        "meal_points",
        lambda: meal_edit(6, name_zh=""),
        "v.required_value",
        "required",
        row=6,
        column="name_zh",
    ),
    Case(
        "bad_date.csv",
        "meal_points",
        lambda: meal_edit(7, verified_on="31/12/2025"),
        "v.bad_date",
        "YYYY-MM-DD",
        row=7,
        column="verified_on",
    ),
    Case(
        "bad_yesno.csv",
        "meal_points",
        lambda: meal_edit(8, dine_in="maybe"),
        "v.bad_yesno",
        "'maybe'",
        row=8,
        column="dine_in",
    ),
    Case(
        "bad_code.csv",
        "meal_points",
        lambda: meal_edit(9, subdistrict_code="21021300"),
        "v.bad_code",
        "12-digit",
        row=9,
        column="subdistrict_code",
    ),
    Case(
        "unknown_code.csv",
        "meal_points",
        lambda: meal_edit(10, subdistrict_code="210213099000"),
        "v.unknown_code",
        "'210213099000'",
        row=10,
        column="subdistrict_code",
    ),
    Case(
        "unknown_code_projects.csv",
        "projects",
        lambda: proj_edit(10, subdistrict_codes="210213008000;210213020999"),
        "v.unknown_code",
        "'210213020999'",
        row=10,
        column="subdistrict_codes",
    ),
    Case("duplicate_ids.csv", "meal_points", dup_ids, "v.duplicate_id", "also row 2", row=5, column="id"),
    # opening hours, prices and communities
    Case(
        "hours_in_chinese.csv",
        "meal_points",
        lambda: meal_edit(11, hours="周一至周五 10:30-13:00"),
        "v.bad_hours",
        "'周一至周五 10:30-13:00' is not opening-hours syntax (e.g. Mo-Fr 10:30-13:00): not understood from character 1",
        row=11,
        column="hours",
    ),
    Case(
        "hours_impossible_time.csv",
        "meal_points",
        lambda: meal_edit(12, hours="Mo-Fr 25:00-26:00"),
        "v.bad_hours",
        "not understood from character 7 ('25:00-26:00')",
        row=12,
        column="hours",
    ),
    Case(
        "hours_unfinished.csv",
        "meal_points",
        lambda: meal_edit(13, hours="Mo-Fr 10:30-"),
        "v.bad_hours",
        "is not opening-hours syntax",
        row=13,
        column="hours",
    ),
    Case(
        "bad_price_tiers.csv",
        "meal_points",
        lambda: meal_edit(14, price_tiers="8元起"),
        "v.bad_price_tiers",
        "'8元起' is not a list of prices per meal in yuan separated by /",
        row=14,
        column="price_tiers",
    ),
    Case(
        "negative_subsidy.csv",
        "meal_points",
        lambda: meal_edit(15, subsidy_yuan="-2"),
        "v.out_of_range",
        "-2 is outside the allowed range 0 to 1000",
        row=15,
        column="subsidy_yuan",
    ),
    Case(
        "fractional_seats.csv",
        "meal_points",
        lambda: meal_edit(16, seats="56.5"),
        "v.not_integer",
        "'56.5' is not a whole number",
        row=16,
        column="seats",
    ),
    Case(
        "bad_opened_on.csv",
        "meal_points",
        lambda: meal_edit(17, opened_on="2020年10月12日"),
        "v.bad_date",
        "YYYY-MM-DD",
        row=17,
        column="opened_on",
    ),
    Case(
        "bad_community_code.csv",
        "meal_points",
        lambda: meal_edit(18, community_code="21021301300"),
        "v.bad_code",
        "'21021301300' is not a 12-digit NBS code",
        row=18,
        column="community_code",
    ),
    Case(
        "unknown_community.csv",
        "meal_points",
        lambda: meal_edit(28, community_code="210213013099"),
        "v.unknown_community",
        "code '210213013099' is not one of the 371 communities and villages",
        row=28,
        column="community_code",
    ),
    Case(
        "community_in_other_subdistrict.csv",
        "meal_points",
        # 响泉社区 is in 先进街道, not in 湾里 (the point's subdistrict)
        lambda: meal_edit(28, community_code="210213009005"),
        "v.community_elsewhere",
        "community 210213009005 (响泉社区居委会) belongs to subdistrict 210213009000 (先进街道), "
        "not to the point's subdistrict 210213013000 (湾里街道)",
        row=28,
        column="community_code",
    ),
    Case(
        "community_namesake.csv",
        "meal_points",
        # 亮甲店 also has a 石城社区: the right name, the wrong code for a point in 湾里
        lambda: meal_edit(28, community_code=_liangjiadian_shicheng()),
        "v.community_elsewhere",
        "(亮甲店街道), not to the point's subdistrict 210213013000 (湾里街道)",
        row=28,
        column="community_code",
    ),
    # positions
    Case(
        "swapped_latlon.csv",
        "meal_points",
        lambda: meal_edit(3, lat="121.712", lon="39.108"),
        "v.coord_swapped",
        "swapped",
        row=3,
        column="lat",
    ),
    Case(
        "outside_district.csv",
        "meal_points",
        lambda: meal_edit(4, lat="39.9042", lon="116.4074"),
        "v.outside_district",
        "outside Jinpu",
        row=4,
        column="lat",
    ),
    Case(
        "outside_subdistrict.csv",
        "meal_points",
        lambda: meal_edit(1, lat="39.50", lon="121.70"),
        "v.outside_subdistrict_schematic",
        "210213001000",
        row=1,
        column="subdistrict_code",
    ),
    Case("projected_metres.csv", "meal_points", metres_csv, "v.coord_metres", "projected metres", row=3),
    Case(
        "district_with_coords.csv",
        "projects",
        lambda: proj_edit(1, lat="39.1", lon="121.7"),
        "v.district_with_coords",
        "district-wide",
        row=1,
    ),
    Case(
        "site_without_codes.csv",
        "projects",
        lambda: proj_edit(1, location_precision="site", lat="39.09", lon="121.735"),
        "v.codes_missing",
        "subdistrict_codes is required",
        row=1,
        column="subdistrict_codes",
    ),
    # files
    Case("empty.csv", "meal_points", lambda: b"", "v.empty_file", "empty"),
    Case("blank_lines.csv", "meal_points", lambda: b"\n\n  \n", "v.empty_file", "empty"),
    Case("header_only.csv", "meal_points", header_only, "v.no_rows", "no data rows"),
    Case("garbage.csv", "meal_points", lambda: bytes(range(256)) * 8, "v.binary", "binary"),
    Case("garbage.geojson", "subdistricts", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 4, "v.binary", "binary"),
    Case("latin1.csv", "meal_points", latin1, "v.encoding", "UTF-8"),
    Case("utf16.csv", "meal_points", utf16, "v.encoding_utf16", "UTF-16"),
    Case("oversized.csv", "meal_points", oversized, "v.too_large", "over the 20 MB limit"),
    Case("malformed.csv", "meal_points", malformed_csv, "v.csv_parse", "malformed"),
    Case("truncated.geojson", "subdistricts", truncated_json, "v.unreadable", "cannot be read"),
    Case("no_shp.zip", "meal_points", zip_without_shp, "v.unreadable", "exactly one .shp"),
    Case("table.xlsx", "meal_points", lambda: b"PK\x03\x04 not really", "v.unsupported_type", "'.xlsx'"),
    Case(
        "no_features.geojson",
        "meal_points",
        lambda: b'{"type": "FeatureCollection", "features": []}',
        "v.no_features",
        "no features",
    ),
    Case(
        "not_a_geopackage.gpkg",
        "subdistricts",
        lambda: b"SQLite format 3\x00" + b"junk" * 100,
        "v.not_format",
        "not a valid GeoPackage",
    ),
    Case(
        "chinese_headers.csv",
        "meal_points",
        lambda: "编号,名称,纬度,经度\nM1,食堂,39.1,121.7\n".encode("gbk"),
        "v.unknown_column",
        "did you mean 'lat'",
        column="纬度",
    ),
    # geometry
    Case(
        "bowtie.geojson",
        "subdistricts",
        lambda: sub_edit(_bowtie),
        "v.geom_invalid",
        "Self-intersection",
        row=1,
        column="geometry",
    ),
    Case(
        "degenerate_ring.geojson",
        "subdistricts",
        lambda: sub_edit(_spike_ring),
        "v.geom_invalid",
        "invalid geometry",
        row=3,
        column="geometry",
    ),
    Case(
        "projected_no_crs.geojson",
        "subdistricts",
        lambda: geojson_bytes(_projected({})),
        "v.coords_not_degrees",
        "projected metres",
    ),
    Case(
        "mixed_types.geojson",
        "meal_points",
        lambda: geojson_bytes(meal_points_geojson(_mixed)),
        "v.geom_mixed",
        "LineString, Point",
    ),
    Case(
        "meal_polygon.geojson",
        "meal_points",
        lambda: geojson_bytes(meal_points_geojson(_meal_polygon)),
        "v.geom_type",
        "expected Point",
        row=1,
        column="geometry",
    ),
    Case(
        "no_geometry.geojson",
        "meal_points",
        lambda: geojson_bytes(meal_points_geojson(_null_geom)),
        "v.geom_missing",
        "missing",
        row=4,
        column="geometry",
    ),
    Case(
        "subdistrict_missing.geojson",
        "subdistricts",
        sub_missing_one,
        "v.missing_subdistricts",
        "1 subdistrict is missing",
    ),
    Case(
        "subdistrict_unknown_code.geojson",
        "subdistricts",
        lambda: sub_edit(sub_unknown_code),
        "v.unknown_code",
        "'210213099000'",
        row=1,
        column="code",
    ),
    Case(
        "subdistrict_elsewhere.geojson",
        "subdistricts",
        lambda: sub_edit(_sub_outside),
        "v.polygon_outside",
        "outside Jinpu",
        row=5,
        column="geometry",
    ),
    Case(
        "subdistrict_swapped.geojson",
        "subdistricts",
        lambda: sub_edit(_sub_swapped),
        "v.geom_swapped",
        "swapped",
        row=5,
        column="geometry",
    ),
    Case("subdistricts_no_geometry.csv", "subdistricts", sub_as_csv, "v.polygon_file_needed", "WKT"),
    # accepted with a warning that must be shown
    Case(
        "html_in_names.csv",
        "meal_points",
        lambda: meal_edit(2, name_zh='<img src=x onerror="alert(1)">食堂'),
        "v.html_in_text",
        "plain text",
        level="warning",
        row=2,
        column="name_zh",
    ),
    Case(
        "formula_cells.csv",
        "meal_points",
        lambda: meal_edit(3, phone='=HYPERLINK("http://x")', price_note="+1 yuan", address="@SUM(A1)"),
        "v.formula_like",
        "prefix",
        level="warning",
        row=3,
    ),
]


def write(out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    for c in CASES:
        if c.name == "oversized.csv":
            continue
        (out / f"{c.layer}__{c.name}").write_bytes(c.make())


if __name__ == "__main__":
    write(Path(sys.argv[1] if len(sys.argv) > 1 else "corpus_out"))
