"""The A4 meal-point poster (geo.views.poster): the text read back with pdftotext, the
QR code decoded from a 150 dpi rendering with zbarimg, hostile and very long names,
a second page, the community column, hours and price, and the errors.

Needs Debian's poppler-utils (pdftotext, pdftoppm) and zbar-tools (zbarimg); the tests
that read the PDF back skip, saying so, when they are missing. The Chinese font
(fonts-wqy-microhei, listed in packages.txt) is required, not skipped: without it the
poster cannot be made at all.
"""

from __future__ import annotations

import re
import shutil
import subprocess
from datetime import date
from pathlib import Path

import pandas as pd
import pytest

from geo.data.loader import load_bundled
from geo.data.names import local_name
from geo.i18n import t
from geo.views import poster as ps

ROOT = Path(__file__).resolve().parents[3]
WANLI = "210213013000"
PRINTED = date(2026, 1, 5)

PDFTOTEXT, PDFTOPPM, ZBARIMG = (shutil.which(x) for x in ("pdftotext", "pdftoppm", "zbarimg"))
needs_poppler = pytest.mark.skipif(
    not (PDFTOTEXT and PDFTOPPM),
    reason="pdftotext/pdftoppm not installed (Debian poppler-utils: apt-get install -y poppler-utils)",
)
needs_zbar = pytest.mark.skipif(
    not (ZBARIMG and PDFTOPPM), reason="zbarimg not installed (Debian zbar-tools: apt-get install -y zbar-tools)"
)

#: The page (A4, points) and its margin: nothing may be drawn outside.
PAGE_W, PAGE_H = 595.28, 841.89
MARGIN_PT = ps.MARGIN * 72 / 25.4


def finder_url(lang: str, code: str = WANLI) -> str:
    return f"https://jinpu.example.org/finder?sub={code}&lang={lang}"


def flat(text: str) -> str:
    """Text without any whitespace: a wrapped line reads as one."""
    return re.sub(r"\s+", "", text)


def write(pdf: bytes, tmp_path: Path, name: str = "poster") -> Path:
    path = tmp_path / f"{name}.pdf"
    path.write_bytes(pdf)
    return path


def pdf_text(pdf: bytes, tmp_path: Path) -> str:
    """The PDF's text in reading order; pages are separated by form feeds."""
    run = subprocess.run(
        [PDFTOTEXT, "-enc", "UTF-8", str(write(pdf, tmp_path)), "-"], capture_output=True, check=True, timeout=60
    )
    return run.stdout.decode("utf-8")


def pages(text: str) -> list[str]:
    return [p for p in text.split("\f") if p.strip()]


def words(pdf: bytes, tmp_path: Path) -> list[tuple[int, float, float, float, float, str]]:
    """(page, xMin, yMin, xMax, yMax, word) of every word pdftotext finds (points)."""
    run = subprocess.run(
        [PDFTOTEXT, "-bbox", "-enc", "UTF-8", str(write(pdf, tmp_path, "bbox")), "-"],
        capture_output=True,
        check=True,
        timeout=60,
    )
    out, page = [], 0
    for line in run.stdout.decode("utf-8").splitlines():
        if "<page " in line:
            page += 1
        m = re.search(r'<word xMin="([\d.]+)" yMin="([\d.]+)" xMax="([\d.]+)" yMax="([\d.]+)">(.*)</word>', line)
        if m:
            out.append((page, *(float(m.group(i)) for i in range(1, 5)), m.group(5)))
    return out


