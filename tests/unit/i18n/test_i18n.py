"""The translation table: complete in both languages, and every key used exists."""

import re
from pathlib import Path

import pytest

from geo.i18n import LANGS, TABLE, normalize_lang, t

ROOT = Path(__file__).resolve().parents[3]


def test_every_entry_has_both_languages():
    for key, val in TABLE.items():
        for lang in LANGS:
            assert val.get(lang), (key, lang)


def test_placeholders_format_in_both_languages():
    """Both languages format with the same parameters (a call passes one set for both)."""
    for key, val in TABLE.items():
        names = set()
        for lang in LANGS:
            names |= set(re.findall(r"{(\w+)", val[lang]))
        for lang in LANGS:
            t(key, lang, **{n: 1 for n in names}) if names else t(key, lang)


def test_literal_keys_used_in_code_exist():
    used = set()
    for path in (
        list(ROOT.glob("*.py"))
        + list(ROOT.glob("pages/*.py"))
        + list(ROOT.glob("ui/*.py"))
        + list(ROOT.glob("geo/*.py"))
    ):
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[\w.]*\w)["']""", path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in TABLE)
    assert not missing, missing


def test_t_and_unknown_key():
    assert t("app.title", "zh") == "金普惠民地图"
    assert t("app.title", "en") == "Jinpu Livelihood Map"
    assert t("map.district_wide", "en", n=27) == "27 district-wide projects"
    with pytest.raises(KeyError):
        t("no.such.key")


def test_normalize_lang():
    assert normalize_lang("en-US") == "en"
    assert normalize_lang("zh-CN") == "zh"
    assert normalize_lang(None) == "zh"
