"""The translation table: every user-visible string, in Chinese (default) and English.

The table is split by page into modules (``common``, ``validation``, ``overview`` ...)
so that each page owns its strings; they are merged here into one table and a key
may be defined only once (checked at import time and by the tests).

Plurals: a text that depends on a count is a dict of CLDR plural categories
(``{"one": "{n} project", "other": "{n} projects"}``); :func:`t` picks the form for
the parameter ``n`` with Babel's plural rules (Chinese has only "other").

Lists: :func:`join_list` joins items the way the language does ("a, b and c",
"甲、乙和丙"); :func:`join_open` joins an open-ended list without a conjunction
("a, b, c", "甲、乙、丙"), for lists that may be cut short.
"""

from __future__ import annotations

import importlib
import pkgutil
from collections.abc import Iterable
from functools import cache
from typing import Any, Literal

from babel import Locale
from babel.lists import format_list

LANGS = ("zh", "en")
DEFAULT_LANG = "zh"


Text = str | dict[str, str]  # a plain text, or plural forms by CLDR category


def _load() -> dict[str, dict[str, Text]]:
    table: dict[str, dict[str, Text]] = {}
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
            for lang in LANGS:
                forms = val[lang]
                if isinstance(forms, dict) and "other" not in forms:
                    raise ValueError(f"translation key {key!r} ({lang}) has plural forms without 'other'")
            table[key] = val
    return table


TABLE: dict[str, dict[str, Text]] = _load()


def normalize_lang(lang: str | None) -> str:
    """Map a locale like 'en-US' or 'zh_CN' to one of LANGS (default Chinese)."""
    if not lang:
        return DEFAULT_LANG
    lang = str(lang).lower()
    if lang.startswith("en"):
        return "en"
    return "zh"


@cache
def _locale(lang: str) -> Locale:
    return Locale.parse("zh_Hans_CN" if lang == "zh" else "en")


def plural_category(n: float, lang: str) -> str:
    """The CLDR plural category of the count ``n`` in ``lang`` ("one", "other", ...)."""
    return str(_locale(normalize_lang(lang)).plural_form(abs(n)))


def t(key: str, lang: str = DEFAULT_LANG, **params: Any) -> str:
    """Translate ``key`` into ``lang``; ``params`` fill ``{name}`` placeholders.

    A text with plural forms takes its count from the parameter ``n``. An unknown key
    raises KeyError, and a plural text without ``n`` raises KeyError too: a missing
    translation is a bug, not a fallback.
    """
    entry = TABLE[key]
    text = entry.get(lang) or entry[DEFAULT_LANG]
    if isinstance(text, dict):
        if "n" not in params:
            raise KeyError(f"translation key {key!r} has plural forms: pass n=")
        text = text.get(plural_category(float(params["n"]), lang), text["other"])
    return text.format(**params) if params else text


ListStyle = Literal["standard", "standard-short", "or", "or-short", "unit", "unit-short", "unit-narrow"]


def join_list(items: Iterable[object], lang: str, style: ListStyle = "standard") -> str:
    """Items joined as the language joins a list: "a, b and c" / "甲、乙和丙" (Babel's
    CLDR list patterns; ``style="or"`` for alternatives)."""
    parts = [str(x) for x in items]
    return format_list(parts, style=style, locale=_locale(normalize_lang(lang))) if parts else ""


def join_open(items: Iterable[object], lang: str) -> str:
    """Items joined without a final conjunction, for a list that may continue or be cut
    short: "a, b, c" / "甲、乙、丙" (the language's list separator from CLDR)."""
    middle: str = _locale(normalize_lang(lang)).list_patterns["standard"]["middle"]
    sep = middle.replace("{0}", "").replace("{1}", "")
    return sep.join(str(x) for x in items)


def has(key: str) -> bool:
    return key in TABLE
