"""The translation table: complete in both languages, the same placeholders in both,
plural forms and list formatting per language, and every key used exists."""

import re
import string
from pathlib import Path

import pytest

from geo.i18n import LANGS, TABLE, join_list, join_open, normalize_lang, plural_category, t

ROOT = Path(__file__).resolve().parents[3]


def _forms(text):
    """The texts of one language: one, or one per plural category."""
    return list(text.values()) if isinstance(text, dict) else [text]


def placeholders(text: str) -> set[str]:
    """The field names a format string uses ({n}, {bn:.3f} -> n, bn)."""
    return {name.split(".")[0].split("[")[0] for _, name, _, _ in string.Formatter().parse(text) if name}


def test_every_entry_has_both_languages():
    for key, val in TABLE.items():
        for lang in LANGS:
            assert val.get(lang), (key, lang)
            for form in _forms(val[lang]):
                assert isinstance(form, str) and form.strip(), (key, lang)


#: Amounts written in each language's own unit: 亿元 in Chinese, billions of yuan (and
#: 亿元) in English. Every other key uses the same placeholders in both languages.
OWN_UNITS = {"pj.total_value": ({"total"}, {"bn"}), "pj.total_note": ({"total", "n"}, {"total", "bn", "n"})}


def test_placeholders_are_the_same_in_both_languages():
    """A call passes one set of parameters for both languages: each language (and each
    plural form) must use exactly the same placeholders, or a value would silently be
    missing in one of them (str.format ignores extra arguments). A plural form may
    leave out the count itself ("The meal point nearest to you")."""
    for key, val in TABLE.items():
        sets = {lang: [placeholders(f) for f in _forms(val[lang])] for lang in LANGS}
        if key in OWN_UNITS:
            assert (sets["zh"][0], sets["en"][0]) == OWN_UNITS[key], key
            names = sets["zh"][0] | sets["en"][0]
        else:
            plural = any(isinstance(val[lang], dict) for lang in LANGS)
            every = [s - {"n"} if plural else s for lang in LANGS for s in sets[lang]]
            assert all(s == every[0] for s in every), (key, sets)
            names = set().union(*(s for lang in LANGS for s in sets[lang]))
        for lang in LANGS:
            t(key, lang, **{n: 1 for n in names | ({"n"} if isinstance(val[lang], dict) else set())})


def test_placeholder_check_catches_a_missing_placeholder():
    """The check above compares sets: a placeholder missing in one language is found."""
    assert placeholders("{n} of {total}") != placeholders("{n} 项")
    assert placeholders("{bn:.3f} and {n}") == {"bn", "n"}


def test_plural_entries_take_n():
    plural = [k for k, v in TABLE.items() if any(isinstance(v[lang], dict) for lang in LANGS)]
    assert "map.district_wide" in plural
    for key in plural:
        for lang in LANGS:
            if isinstance(TABLE[key][lang], dict):
                assert "n" in set().union(*(placeholders(f) for f in _forms(TABLE[key][lang]))), key
                assert "other" in TABLE[key][lang], key


def test_english_plurals():
    assert t("map.district_wide", "en", n=27) == "27 district-wide projects"
    assert t("map.district_wide", "en", n=1) == "1 district-wide project"
    assert t("map.district_wide", "zh", n=1) == "全区性项目 1 项"
    assert t("ov.tip.meals", "en", n=1) == "1 meal point"
    assert t("ov.tip.meals", "en", n=3) == "3 meal points"
    assert "(s)" not in "".join(f for v in TABLE.values() for f in _forms(v["en"]))
    assert (plural_category(1, "en"), plural_category(2, "en"), plural_category(1, "zh")) == ("one", "other", "other")
    with pytest.raises(KeyError):
        t("map.district_wide", "en")  # a plural text needs its count


def test_lists_per_language():
    assert join_list(["a", "b", "c"], "en") == "a, b, and c"
    assert join_list(["a", "b"], "en") == "a and b"
    assert join_list(["甲", "乙", "丙"], "zh") == "甲、乙和丙"
    assert join_list(["a"], "en") == "a"
    assert join_list([], "zh") == ""
    assert join_open(["甲", "乙", "丙"], "zh") == "甲、乙、丙"
    assert join_open(["a", "b", "c"], "en") == "a, b, c"


def test_literal_keys_used_in_code_exist():
    used = set()
    files = [
        *ROOT.glob("*.py"),
        *ROOT.glob("pages/*.py"),
        *ROOT.glob("ui/*.py"),
        *ROOT.glob("geo/**/*.py"),
    ]
    assert any(p.match("geo/views/*.py") for p in files)  # the scan reaches the layer folders
    for path in files:
        used |= set(re.findall(r"""\bt\(\s*["']([a-z_]+\.[\w.]*\w)["']""", path.read_text(encoding="utf-8")))
    assert len(used) > 200
    missing = sorted(k for k in used if k not in TABLE)
    assert not missing, missing


def test_t_and_unknown_key():
    assert t("app.title", "zh") == "金普惠民地图"
    assert t("app.title", "en") == "Jinpu Livelihood Map"
    with pytest.raises(KeyError):
        t("no.such.key")


def test_normalize_lang():
    assert normalize_lang("en-US") == "en"
    assert normalize_lang("zh-CN") == "zh"
    assert normalize_lang(None) == "zh"