def assert_laid_out(pdf: bytes, tmp_path: Path) -> None:
    """Every word inside the margins and no two words overlapping."""
    found = words(pdf, tmp_path)
    assert found
    for _, x0, y0, x1, y1, w in found:
        assert x0 >= MARGIN_PT - 1 and x1 <= PAGE_W - MARGIN_PT + 1, (w, x0, x1)
        assert y0 >= MARGIN_PT - 5 and y1 <= PAGE_H - MARGIN_PT + 5, (w, y0, y1)
    for i, a in enumerate(found):
        for b in found[i + 1 :]:
            if a[0] != b[0]:
                continue
            overlap_x = min(a[3], b[3]) - max(a[1], b[1])
            overlap_y = min(a[4], b[4]) - max(a[2], b[2])
            assert overlap_x <= 0.5 or overlap_y <= 0.5, (a, b)


def qr_of_first_page(pdf: bytes, tmp_path: Path, dpi: int = 150) -> str:
    """The QR code on page 1, rendered at ``dpi`` and decoded by zbarimg."""
    path = write(pdf, tmp_path, "qr")
    png = tmp_path / "page"
    subprocess.run(
        [PDFTOPPM, "-r", str(dpi), "-png", "-f", "1", "-l", "1", "-singlefile", str(path), str(png)],
        check=True,
        timeout=60,
    )
    run = subprocess.run(
        [ZBARIMG, "--raw", "-q", "-Sdisable", "-Sqrcode.enable", str(png.with_suffix(".png"))],
        capture_output=True,
        timeout=60,
    )
    assert run.returncode == 0, run.stderr.decode("utf-8", "replace")
    return run.stdout.decode("utf-8").removesuffix("\n")


@pytest.fixture(scope="module")
def ds():
    return load_bundled()


@pytest.fixture(scope="module")
def wanli(ds):
    """The bundled poster of 湾里街道 in both languages."""
    return {
        lang: ps.subdistrict_poster_pdf(ds, WANLI, lang, finder_url(lang), printed_on=PRINTED) for lang in ("zh", "en")
    }


def wanli_points(ds) -> pd.DataFrame:
    return ds.meal_points[ds.meal_points["subdistrict_code"] == WANLI]


def with_points(ds, points: pd.DataFrame, name: str = "test.csv"):
    """The dataset with Wanli's meal points replaced by ``points`` (others kept)."""
    others = ds.meal_points[ds.meal_points["subdistrict_code"] != WANLI]
    gdf = pd.concat([others, points], ignore_index=True)
    return ds.replace("meal_points", type(ds.meal_points)(gdf, geometry="geometry", crs=ds.meal_points.crs), name)


# --------------------------------------------------------------------------- the bundled poster


def test_the_bundled_data_have_points_of_both_caveats_in_wanli(ds):
    """The poster tests below rely on Wanli holding illustrative and subdistrict-level points."""
    assert set(wanli_points(ds)["location_precision"]) == {"illustrative", "subdistrict"}


@needs_poppler
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_poster_names_the_subdistrict_its_points_the_hotline_and_the_caveats(ds, wanli, lang, tmp_path):
    pdf = wanli[lang]
    assert pdf.startswith(b"%PDF-")
    text = pdf_text(pdf, tmp_path)
    body = flat(text)
    sub = ds.subdistricts.set_index("code").loc[WANLI]
    assert ("湾里街道" if lang == "zh" else "Wanli") in text
    assert flat(t("poster.title", lang, sub=local_name(sub, lang))) in body
    assert "湾里街道" in text  # the Chinese name on the English poster too
    points = wanli_points(ds)
    for _, row in points.iterrows():
        assert flat(local_name(row, lang)) in body, local_name(row, lang)
        if lang == "en":
            assert flat(row["name_zh"]) in body  # to show or ask for
    assert "12345" in text
    assert flat(t("poster.hotline", lang)) in body
    for precision in ("illustrative", "subdistrict"):
        caveat = flat(t(f"poster.caveat.{precision}", lang))
        assert body.count(caveat) == (points["location_precision"] == precision).sum()
    # hours and price are not published for any Wanli point: said once per point
    assert text.count("未公布" if lang == "zh" else "not published") == len(points)
    assert flat(finder_url(lang)) in body  # the link, printed under the QR code
    assert flat(t("poster.source.bundled", lang)) in body
    assert ("2026年1月5日" if lang == "zh" else "January 5, 2026") in text


