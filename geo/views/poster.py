"""An A4 poster of one subdistrict's elderly meal points, for the community notice board.

No streamlit import: the page calls :func:`subdistrict_poster_pdf` and offers the bytes
for download (or shows the message of the error it raises).

The poster is meant for older readers, so the type is large (a 30 pt title, 22 pt
names, 17 pt details) and the words are plain:

* the title "<subdistrict>老年助餐点" / "Elderly meal points in <subdistrict>" and a
  line with the district and the number of points;
* a box with the government hotline 12345 in very large print and what to ask it,
  beside a QR code (5.6 cm square) that opens the finder for this subdistrict, with its
  address printed underneath in small type;
* each meal point of the subdistrict: its name (in English also the Chinese name, to
  show or ask for), its type, community, address and phone when known, its opening
  hours and price when published ("未公布" / "not published" once for what is not),
  and the location-precision caveat in plain words for illustrative and
  subdistrict-level positions;
* a footer on every page: the data source (saying how many points are illustrative),
  the date printed and the page number; later pages repeat the title "(continued)".

Text from data is drawn as text: fpdf2 interprets no markup (``markdown`` is off) and
control characters become spaces; long names wrap (at any character in Chinese, at
spaces in English, inside a word when one word is wider than the line); a point is not
split across pages unless it is taller than a page.

The PDF is made with fpdf2 and the QR code with segno (drawn as vector squares, so it
prints sharp). The Chinese font is a Debian font found at run time (:data:`FONT_CANDIDATES`;
Streamlit Community Cloud installs it from packages.txt); without one,
:func:`find_cjk_font` raises RuntimeError naming the package to install.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import pandas as pd
import segno
from babel.dates import format_date
from fpdf import FPDF
from fpdf.enums import MethodReturnValue, TextMode, WrapMode, XPos, YPos

from geo.data import facts
from geo.data.hours import price_line, seats_line
from geo.data.loader import SHARED_SOURCES, Dataset
from geo.data.names import local_name
from geo.i18n import LANGS, join_list, t

__all__ = [
    "FONT_CANDIDATES",
    "FONT_PACKAGE",
    "MAX_URL_LEN",
    "QR_MM",
    "Block",
    "FontFile",
    "PosterPDF",
    "add_cjk_font",
    "caveat_text",
    "check_finder_url",
    "check_lang",
    "clean_text",
    "draw_hotline_box",
    "draw_point",
    "draw_qr",
    "find_cjk_font",
    "point_blocks",
    "point_details",
    "point_height",
    "poster_points",
    "qr_modules",
    "source_note",
    "subdistrict_poster_pdf",
]

# --------------------------------------------------------------------------- fonts


@dataclass(frozen=True)
class FontFile:
    """A font file of a Debian package, and the face to use in it.

    ``family`` is the face's family name (name ID 1) in a collection (.ttc): the face
    ``index`` is tried first and, when its family differs, every face is searched.
    """

    path: str
    family: str
    package: str
    index: int = 0


#: The Debian package packages.txt installs (and the one named when no font is found).
FONT_PACKAGE = "fonts-wqy-microhei"

#: Chinese fonts in Debian's usual paths, in order of preference.
FONT_CANDIDATES: tuple[FontFile, ...] = (
    FontFile("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc", "WenQuanYi Micro Hei", FONT_PACKAGE, 0),
    FontFile("/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc", "Noto Sans CJK SC", "fonts-noto-cjk", 2),
    FontFile("/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc", "WenQuanYi Zen Hei", "fonts-wqy-zenhei", 0),
    FontFile(
        "/usr/share/fonts/truetype/droid/DroidSansFallbackFull.ttf", "Droid Sans Fallback", "fonts-droid-fallback"
    ),
)

#: Faces tried in a font collection before giving up on finding the family by name.
MAX_FACES = 16

#: A Latin font for the symbols the Chinese font lacks (used only when present).
FALLBACK_FONTS = ("/usr/share/fonts/truetype/dejavu/DejaVuSans.ttf",)


def find_cjk_font(candidates: Sequence[FontFile] | None = None, lang: str = "en") -> FontFile:
    """The first of ``candidates`` (default :data:`FONT_CANDIDATES`) whose file exists.

    Raises
    ------
    RuntimeError
        When none exists; the message (in ``lang``) names the Debian package to install
        (the first candidate's) and the paths looked in.
    """
    candidates = FONT_CANDIDATES if candidates is None else candidates
    for cand in candidates:
        if Path(cand.path).is_file():
            return cand
    package = candidates[0].package if candidates else FONT_PACKAGE
    raise RuntimeError(t("poster.err.font", lang, package=package, paths=", ".join(c.path for c in candidates)))


def add_cjk_font(pdf: FPDF, font: FontFile, family: str = "cjk") -> None:
    """Register ``font`` in ``pdf`` as ``family``, picking the face named ``font.family``
    in a collection (Noto CJK holds Japanese, Korean and Chinese faces).

    Raises
    ------
    RuntimeError
        When the file cannot be read as a font (a broken install).
    """
    is_collection = font.path.lower().endswith((".ttc", ".otc"))
    order = [font.index, *(i for i in range(MAX_FACES) if i != font.index)] if is_collection else [font.index]
    hint_ok = False
    error: Exception | None = None
    for i in order:
        try:
            pdf.add_font(family, "", font.path, collection_font_number=i)
        except Exception as exc:  # a broken file, or past the last face of a collection
            error = error or exc
            if i == font.index:
                continue
            break
        if not is_collection or pdf.fonts[family].ttfont["name"].getDebugName(1) == font.family:
            return
        hint_ok = hint_ok or i == font.index
        del pdf.fonts[family]  # another language's face (Noto CJK: JP, KR, SC, TC, HK): try the next
    if hint_ok:  # no face has the family name: the hinted face still shows Chinese
        pdf.add_font(family, "", font.path, collection_font_number=font.index)
        return
    raise RuntimeError(f"cannot read the font {font.path} (Debian package {font.package}): {error}")


# --------------------------------------------------------------------------- data


def clean_text(value: Any) -> str:
    """A data value as one line of plain text: "" for missing, control characters
    (newlines, tabs, NUL ...) as spaces, runs of spaces collapsed."""
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return ""
    s = "".join(" " if unicodedata.category(c) in ("Cc", "Zl", "Zp") else c for c in str(value))
    return re.sub(r"\s+", " ", s).strip()


def check_lang(lang: str) -> str:
    """``lang`` itself when it is one of :data:`geo.i18n.LANGS`.

    Raises
    ------
    ValueError
        For any other language.
    """
    if lang not in LANGS:
        raise ValueError(f"unknown language {lang!r}: use one of {', '.join(LANGS)}")
    return lang


#: Longest link encoded: a longer one makes the QR's squares too small to scan from print.
MAX_URL_LEN = 300


def check_finder_url(url: str, lang: str = "en") -> str:
    """``url`` itself when it can go into the QR code: http(s), a host, no spaces or
    control characters, at most :data:`MAX_URL_LEN` characters.

    Raises
    ------
    ValueError
        Otherwise (the message, in ``lang``, shows the link).
    """
    ok = isinstance(url, str) and 0 < len(url) <= MAX_URL_LEN and not any(c.isspace() or ord(c) < 32 for c in url)
    if ok:
        parts = urlsplit(url)
        ok = parts.scheme in ("http", "https") and bool(parts.netloc)
    if not ok:
        raise ValueError(t("poster.err.url", lang, limit=MAX_URL_LEN, url=clean_text(url)[:MAX_URL_LEN]))
    return url


#: Real positions first, illustrative ones last.
PRECISION_ORDER = {"surveyed": 0, "address": 1, "subdistrict": 2, "illustrative": 3}


def natural_key(value: Any) -> tuple[tuple[int, int | str], ...]:
    """Sort key that puts "M9" before "M10"."""
    return tuple((0, int(p)) if p.isdigit() else (1, p) for p in re.findall(r"\d+|\D+", str(value)))


def poster_points(ds: Dataset, code: str, lang: str = "en") -> tuple[Mapping[str, Any], pd.DataFrame]:
    """The subdistrict ``code`` (its row) and its meal points, real positions first.

    Raises
    ------
    ValueError
        When no subdistrict in ``ds`` has the code (message in ``lang``).
    """
    code = clean_text(code)
    subs = ds.subdistricts
    match = subs[subs["code"].astype(str) == code]
    if match.empty:
        raise ValueError(t("poster.err.code", lang, code=code))
    mp = ds.meal_points
    points = pd.DataFrame(mp[mp["subdistrict_code"].astype(str) == code].drop(columns="geometry", errors="ignore"))
    order = sorted(
        range(len(points)),
        key=lambda i: (
            PRECISION_ORDER.get(clean_text(points.iloc[i].get("location_precision")), 9),
            natural_key(points.iloc[i].get("id")),
        ),
    )
    return match.iloc[0].to_dict(), points.iloc[order].reset_index(drop=True)


def caveat_text(precision: str, lang: str) -> str | None:
    """The plain-words caveat of a position that is not a real address, else None."""
    if precision in ("illustrative", "subdistrict"):
        return t(f"poster.caveat.{precision}", lang)
    return None


def community_text(row: Mapping[str, Any]) -> str:
    """The point's community (社区/村) by name: a ``community_name`` column, else the name
    of its NBS ``community_code`` (the code itself when it is not in the list), else ""."""
    name = clean_text(row.get("community_name"))
    if name:
        return name
    code = clean_text(row.get("community_code"))
    community = facts.communities().get(code) if code else None
    if community is None:
        return code
    return community.name.removesuffix("居委会").removesuffix("村委会")


def point_details(row: Mapping[str, Any], lang: str) -> list[str]:
    """The lines under a point's name: the Chinese name (English posters), type,
    community, address, phone, opening hours, price (tiers and subsidy, or a price note)
    and seats; what of hours and price is missing is said once: "开放时间和价格：未公布" /
    "Opening hours and price: not published"."""
    lines = []
    name_zh = clean_text(row.get("name_zh"))
    if lang != "zh" and name_zh and name_zh != local_name(row, lang):
        lines.append(t("poster.name_zh", lang, name=name_zh))
    kind = clean_text(row.get("kind"))
    if kind in ("center", "point"):
        lines.append(t("poster.kind", lang, value=t(f"meal.kind.{kind}", lang)))
    where = []  # community and address on one line
    community = community_text(row)
    if community:
        where.append(t("poster.community", lang, value=community))
    address = clean_text(row.get("address"))
    if address:
        where.append(t("poster.address", lang, value=address))
    if where:
        lines.append(" · ".join(where))
    phone = clean_text(row.get("phone"))
    if phone:
        lines.append(t("poster.phone", lang, value=phone))
    missing = []
    hours = clean_text(row.get("hours"))
    if hours:
        lines.append(t("poster.hours", lang, value=hours))
    else:
        missing.append(t("poster.what.hours", lang))
    price = price_line(row, lang) or clean_text(row.get("price_note"))
    seats = seats_line(row, lang)
    if price:
        lines.append(t("poster.price", lang, value=price + (f" · {seats}" if seats else "")))
    else:
        missing.append(t("poster.what.price", lang))
        if seats:
            lines.append(seats)
    if missing:
        text = t("poster.not_published", lang, what=join_list(missing, lang))
        lines.append(text[:1].upper() + text[1:])
    return lines


def source_note(ds: Dataset, points: pd.DataFrame, lang: str) -> str:
    """Where the data come from, how many of the points are illustrative or known only by
    subdistrict, and "phone before you go"."""
    src = ds.sources.get("meal_points", "bundled")
    parts = [t(f"poster.source.{src}", lang) if src in SHARED_SOURCES else t("poster.source.file", lang, file=src)]
    precision = [clean_text(v) for v in points.get("location_precision", pd.Series(dtype=object))]
    for kind in ("illustrative", "subdistrict"):
        n = precision.count(kind)
        if n:
            parts.append(t(f"poster.source.{kind}", lang, n=n))
    parts.append(t("poster.source.check", lang))
    return ("" if lang == "zh" else " ").join(parts)


def qr_modules(url: str) -> list[list[bool]]:
    """The QR code of ``url`` as rows of dark (True) and light modules, without the quiet
    zone (error correction M or better: segno raises it while the size stays the same)."""
    qr = segno.make_qr(url, error="m")
    return [[bool(v) for v in row] for row in qr.matrix]


# --------------------------------------------------------------------------- layout

PT = 25.4 / 72  # millimetres per point
MARGIN = 15.0
TITLE_PT, SUB_PT, NAME_PT, BODY_PT, FOOT_PT = 30, 18, 21, 16, 12
NUMBER_PT, HOTLINE_PT, QR_TEXT_PT, URL_PT = 48, 20, 15, 9
QR_MM = 50.0  # the symbol itself (without its quiet zone) is 4.4 cm or more
LEADING = 1.28
INK = (0, 0, 0)
WARN = (150, 30, 0)  # dark red-brown, contrast about 8.5:1 on white
RULE = (120, 120, 120)
BOX_FILL = (255, 246, 214)  # pale yellow behind the hotline and the QR code


def line_h(size_pt: float) -> float:
    """Line height in millimetres for type of ``size_pt`` points."""
    return size_pt * PT * LEADING


class PosterPDF(FPDF):
    """An A4 page with the poster's header (on pages after the first) and footer."""

    def __init__(self, lang: str, title: str, footer_text: str, printed: str) -> None:
        super().__init__(orientation="P", unit="mm", format="A4")
        self.lang = lang
        self.poster_title = title
        self.footer_text = footer_text
        self.printed = printed
        self.footer_h = 0.0
        self.wrap = WrapMode.CHAR if lang == "zh" else WrapMode.WORD
        self.set_margins(MARGIN, MARGIN, MARGIN)

    def para(self, text: str, size: float, *, x: float | None = None, w: float = 0, bold: bool = False) -> None:
        """A left-aligned paragraph in the Chinese font, wrapped to width ``w`` (0: to the
        right margin), starting at ``x`` (default: the left margin); faux bold by stroking."""
        self.set_font("cjk", size=size)
        if x is not None:
            self.set_x(x)
        kw: dict[str, Any] = {"text_mode": TextMode.FILL_STROKE, "line_width": size * 0.012} if bold else {}
        with self.local_context(**kw):
            self.multi_cell(w, line_h(size), text, align="L", wrapmode=self.wrap, new_x=XPos.LMARGIN, new_y=YPos.NEXT)

    def n_lines(self, text: str, size: float, w: float, wrap: WrapMode | None = None) -> int:
        """How many lines ``text`` takes at ``size`` in width ``w`` (wrapped as the
        language's paragraphs are, or by ``wrap``)."""
        self.set_font("cjk", size=size)
        lines = self.multi_cell(
            w, line_h(size), text, align="L", wrapmode=wrap or self.wrap, dry_run=True, output=MethodReturnValue.LINES
        )
        return len(lines)

    def header(self) -> None:
        if self.page > 1:
            self.set_text_color(*INK)
            self.para(t("poster.continued", self.lang, title=self.poster_title), SUB_PT, bold=True)
            self.rule()

    def footer(self) -> None:
        self.set_y(-(MARGIN + self.footer_h))
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.ln(2)
        self.set_text_color(*INK)
        self.para(self.footer_text, FOOT_PT)
        page = t("poster.page", self.lang, page=self.page_no(), pages=self.str_alias_nb_pages)
        self.para(f"{self.printed}    {page}", FOOT_PT)

    def rule(self, gap: float = 3.0) -> None:
        """A thin grey line across the page, with ``gap`` mm above and below."""
        self.ln(gap)
        self.set_draw_color(*RULE)
        self.set_line_width(0.3)
        self.line(self.l_margin, self.y, self.w - self.r_margin, self.y)
        self.ln(gap)


def draw_qr(pdf: FPDF, modules: list[list[bool]], x: float, y: float, size: float) -> None:
    """The QR code ``modules`` as black squares in a white square of ``size`` mm at (x, y),
    the quiet zone (4 modules) included."""
    n = len(modules) + 8
    m = size / n
    pdf.set_fill_color(255, 255, 255)
    pdf.rect(x, y, size, size, style="F")
    pdf.set_fill_color(0, 0, 0)
    for r, row in enumerate(modules):
        c = 0
        while c < len(row):
            if not row[c]:
                c += 1
                continue
            start = c
            while c < len(row) and row[c]:
                c += 1
            # a hair wider and taller, so that neighbouring squares leave no white seam
            pdf.rect(x + (start + 4) * m, y + (r + 4) * m, (c - start) * m + 0.02, m + 0.02, style="F")


def draw_hotline_box(pdf: PosterPDF, finder_url: str, lang: str) -> None:
    """The framed box: 12345 in very large print, what to ask it, and what the QR code
    does on the left; the QR code with its link in small type on the right."""
    pad = 5.0
    qr_col = QR_MM + 6
    x0, y0 = pdf.l_margin, pdf.y
    width = pdf.epw
    left_x, left_w = x0 + pad, width - qr_col - 3 * pad
    right_x = x0 + width - pad - qr_col

    hotline, scan = t("poster.hotline", lang), t("poster.qr", lang)
    left_h = (
        pdf.n_lines("12345", NUMBER_PT, left_w) * line_h(NUMBER_PT)
        + pdf.n_lines(hotline, HOTLINE_PT, left_w) * line_h(HOTLINE_PT)
        + 3
        + pdf.n_lines(scan, QR_TEXT_PT, left_w) * line_h(QR_TEXT_PT)
    )
    right_h = QR_MM + 1 + pdf.n_lines(finder_url, URL_PT, qr_col, WrapMode.CHAR) * line_h(URL_PT)
    bottom = y0 + max(left_h, right_h) + 2 * pad

    # the pale background first, then the contents over it
    pdf.set_fill_color(*BOX_FILL)
    pdf.rect(x0, y0, width, bottom - y0, style="F", round_corners=True, corner_radius=3)
    draw_qr(pdf, qr_modules(finder_url), right_x + (qr_col - QR_MM) / 2, y0 + pad, QR_MM)
    pdf.set_y(y0 + pad + QR_MM + 1)
    pdf.set_font("cjk", size=URL_PT)
    pdf.set_x(right_x)
    pdf.multi_cell(
        qr_col, line_h(URL_PT), finder_url, align="L", wrapmode=WrapMode.CHAR, new_x=XPos.LMARGIN, new_y=YPos.NEXT
    )
    pdf.set_y(y0 + pad)
    pdf.para("12345", NUMBER_PT, x=left_x, w=left_w, bold=True)
    pdf.para(hotline, HOTLINE_PT, x=left_x, w=left_w, bold=True)
    pdf.ln(3)
    pdf.para(scan, QR_TEXT_PT, x=left_x, w=left_w)
    pdf.set_draw_color(*INK)
    pdf.set_line_width(0.8)
    pdf.rect(x0, y0, width, bottom - y0, style="D", round_corners=True, corner_radius=3)
    pdf.set_y(bottom)


@dataclass(frozen=True)
class Block:
    """A paragraph of a meal point's entry: its text, size (pt), weight and colour."""

    text: str
    size: float
    bold: bool = False
    color: tuple[int, int, int] = INK


POINT_INDENT = 12.0  # mm: the number hangs in the margin of the name and details
POINT_GAP = 2.5  # mm above and below the rule after each point


def point_blocks(row: Mapping[str, Any], lang: str) -> list[Block]:
    """A meal point's paragraphs: name, details, caveat."""
    blocks = [Block(clean_text(local_name(row, lang)), NAME_PT, bold=True)]
    blocks += [Block(line, BODY_PT) for line in point_details(row, lang)]
    caveat = caveat_text(clean_text(row.get("location_precision")), lang)
    if caveat:
        blocks.append(Block(caveat, BODY_PT, color=WARN))
    return blocks


def point_height(pdf: PosterPDF, blocks: Sequence[Block]) -> float:
    """The height (mm) of a point's entry, its rule included."""
    w = pdf.epw - POINT_INDENT
    return sum(pdf.n_lines(b.text, b.size, w) * line_h(b.size) for b in blocks) + 2 * POINT_GAP


def draw_point(pdf: PosterPDF, number: int, blocks: Sequence[Block], *, rule: bool = True) -> None:
    """One meal point: its number hanging left of its paragraphs, and a rule below
    (unless ``rule`` is false: the last point, above the footer's own rule)."""
    x = pdf.l_margin + POINT_INDENT
    y = pdf.y
    pdf.set_text_color(*INK)
    pdf.set_font("cjk", size=NAME_PT)
    with pdf.local_context(text_mode=TextMode.FILL_STROKE, line_width=NAME_PT * 0.012):
        pdf.set_xy(pdf.l_margin, y)
        pdf.cell(POINT_INDENT, line_h(NAME_PT), f"{number}.")
    pdf.set_xy(x, y)
    for b in blocks:
        pdf.set_text_color(*b.color)
        pdf.para(b.text, b.size, x=x, w=pdf.epw - POINT_INDENT, bold=b.bold)
    pdf.set_text_color(*INK)
    if rule:
        pdf.rule(POINT_GAP)


def subdistrict_poster_pdf(
    ds: Dataset, code: str, lang: str, finder_url: str, *, printed_on: date | None = None
) -> bytes:
    """The A4 poster of the subdistrict ``code``'s meal points in ``lang``, as PDF bytes.

    Parameters
    ----------
    ds
        The dataset in use (bundled or with uploaded layers).
    code
        The subdistrict's 12-digit code, e.g. "210213013000".
    lang
        "zh" or "en".
    finder_url
        The link the QR code opens (the finder for this subdistrict), printed under it.
    printed_on
        The date printed in the footer (default: today).

    Raises
    ------
    ValueError
        For an unknown language, a subdistrict code not in ``ds`` or a link that is not
        http(s) (or too long for a printed QR code); the message says which.
    RuntimeError
        When no Chinese font is installed; the message names the Debian package.
    """
    check_lang(lang)
    check_finder_url(finder_url, lang)
    sub, points = poster_points(ds, code, lang)
    font = find_cjk_font(lang=lang)

    sub_name = clean_text(local_name(sub, lang))
    title = t("poster.title", lang, sub=sub_name)
    day = printed_on or date.today()
    printed = t(
        "poster.printed", lang, date=format_date(day, format="long", locale="zh_Hans_CN" if lang == "zh" else "en")
    )
    pdf = PosterPDF(lang, title, source_note(ds, points, lang), printed)
    pdf.set_title(title)
    pdf.set_lang("zh-CN" if lang == "zh" else "en")
    pdf.set_creator("金普惠民地图 · Jinpu Livelihood Map")
    add_cjk_font(pdf, font)
    fallbacks = [p for p in FALLBACK_FONTS if Path(p).is_file()]
    for i, path in enumerate(fallbacks):
        pdf.add_font(f"fallback{i}", "", path)
    if fallbacks:
        pdf.set_fallback_fonts([f"fallback{i}" for i in range(len(fallbacks))], exact_match=False)

    pdf.add_page()  # (measuring needs a page; the first has no header)
    pdf.footer_h = 3 + (pdf.n_lines(pdf.footer_text, FOOT_PT, pdf.epw) + 1) * line_h(FOOT_PT)
    pdf.set_auto_page_break(True, margin=MARGIN + pdf.footer_h + 3)

    pdf.set_text_color(*INK)
    pdf.para(title, TITLE_PT, bold=True)
    sub_zh = clean_text(sub.get("name_zh")) or sub_name
    pdf.para(f"{t('poster.where', lang, sub_zh=sub_zh)} · {t('poster.count', lang, n=len(points))}", SUB_PT)
    pdf.ln(3)
    draw_hotline_box(pdf, finder_url, lang)
    pdf.ln(3)

    if points.empty:
        pdf.para(t("poster.none", lang), NAME_PT)
    for i, row in enumerate(points.to_dict("records"), start=1):
        blocks = point_blocks(row, lang)
        last = i == len(points)
        height = point_height(pdf, blocks) - (2 * POINT_GAP if last else 0)
        fresh_page = pdf.y <= pdf.t_margin + line_h(SUB_PT) + 2 * 3 + 1  # just below a continued page's header
        if pdf.y + height > pdf.page_break_trigger and not fresh_page:
            pdf.add_page()  # keep a point on one page (unless it is taller than a page)
        draw_point(pdf, i, blocks, rule=not last)
    return bytes(pdf.output())
