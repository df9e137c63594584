"""What every page shares: the dataset in use and the offline map assets.

The pages' Streamlit helpers (``ui/state.py``) call these. The dataset is the registry's
published state, kept once per process by :class:`Published` (a cheap version check at
most once a second, the layers re-read only when a publish changed the version; the last
published dataset, or the bundled files, while the database cannot be reached); a
session's uploads stay in its own session state (:func:`with_uploads`).
"""

from __future__ import annotations

import json
import os
import threading
import time
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

import geopandas as gpd

from geo.data.loader import DATA_DIR, SHARED_SOURCES, load_bundled
from geo.data.loader import Dataset as Dataset  # for ui/state
from geo.data.registry import Registry, RegistryError
from geo.data.schema import LAYERS
from geo.i18n import join_open, t
from geo.maps.base import ensure_static_assets as ensure_static_assets  # for ui/state

__all__ = [
    "SHARED_SOURCES",
    "Dataset",
    "Published",
    "Registry",
    "RegistryError",
    "Snapshot",
    "css_texts",
    "default_dataset",
    "editing_unavailable_text",
    "ensure_static_assets",
    "layer_title",
    "open_registry",
    "unavailable_text",
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
    uploaded = [(k, v) for k, v in ds.sources.items() if v not in SHARED_SOURCES]
    if not uploaded:
        return ""
    names = join_open((f"{layer_title(k, lang)} ({v})" for k, v in uploaded), lang)
    return t("app.data_banner", lang, layers=names)


# ---------------------------------------------------------------- the registry's published state


def open_registry(secrets_url: str | None) -> Registry:
    """The registry named by the environment (``JINPU_DB_URL``), else by ``secrets_url``
    (st.secrets' ``JINPU_DB_URL``), else the embedded SQLite file; nothing is read yet."""
    return Registry.from_env(secrets_url=secrets_url)


@dataclass(frozen=True)
class Snapshot:
    """What a page run shows: the dataset, the registry version it comes from (None: the
    bundled files, the registry never answered) and the error when the registry did not
    answer at the last check (then the pages are read-only)."""

    dataset: Dataset
    version: int | None
    error: RegistryError | None

    @property
    def available(self) -> bool:
        return self.error is None


class Published:
    """The registry's published dataset, kept once per server process.

    :meth:`snapshot` asks the registry for its version at most once per ``interval``
    seconds (whichever session asks first; the others get the kept dataset at once, never
    waiting behind a slow database) and re-reads :meth:`Registry.published` only when the
    version changed. :meth:`invalidate` makes the next call check at once (after a
    publish in this process). When the database cannot be reached, the last published
    dataset is kept (or, if none was ever read, ``fallback()``: the bundled files) and the
    error is reported in the snapshot.
    """

    def __init__(
        self,
        registry: Registry,
        fallback: Callable[[], Dataset],
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.registry = registry
        self._fallback = fallback
        self._interval = interval
        self._clock = clock
        self._lock = threading.Lock()
        self._ready = False  # init() done
        self._checked: float | None = None
        self._snap: Snapshot | None = None
        self.reads = 0  # how many times published() was read (for tests and benchmarks)

    def invalidate(self) -> None:
        self._checked = None

    def snapshot(self) -> Snapshot:
        snap = self._snap
        if snap is not None and not self._due():
            return snap
        if not self._lock.acquire(blocking=snap is None):
            return snap  # type: ignore[return-value]  # another session is checking: serve what we have
        try:
            if self._snap is None or self._due():
                self._snap = self._check()
            return self._snap
        finally:
            self._lock.release()

    def _due(self) -> bool:
        return self._checked is None or self._clock() - self._checked >= self._interval

    def _check(self) -> Snapshot:
        self._checked = self._clock()
        old = self._snap
        try:
            if not self._ready:
                self.registry.init()
                self._ready = True
            version = self.registry.version()
            if old is not None and old.version == version:
                return Snapshot(old.dataset, version, None)
            version, ds = self.registry.published()
            self.reads += 1
            return Snapshot(ds, version, None)
        except RegistryError as exc:  # Unavailable: keep serving what we have, read-only
            if old is not None:
                return Snapshot(old.dataset, old.version, exc)
            return Snapshot(self._fallback(), None, exc)


def unavailable_text(snap: Snapshot, lang: str) -> str:
    """The banner when the registry did not answer ("" when it did)."""
    if snap.available:
        return ""
    what = t("rv.unavailable.last", lang) if snap.version is not None else t("rv.unavailable.bundled", lang)
    return t("rv.unavailable", lang, what=what)


def editing_unavailable_text(snap: Snapshot, lang: str) -> str:
    """Why editing (and reporting) is not possible now ("" when it is)."""
    if snap.available or snap.error is None:
        return ""
    return t("rv.unavailable.editing", lang, why=snap.error.message(lang))


def css_texts(lang: str) -> str:
    """The CSS variables that carry texts CSS shows in place of Streamlit's English ones
    (ui/assets/uploader.css): our own strings, as CSS strings."""
    label = json.dumps(t("rv.upload.button", lang), ensure_ascii=False).replace("<", "\\3c ")
    return f":root {{ --jp-upload-label: {label}; }}"