@needs_poppler
def test_the_chinese_poster_of_the_largest_subdistricts_fits_on_one_page(ds, wanli, tmp_path):
    """Four points (the most any subdistrict has) with the hotline box: one sheet."""
    assert wanli_points(ds).shape[0] == ds.meal_points["subdistrict_code"].value_counts().max()
    assert len(pages(pdf_text(wanli["zh"], tmp_path))) == 1


@needs_poppler
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_nothing_overflows_or_overlaps(wanli, lang, tmp_path):
    assert_laid_out(wanli[lang], tmp_path)


@needs_zbar
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_the_qr_code_opens_the_finder_url_exactly(wanli, lang, tmp_path):
    assert qr_of_first_page(wanli[lang], tmp_path) == finder_url(lang)


def test_the_qr_code_is_at_least_4_cm():
    """The symbol itself, without its quiet zone of 4 modules, even for the longest link."""
    for url in (finder_url("zh"), "https://x.example/" + "a" * (ps.MAX_URL_LEN - 19)):
        n = len(ps.qr_modules(url))
        assert ps.QR_MM * n / (n + 8) >= 40, url


@needs_zbar
def test_the_longest_link_allowed_still_scans_at_150_dpi(ds, tmp_path):
    base = finder_url("zh") + "&pad="
    url = base + "x" * (ps.MAX_URL_LEN - len(base))
    assert len(url) == ps.MAX_URL_LEN
    assert qr_of_first_page(ps.subdistrict_poster_pdf(ds, WANLI, "zh", url), tmp_path) == url


# --------------------------------------------------------------------------- text from data


HOSTILE = "<b>x</b> =HYPERLINK() **md** {sub}"
LONG_ZH = "长" * 150 + "名" * 150  # 300 characters, no space
LONG_EN = "Averyveryverylongname" * 15  # 315 characters, no space


@pytest.fixture(scope="module")
def hostile(ds):
    """Wanli's points with a hostile name, a 300-character name and control characters."""
    pts = wanli_points(ds).copy()
    pts["name_zh"] = [HOSTILE, LONG_ZH, "第一行\n第二行\t制表\x00空", pts["name_zh"].iloc[3]]
    pts["name_en"] = [HOSTILE, LONG_EN, "line one\nline two\ttab\x00nul", pts["name_en"].iloc[3]]
    pts["hours"] = ["=cmd|' /C calc'!A0", None, None, None]
    return with_points(ds, pts, "<i>uploaded</i>.csv")


@needs_poppler
@pytest.mark.parametrize("lang", ["zh", "en"])
def test_hostile_and_long_names_print_as_text_and_wrap(hostile, lang, tmp_path):
    pdf = ps.subdistrict_poster_pdf(hostile, WANLI, lang, finder_url(lang), printed_on=PRINTED)
    text = pdf_text(pdf, tmp_path)
    assert HOSTILE in text  # markup, formulas, Markdown and placeholders are just characters
    assert "=cmd|' /C calc'!A0" in text
    assert "<i>uploaded</i>.csv" in text  # the uploaded file's name in the source note
    long_name = LONG_ZH if lang == "zh" else LONG_EN
    assert flat(long_name) in flat(text)
    assert not any(long_name in line for line in text.splitlines())  # wrapped over several lines
    assert ("第一行 第二行 制表 空" if lang == "zh" else "line one line two tab nul") in text
    assert "\x00" not in text
    assert_laid_out(pdf, tmp_path)


def test_clean_text_keeps_characters_and_drops_control_characters():
    assert ps.clean_text(" a\r\nb\t\x00c\u2028d ") == "a b c d"
    assert ps.clean_text("<b>&amp;</b>") == "<b>&amp;</b>"
    assert ps.clean_text(None) == ps.clean_text(float("nan")) == ""


