"""The translation table: every user-visible string, in Chinese (default) and English.

The table is split by page into modules (``common``, ``validation``, ``overview`` ...)
so that each page owns its strings; they are merged here into one table and a key
may be defined only once (checked at import time and by the tests).
"""

from __future__ import annotations

import importlib
import pkgutil

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


def _load() -> dict[str, dict[str, str]]:
    table: dict[str, dict[str, str]] = {}
    for info in sorted(pkgutil.iter_modules(__path__), key=lambda m: m.name):
        mod = importlib.import_module(f"{__name__}.{info.name}")
        part = getattr(mod, "STRINGS", None)
        if part is None:
            continue
        for key, val in part.items():
            if key in table:
                raise ValueError(f"translation key {key!r} defined twice (again in {info.name})")
            missing = [lang for lang in LANGS if not val.get(lang)]
            if missing:
                raise ValueError(f"translation key {key!r} has no text for {missing}")
            table[key] = val
    return table


TABLE: dict[str, dict[str, str]] = _load()


def normalize_lang(lang: str | None) -> str:
    """Map a locale like 'en-US' or 'zh_CN' to one of LANGS (default Chinese)."""
    if not lang:
        return DEFAULT_LANG
    lang = str(lang).lower()
    if lang.startswith("en"):
        return "en"
    return "zh"


def t(key: str, lang: str = DEFAULT_LANG, **params) -> str:
    """Translate ``key`` into ``lang``; ``params`` fill ``{name}`` placeholders.

    An unknown key raises KeyError: a missing translation is a bug, not a fallback.
    """
    entry = TABLE[key]
    text = entry.get(lang) or entry[DEFAULT_LANG]
    return text.format(**params) if params else text


def has(key: str) -> bool:
    return key in TABLE
