"""Names in the reader's language: one helper for every record and every subdistrict.

Records carry ``name_zh`` and ``name_en``. English falls back to Chinese (and then to
the record's id) when a layer supplied by a user lacks an English name, so a user
never sees "nan" or an empty label.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import pandas as pd

__all__ = ["local_name", "map_label", "name_column", "subdistrict_names"]


def name_column(lang: str) -> str:
    """The column holding names in ``lang``: ``name_zh`` for Chinese, else ``name_en``."""
    return "name_zh" if lang == "zh" else "name_en"


def _text(v: Any) -> str:
    if v is None or (not isinstance(v, str) and pd.isna(v)):
        return ""
    return str(v).strip()


def local_name(row: Mapping[str, Any] | pd.Series, lang: str) -> str:
    """The record's name in ``lang``, else its Chinese name, else its id ("" if none)."""
    return _text(row.get(name_column(lang))) or _text(row.get("name_zh")) or _text(row.get("id"))


def subdistrict_names(subdistricts: pd.DataFrame, lang: str) -> dict[str, str]:
    """{code: name in ``lang``} for a subdistricts layer (codes as strings)."""
    return {
        str(code): local_name({"name_zh": zh, "name_en": en, "id": code}, lang)
        for code, zh, en in zip(subdistricts["code"], subdistricts["name_zh"], subdistricts["name_en"])
    }


def map_label(name_zh: object, name_en: object, lang: str) -> str:
    """A subdistrict's short label on the map: "董家沟" (without 街道) in Chinese, the
    English name in English."""
    if lang == "zh":
        return _text(name_zh).removesuffix("街道")
    return _text(name_en) or _text(name_zh)