@needs_poppler
def test_many_points_continue_on_a_second_page_without_splitting_a_point(ds, tmp_path):
    template = wanli_points(ds).iloc[[2]]
    pts = pd.concat([template] * 14, ignore_index=True)
    pts["id"] = [f"T{i}" for i in range(14)]
    pts["name_zh"] = [f"测试助餐点{i:02d}号" for i in range(14)]
    pdf = ps.subdistrict_poster_pdf(with_points(ds, pts), WANLI, "zh", finder_url("zh"), printed_on=PRINTED)
    text = pdf_text(pdf, tmp_path)
    sheets = pages(text)
    assert len(sheets) >= 2
    caveat = flat(t("poster.caveat.illustrative", "zh"))
    for i in range(14):
        page = [flat(p) for p in sheets if f"测试助餐点{i:02d}号" in p]
        assert len(page) == 1, i  # each point once ...
        after = page[0].split(f"测试助餐点{i:02d}号", 1)[1]
        assert caveat in after  # ... with its caveat on the same page
    for n, sheet in enumerate(sheets, start=1):
        assert f"第 {n} 页，共 {len(sheets)} 页" in sheet  # the footer on every page
        assert "数据来源" in sheet
    assert "湾里街道老年助餐点（续）" in sheets[1]
    assert "共 14 个助餐点" in sheets[0]
    assert_laid_out(pdf, tmp_path)


@needs_poppler
def test_a_subdistrict_without_points_still_gives_the_hotline(ds, tmp_path):
    text = pdf_text(
        ps.subdistrict_poster_pdf(with_points(ds, wanli_points(ds).iloc[0:0]), WANLI, "zh", finder_url("zh")), tmp_path
    )
    assert flat(t("poster.none", "zh")) in flat(text)
    assert "12345" in text
    assert "共 0 个助餐点" in text


# --------------------------------------------------------------------------- details of a point


def test_community_is_shown_when_a_column_holds_it_and_skipped_otherwise(ds):
    row = {k: v for k, v in wanli_points(ds).iloc[0].to_dict().items() if not k.startswith("community")}
    assert not any(line.startswith("社区") for line in ps.point_details(row, "zh"))
    assert "社区：城志社区" in ps.point_details({**row, "community_name": "城志社区"}, "zh")
    # an NBS code is shown by its community's name; a code not in the list as it is
    assert "社区：石城社区 · 地址：x" in ps.point_details(
        {**row, "community_code": "210213013003", "address": "x"}, "zh"
    )
    assert "Community: 210213999999" in ps.point_details({**row, "community_code": "210213999999"}, "en")
    assert not any(line.startswith("社区") for line in ps.point_details({**row, "community_name": None}, "zh"))


@needs_poppler
def test_community_reaches_the_pdf(ds, tmp_path):
    pts = wanli_points(ds).copy()
    pts["community_name"] = ["城志社区", "石城社区", None, ""]
    text = pdf_text(ps.subdistrict_poster_pdf(with_points(ds, pts), WANLI, "zh", finder_url("zh")), tmp_path)
    assert "社区：城志社区" in text and "社区：石城社区" in text
    assert text.count("社区：") == 2


def test_hours_and_price_when_known_and_not_published_once_otherwise():
    base = {"id": "M1", "name_zh": "甲", "name_en": "A", "location_precision": "address"}
    assert ps.point_details(base, "zh") == ["开放时间和价格：未公布"]
    assert ps.point_details(base, "en") == ["Chinese name: 甲", "Opening hours and price: not published"]
    known = {**base, "hours": "11:00-13:00", "price_note": "10元/餐"}
    assert ps.point_details(known, "zh") == ["开放时间：11:00-13:00", "价格：10元/餐"]
    assert ps.point_details({**base, "hours": "11:00-13:00"}, "en")[-2:] == [
        "Opening hours: 11:00-13:00",
        "Price: not published",
    ]
    full = {**known, "kind": "center", "address": "湾里西23号楼一层", "phone": "0411-12345678"}
    assert ps.point_details(full, "zh") == [
        "类型：" + t("meal.kind.center", "zh"),
        "地址：湾里西23号楼一层",
        "电话：0411-12345678",
        "开放时间：11:00-13:00",
        "价格：10元/餐",
    ]


