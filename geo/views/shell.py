"""What every page shares: the dataset in use and the offline map assets.

The pages' Streamlit helpers (``ui/state.py``) call these; they keep the bundled
dataset once per process and a session's uploads in its own session state.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path

import geopandas as gpd

from geo.data.loader import DATA_DIR, load_bundled
from geo.data.loader import Dataset as Dataset  # for ui/state
from geo.data.schema import LAYERS
from geo.i18n import join_open, t
from geo.maps.base import ensure_static_assets as ensure_static_assets  # for ui/state

__all__ = [
    "Dataset",
    "default_dataset",
    "ensure_static_assets",
    "layer_title",
    "uploaded_layers_text",
    "with_uploads",
]


def default_dataset() -> Dataset:
    """The default dataset: data/, or the folder named by ``JINPU_DATA_DIR`` (a
    deployment's own official files in the same schema; also used by the tests)."""
    return load_bundled(Path(os.environ.get("JINPU_DATA_DIR") or DATA_DIR))


def with_uploads(ds: Dataset, uploads: Mapping[str, tuple[gpd.GeoDataFrame, str]]) -> Dataset:
    """``ds`` with the layers a session uploaded ({layer: (frame, file name)}) in place."""
    for key in LAYERS:
        if key in uploads:
            gdf, source = uploads[key]
            ds = ds.replace(key, gdf, source)
    return ds


def layer_title(key: str, lang: str) -> str:
    """A layer's title in the reader's language ("老年助餐点" / "Elderly meal points")."""
    layer = LAYERS[key]
    return layer.title_zh if lang == "zh" else layer.title_en  # the schema holds both titles


def uploaded_layers_text(ds: Dataset, lang: str) -> str:
    """The banner text naming the layers replaced by uploads ("" when all are bundled)."""
    if ds.is_bundled:
        return ""
    names = join_open((f"{layer_title(k, lang)} ({v})" for k, v in ds.sources.items() if v != "bundled"), lang)
    return t("app.data_banner", lang, layers=names)