def test_caveats_in_plain_words():
    assert "不是真实地址" in ps.caveat_text("illustrative", "zh")
    assert "12345" in ps.caveat_text("illustrative", "zh")
    assert "只知道在本街道" in ps.caveat_text("subdistrict", "zh")
    assert "not a real address" in ps.caveat_text("illustrative", "en")
    assert ps.caveat_text("address", "zh") is None and ps.caveat_text("surveyed", "en") is None


def test_points_come_real_positions_first(ds):
    _, points = ps.poster_points(ds, WANLI)
    assert list(points["location_precision"]) == ["subdistrict", "subdistrict", "illustrative", "illustrative"]
    assert list(points["id"]) == ["M27", "M28", "M29", "M30"]


# --------------------------------------------------------------------------- errors


@pytest.mark.parametrize("lang", ["zh", "en"])
def test_an_unknown_subdistrict_code_is_refused_clearly(ds, lang):
    with pytest.raises(ValueError) as err:
        ps.subdistrict_poster_pdf(ds, "999999999999", lang, finder_url(lang))
    assert "999999999999" in str(err.value)
    assert ("没有代码为" if lang == "zh" else "No subdistrict has the code") in str(err.value)


@pytest.mark.parametrize(
    "url",
    [
        "",
        "javascript:alert(1)",
        "finder?sub=210213013000",
        "https://",
        "https://host/finder?sub=1 2",
        "https://host/\x00",
        "https://host/" + "x" * 300,
    ],
)
def test_a_link_that_cannot_go_into_the_qr_code_is_refused(ds, url):
    with pytest.raises(ValueError, match="QR"):
        ps.subdistrict_poster_pdf(ds, WANLI, "en", url)


def test_an_unknown_language_is_refused(ds):
    with pytest.raises(ValueError, match="language"):
        ps.subdistrict_poster_pdf(ds, WANLI, "fr", finder_url("zh"))


def test_without_a_chinese_font_the_error_names_the_debian_package(ds, monkeypatch):
    missing = ps.FontFile("/nonexistent/wqy-microhei.ttc", "WenQuanYi Micro Hei", ps.FONT_PACKAGE)
    monkeypatch.setattr(ps, "FONT_CANDIDATES", (missing,))
    with pytest.raises(RuntimeError) as err:
        ps.subdistrict_poster_pdf(ds, WANLI, "zh", finder_url("zh"))
    assert "fonts-wqy-microhei" in str(err.value)
    assert "apt-get install -y fonts-wqy-microhei" in str(err.value)


def test_packages_txt_installs_the_font_on_community_cloud():
    listed = (ROOT / "packages.txt").read_text(encoding="utf-8").split()
    assert ps.FONT_PACKAGE in listed
    assert ps.FONT_CANDIDATES[0].package == ps.FONT_PACKAGE


def test_the_chinese_face_of_a_collection_is_found_by_its_name():
    """A wrong face number (1: WenQuanYi's monospaced face; Noto CJK's Korean one) is
    corrected by reading the faces' names."""
    from fpdf import FPDF

    font = ps.find_cjk_font()
    if not font.path.endswith(".ttc"):
        pytest.skip(f"the installed font {font.path} is not a collection")
    pdf = FPDF()
    ps.add_cjk_font(pdf, ps.FontFile(font.path, font.family, font.package, index=1))
    assert pdf.fonts["cjk"].ttfont["name"].getDebugName(1) == font.family
